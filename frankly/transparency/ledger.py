"""The public ledger: an append-only hash chain of what the company said, with
signed checkpoints, and the verifier that anyone can run against it.

``append_to_ledger`` must run inside the transaction of the change it records, so
the statement and its entry are stored together or not at all.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from frankly.transparency import signing, tree
from frankly.transparency.canonical import (
    GENESIS_HASH,
    canonical_json,
    checkpoint_message,
    entry_hash,
    format_time,
)
from frankly.transparency.models import Checkpoint, LedgerEntry


def _serialise_appends() -> None:
    """Make concurrent appends take turns, so the chain can never fork.

    PostgreSQL: a table lock that lets readers through. SQLite: every transaction
    already holds the database's single write lock (IMMEDIATE mode, settings.py).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {LedgerEntry._meta.db_table} IN EXCLUSIVE MODE")


def append_to_ledger(
    *, kind: str, object_type: str, object_id: int | str, object_url: str, body: dict
) -> LedgerEntry:
    """Append one statement to the ledger and sign the new head."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_to_ledger must run inside the change's transaction.")
    if not isinstance(body, dict):
        raise TypeError("A ledger body is a JSON object (a dict).")
    _serialise_appends()
    head = LedgerEntry.objects.order_by("-seq").only("seq", "hash").first()
    fields = {
        "seq": head.seq + 1 if head else 1,
        "prev_hash": head.hash if head else GENESIS_HASH,
        "kind": kind,
        "object": {"type": object_type, "id": str(object_id), "url": object_url},
        "body": json.loads(canonical_json(body)),
        "created_at": format_time(timezone.now()),
    }
    digest = entry_hash(fields)
    entry = LedgerEntry.objects.create(
        seq=fields["seq"],
        prev_hash=fields["prev_hash"],
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        object_url=object_url,
        body=canonical_json(body),
        created_at=fields["created_at"],
        hash=digest,
    )
    _sign_head(entry)
    tree.sign_tree_head(entry.seq, tree.append_leaf(seq=entry.seq, fields=fields))
    return entry


def _sign_head(entry: LedgerEntry) -> Checkpoint:
    public = signing.public_key_bytes()
    message = checkpoint_message(seq=entry.seq, hash=entry.hash, created_at=entry.created_at)
    return Checkpoint.objects.create(
        seq=entry.seq,
        hash=entry.hash,
        created_at=entry.created_at,
        signature=signing.sign(message),
        key_id=signing.key_id(public),
    )


def entry_as_dict(entry: LedgerEntry) -> dict:
    """The public form of an entry: what the API serves and the verifier reads."""
    return {
        "seq": entry.seq,
        "prev_hash": entry.prev_hash,
        "kind": entry.kind,
        "object": {"type": entry.object_type, "id": entry.object_id, "url": entry.object_url},
        "body": json.loads(entry.body),
        "created_at": entry.created_at,
        "hash": entry.hash,
    }


def checkpoint_as_dict(checkpoint: Checkpoint) -> dict:
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "created_at": checkpoint.created_at,
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
    }


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-seq").first()


@dataclass
class Verdict:
    ok: bool
    count: int
    head: str
    bad_seq: int | None = None
    reason: str = ""
    detail: str = ""

    def __str__(self) -> str:
        if self.ok:
            more = f" ({self.detail})" if self.detail else ""
            return f"OK: {self.count} entries, head {self.head}{more}"
        where = f" at seq {self.bad_seq}" if self.bad_seq is not None else ""
        return f"FAIL{where}: {self.reason}"


def verify_chain(
    entries: Iterable[dict], *, checkpoint: dict | None, public_key: bytes | None
) -> Verdict:
    """Check every hash, every link, and the checkpoint's signature.

    ``entries`` come in seq order, in the public form of ``entry_as_dict``.
    """
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    hashes_at = {}
    for entry in entries:
        seq = entry.get("seq")
        if seq != expected_seq:
            return Verdict(
                False,
                count,
                prev,
                seq if isinstance(seq, int) else expected_seq,
                f"expected entry {expected_seq} next, found {seq!r}: a gap or a reorder",
            )
        if entry.get("prev_hash") != prev:
            return Verdict(
                False, count, prev, seq, "prev_hash does not match the hash of the entry before it"
            )
        try:
            recomputed = entry_hash(entry)
        except (KeyError, TypeError) as exc:
            return Verdict(False, count, prev, seq, f"the entry is malformed: {exc}")
        if recomputed != entry.get("hash"):
            return Verdict(
                False,
                count,
                prev,
                seq,
                f"its content does not match its hash (recomputed {recomputed})",
            )
        prev, expected_seq, count = recomputed, seq + 1, count + 1
        if checkpoint and seq == checkpoint.get("seq"):
            hashes_at[seq] = recomputed
    if checkpoint is not None:
        seq = checkpoint.get("seq")
        if seq not in hashes_at:
            return Verdict(
                False,
                count,
                prev,
                seq,
                "the signed checkpoint names an entry that is not in the log",
            )
        if hashes_at[seq] != checkpoint.get("hash"):
            return Verdict(
                False, count, prev, seq, "the signed checkpoint's hash differs from the log's entry"
            )
        if public_key is None or checkpoint.get("key_id") != signing.key_id(public_key):
            return Verdict(
                False,
                count,
                prev,
                seq,
                "the checkpoint was signed by a key other than the published one",
            )
        message = checkpoint_message(
            seq=seq, hash=checkpoint["hash"], created_at=checkpoint.get("created_at", "")
        )
        if not signing.is_valid_signature(public_key, message, checkpoint.get("signature", "")):
            return Verdict(False, count, prev, seq, "the checkpoint's signature is not valid")
    elif count:
        return Verdict(False, count, prev, None, "the log has entries but no signed checkpoint")
    return Verdict(True, count, prev)


def verify_local() -> Verdict:
    """Verify this site's own database, reading entries in batches."""

    def entries():
        last = 0
        while True:
            batch = list(LedgerEntry.objects.filter(seq__gt=last).order_by("seq")[:1000])
            if not batch:
                return
            for entry in batch:
                yield entry_as_dict(entry)
            last = batch[-1].seq

    checkpoint = latest_checkpoint()
    verdict = verify_chain(
        entries(),
        checkpoint=checkpoint_as_dict(checkpoint) if checkpoint else None,
        public_key=signing.public_key_bytes(),
    )
    # Here, unlike a remote check that races new appends, every entry is signed when
    # it is appended: an entry past the latest checkpoint was put there by hand.
    if verdict.ok and checkpoint is not None and verdict.count != checkpoint.seq:
        return Verdict(
            False,
            verdict.count,
            verdict.head,
            checkpoint.seq + 1,
            "this entry is after the latest signed checkpoint: nothing signed it",
        )
    return verdict
