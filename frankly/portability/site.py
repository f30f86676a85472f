"""No lock-in: the whole site's data out as documented JSON Lines, and back in.

``export_site(DIR)`` writes one ``<app>.<model>.jsonl`` file per table (Django's own
JSON Lines serializer: one ``{"model", "pk", "fields"}`` object a line), a
``manifest.json`` with the row counts and the ledger head, and a README.md that
documents the format. ``import_site(DIR)`` loads such a directory into an instance
that has no data yet, keeping every id, so links, the ledger's hash chain and its
signed checkpoints stay as they were.

Left out on purpose: password hashes, API tokens, email confirmation keys, webhook
secrets, the mail outbox and webhook delivery log (operational state, not data),
data-export files and the cache version counter.
"""

import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from frankly.errors import Conflict, Invalid

FORMAT = "frankly-site-export"
VERSION = 1
APPS = (
    "account",
    "accounts",
    "feedback",
    "transparency",
    "incidents",
    "roadmap",
    "notify",
    "insights",
    "integrations",
    "crm",
    "portability",
)
LEFT_OUT = {
    "account.EmailConfirmation": "one-time confirmation keys",
    "accounts.ApiToken": "credentials: people make new tokens",
    "accounts.DataExport": "personal export files, made again on request",
    "notify.OutboxMessage": "the mail queue, not data",
    "notify.WebhookEndpoint": "holds signing secrets: register endpoints again",
    "notify.WebhookDelivery": "the delivery log of those endpoints",
    "incidents.StatusVersion": "a cache version counter",
}
# Fields never written: secrets, and what depends on this instance's permission rows.
LEFT_OUT_FIELDS = {"accounts.User": {"password", "groups", "user_permissions"}}


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; an export keeps the microseconds
    (the ledger's hashes cover them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def exported_models() -> list:
    """The models exported, parents before children (so an import can insert in order)."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS and model._meta.label not in LEFT_OUT
    ]
    ordered = serializers.sort_dependencies(
        [(apps.get_app_config(label), None) for label in APPS], allow_cycles=True
    )
    return [model for model in ordered if model in chosen]


def _file_name(model) -> str:
    return f"{model._meta.label_lower}.jsonl"


def _fields(model) -> list[str] | None:
    skip = LEFT_OUT_FIELDS.get(model._meta.label)
    if not skip:
        return None
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    names += [f.name for f in model._meta.many_to_many]
    return [name for name in names if name not in skip]


def _ledger_head() -> dict | None:
    from frankly.transparency.models import LedgerEntry

    head = LedgerEntry.objects.order_by("-seq").first()
    return {"seq": head.seq, "hash": head.hash} if head else None


def _write_tables(write) -> dict:
    """Write every table through ``write(name, text)``; returns the manifest."""
    tables = {}
    for model in exported_models():
        rows = model._default_manager.order_by("pk")
        text = serializers.serialize(
            "jsonl", rows.iterator(), fields=_fields(model), cls=FullPrecisionEncoder
        )
        write(_file_name(model), text)
        tables[model._meta.label_lower] = {"file": _file_name(model), "rows": rows.count()}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "ledger_head": _ledger_head(),
        "tables": tables,
        "left_out": LEFT_OUT,
    }


def _readme(manifest: dict) -> str:
    lines = [
        "# Frankly site export",
        "",
        f"Exported {manifest['exported_at']}. Format `{FORMAT}`, version {VERSION}.",
        "",
        "## Files",
        "",
        "Each table is one file of JSON Lines (UTF-8, one JSON object per line), in the",
        "form of Django's `jsonl` serializer:",
        "",
        "```",
        '{"model": "feedback.post", "pk": 12, "fields": {"title": "...", "author": 3, ...}}',
        "```",
        "",
        "- `model` is `<app>.<table>`; `pk` the row's id; `fields` every column by name.",
        "- A foreign key is the id of the row it points to (`author: 3` is the line with",
        '  `"model": "accounts.user", "pk": 3`); a many-to-many field is a list of ids.',
        "- Times are ISO 8601 in UTC. Markdown texts come with their rendered HTML.",
        "- `manifest.json` lists each file with its row count, the ledger head",
        "  (`seq` and `hash` of the last entry) and what was left out and why.",
        "",
        "| table | file | rows |",
        "| --- | --- | --- |",
    ]
    for label, table in manifest["tables"].items():
        lines.append(f"| {label} | {table['file']} | {table['rows']} |")
    lines += [
        "",
        "## What is not here",
        "",
        '- Password hashes: people set a new password ("Forgot your password?") after an',
        "  import. Email addresses are included: this is the site owners' own data.",
    ]
    lines += [f"- `{label}`: {why}." for label, why in LEFT_OUT.items()]
    lines += [
        "",
        "## The ledger",
        "",
        "`transparency.ledgerentry.jsonl` is the public hash chain as stored; anyone can",
        "recompute each `hash` (see the site's API docs). The signed checkpoints",
        "(`transparency.checkpoint.jsonl`) verify only with the same signing key: copy",
        "`FRANKLY_LEDGER_KEY` (or the file `ledger_key` in the data directory) to the new",
        "instance as well.",
        "",
        "## Restoring",
        "",
        "On a new instance with migrations applied and no data yet:",
        "",
        "```",
        "frankly import frankly DIR",
        "```",
    ]
    return "\n".join(lines) + "\n"


def export_site(directory: Path) -> dict:
    """Write the whole site's data to ``directory`` (created if missing); returns the
    manifest. Read in one transaction, so the files agree with each other."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    def write(name: str, text: str) -> None:
        (directory / name).write_text(text, encoding="utf-8")

    with transaction.atomic():
        manifest = _write_tables(write)
    write("manifest.json", json.dumps(manifest, indent=2) + "\n")
    write("README.md", _readme(manifest))
    return manifest


def export_site_zip() -> bytes:
    """The same export as one zip file (the staff download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with transaction.atomic():
            manifest = _write_tables(archive.writestr)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        archive.writestr("README.md", _readme(manifest))
    return buffer.getvalue()


def _read_manifest(directory: Path) -> dict:
    path = directory / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid(f"{path} is missing: is {directory} a Frankly export?") from None
    except ValueError as exc:
        raise Invalid(f"{path} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise Invalid(
            f"{directory} is not a {FORMAT} version {VERSION} export "
            f"(found {manifest.get('format')!r} version {manifest.get('version')!r})."
        )
    return manifest


def _objects(path: Path) -> Iterator:
    with path.open(encoding="utf-8") as lines:
        yield from serializers.deserialize("jsonl", lines)


def refuse_unless_empty() -> None:
    occupied = [model._meta.label for model in exported_models() if model._default_manager.exists()]
    if occupied:
        raise Conflict(
            "This instance already has data (" + ", ".join(occupied[:5]) + "). Import "
            "into a new, empty instance: run migrations on a fresh database first."
        )


@transaction.atomic
def import_site(directory: Path) -> dict[str, int]:
    """Load an export into this (empty) instance, keeping ids; all or nothing.
    Returns the rows loaded per table."""
    directory = Path(directory)
    manifest = _read_manifest(directory)
    refuse_unless_empty()
    loaded, models = {}, []
    known = {model._meta.label_lower: model for model in exported_models()}
    for label in manifest["tables"]:
        if label not in known:
            raise Invalid(f"The export has a table this version does not know: {label}.")
    for label, model in known.items():
        table = manifest["tables"].get(label)
        if table is None:
            continue
        path = directory / table["file"]
        if not path.is_file():
            raise Invalid(f"{path} is missing from the export.")
        count = 0
        try:
            for item in _objects(path):
                # Raw save: an INSERT with the row's own id, no business logic run again.
                item.save()
                count += 1
        except serializers.base.DeserializationError as exc:
            raise Invalid(f"{path} could not be read: {exc}") from None
        if count != table["rows"]:
            raise Invalid(f"{path} has {count} rows; the manifest says {table['rows']}.")
        loaded[label], models = count, [*models, model]
    user_model = apps.get_model("accounts", "User")
    user_model.objects.filter(password="").update(password=make_password(None))
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    return loaded
