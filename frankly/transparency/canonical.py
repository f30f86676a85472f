"""The one byte form of a ledger entry that everybody hashes the same way.

Canonical JSON here means: keys sorted, no insignificant white space, UTF-8 (not
\\u escapes), and no floats (integers and strings only), so any JSON library
reproduces the same bytes. Times are ISO 8601 in UTC with microseconds and a Z.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("Ledger bodies hold no floats: their text form is not canonical.")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_floats(item)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_bytes(entry: dict) -> bytes:
    """The canonical JSON of an entry's fields (all but ``hash``), as UTF-8.

    ``entry`` has: seq, prev_hash, kind, object {type, id, url}, body (an object),
    created_at (string as produced by format_time). These bytes are what the chain
    hashes and what the Merkle tree's leaf hashes (after a 0x00 byte).
    """
    fields = {k: entry[k] for k in ("seq", "prev_hash", "kind", "object", "body", "created_at")}
    return canonical_json(fields).encode("utf-8")


def entry_hash(entry: dict) -> str:
    """sha256 hex of an entry's canonical bytes."""
    return hashlib.sha256(entry_bytes(entry)).hexdigest()


def checkpoint_message(*, seq: int, hash: str, created_at: str) -> bytes:
    """The bytes a checkpoint signature covers."""
    return canonical_json({"seq": seq, "hash": hash, "created_at": created_at}).encode("utf-8")
