"""Rotating the ledger's signing key, on the record.

The rotation is itself a ledger entry: it names the old and the new public key and
carries a signature by each over the same statement (the old key vouches for the new
one; the new key shows its holder has it), and the checkpoint signed when it is
appended is the old key's last. A verifier that trusted the old key follows this
entry to the new key; a new key that appears without one is refused.
"""

import base64
import contextlib
import json
import os
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from frankly.errors import Invalid
from frankly.transparency import note, signing
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import LedgerEntry

KIND = "ledger_key.rotated"


def rotation_statement(*, origin: str, old_public: bytes, new_public: bytes) -> bytes:
    """The bytes both keys sign."""
    return (
        f"frankly ledger key rotation\n{origin}\n"
        f"old {base64.b64encode(old_public).decode()}\n"
        f"new {base64.b64encode(new_public).decode()}\n"
    ).encode()


def is_valid_rotation(body: dict, *, trusted_public: bytes) -> bytes | None:
    """The new public key if ``body`` is a rotation away from ``trusted_public`` that
    both keys signed; None otherwise."""
    try:
        old_public = base64.b64decode(body["old_public_key"], validate=True)
        new_public = base64.b64decode(body["new_public_key"], validate=True)
        statement = rotation_statement(
            origin=body["origin"], old_public=old_public, new_public=new_public
        )
        old_signature, new_signature = body["signature_by_old_key"], body["signature_by_new_key"]
    except (KeyError, TypeError, ValueError):
        return None
    if old_public != trusted_public:
        return None
    if not signing.is_valid_signature(old_public, statement, old_signature):
        return None
    if not signing.is_valid_signature(new_public, statement, new_signature):
        return None
    return new_public


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(signing.RAW, signing.RAW_PUBLIC)


@transaction.atomic
def rotate_ledger_key(*, new_key: Ed25519PrivateKey) -> LedgerEntry:
    """Record the rotation to ``new_key``, signed by the current key and the new one.

    The caller then makes the new key the signing key (see ``install_key_file``)."""
    old_public, new_public = signing.public_key_bytes(), _raw_public(new_key)
    if old_public == new_public:
        raise Invalid(
            _("The new key is the key in use now; make a new one with frankly ledger-key.")
        )
    origin = note.origin()
    statement = rotation_statement(origin=origin, old_public=old_public, new_public=new_public)
    body = {
        "origin": origin,
        "old_public_key": base64.b64encode(old_public).decode(),
        "new_public_key": base64.b64encode(new_public).decode(),
        "old_key_id": signing.key_id(old_public),
        "new_key_id": signing.key_id(new_public),
        "new_note_verifier_key": note.verifier_key(origin, new_public),
        "signature_by_old_key": signing.sign(statement),
        "signature_by_new_key": base64.b64encode(new_key.sign(statement)).decode(),
    }
    return append_to_ledger(
        kind=KIND,
        object_type="ledger_key",
        object_id=body["new_key_id"][:40],
        object_url=reverse("transparency:ledger"),
        body=body,
    )


def install_key_file(new_key: Ed25519PrivateKey) -> None:
    """Replace the data directory's key file with ``new_key`` (atomically) and use it."""
    seed = new_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    path = settings.DATA_DIR / "ledger_key"
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ledger_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(seed).decode())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    signing.private_key.cache_clear()


def rotations() -> list[dict]:
    """The rotation entries, oldest first, as the key endpoint lists them."""
    return [
        {"seq": e.seq, "old_key_id": body["old_key_id"], "new_key_id": body["new_key_id"]}
        for e in LedgerEntry.objects.filter(kind=KIND).order_by("seq")
        for body in [json.loads(e.body)]
    ]
