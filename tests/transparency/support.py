"""Test support for the public ledger: lifting its append-only triggers, and a
signing key of the test's own."""

import base64
import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection, transaction

from frankly.transparency import signing
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import LedgerEntry

# The migration that owns the triggers' SQL; reused so that SQL lives in one place.
APPEND_ONLY = importlib.import_module("frankly.transparency.migrations.0002_ledger_append_only")
TREE_APPEND_ONLY = importlib.import_module(
    "frankly.transparency.migrations.0005_merkle_backfill_and_append_only"
)


def _schema_editor():
    # Not entered as a context manager: SQLite's editor refuses to open inside a
    # transaction (it must switch foreign keys off), and the tamper tests run inside
    # the test's transaction. forward/backward only execute plain statements.
    return connection.schema_editor(atomic=False)


def drop_triggers() -> None:
    with transaction.atomic():
        TREE_APPEND_ONLY.backward(None, _schema_editor())
        APPEND_ONLY.backward(None, _schema_editor())


def create_triggers() -> None:
    with transaction.atomic():
        APPEND_ONLY.forward(None, _schema_editor())
        TREE_APPEND_ONLY.forward(None, _schema_editor())


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Let raw SQL update and delete ledger rows, as an intruder with the database could."""
    drop_triggers()
    try:
        yield
    finally:
        create_triggers()


def execute(sql: str, params=None) -> int:
    """Run one raw statement; return the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def new_key_b64() -> str:
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(seed).decode()


def use_own_signing_key(monkeypatch) -> Ed25519PrivateKey:
    """Sign with a new key from FRANKLY_LEDGER_KEY, not the data directory's.

    Call ``signing.private_key.cache_clear()`` again when the test ends."""
    key_b64 = new_key_b64()
    monkeypatch.setenv("FRANKLY_LEDGER_KEY", key_b64)
    signing.private_key.cache_clear()
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(key_b64))


@contextmanager
def another_signing_key(monkeypatch) -> Iterator[None]:
    """Sign with a different key for a moment, as a forger with their own key would."""
    try:
        with monkeypatch.context() as patch:
            patch.setenv("FRANKLY_LEDGER_KEY", new_key_b64())
            signing.private_key.cache_clear()
            yield
    finally:
        signing.private_key.cache_clear()


def append(n: int = 1, **body) -> LedgerEntry:
    """Append one entry about post ``n``, in its own transaction."""
    with transaction.atomic():
        return append_to_ledger(
            kind="official_response",
            object_type="post",
            object_id=n,
            object_url=f"/posts/{n}/",
            body={"text": f"Answer number {n}", **body},
        )


def append_many(count: int) -> list[LedgerEntry]:
    return [append(n) for n in range(1, count + 1)]
