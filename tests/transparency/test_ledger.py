"""The public ledger: entries hashed and chained exactly as documented, signed
checkpoints, triggers that refuse UPDATE and DELETE, and the public API."""

import base64
import hashlib
import json
import re
import stat
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from frankly.transparency import signing
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import Checkpoint, LedgerEntry
from tests.transparency.support import append, append_many, use_own_signing_key

ISO_UTC_MICROSECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def public_bytes_of(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def canonical_bytes(value) -> bytes:
    """The spec, written out again independently of frankly.transparency.canonical."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def row(table: str, key_column: str, key: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {key_column} = %s", [key])  # noqa: S608
        return cursor.fetchone()


# --- Hashing and chaining -------------------------------------------------------------


@pytest.mark.django_db
def test_the_hash_is_sha256_of_the_documented_canonical_json():
    with transaction.atomic():
        first = append_to_ledger(
            kind="official_response",
            object_type="post",
            object_id=42,
            object_url="/posts/42/",
            body={"text": "We shipped dark mode.", "status": "done", "votes": 17},
        )
        second = append_to_ledger(
            kind="status_change",
            object_type="post",
            object_id=42,
            object_url="/posts/42/",
            body={"from": "planned", "to": "done"},
        )

    written_out = {
        "seq": 1,
        "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000",
        "kind": "official_response",
        "object": {"type": "post", "id": "42", "url": "/posts/42/"},
        "body": {"text": "We shipped dark mode.", "status": "done", "votes": 17},
        "created_at": first.created_at,
    }
    # The exact bytes, keys sorted at every level, no spaces: any JSON library can
    # reproduce them.
    expected_bytes = (
        '{"body":{"status":"done","text":"We shipped dark mode.","votes":17},'
        f'"created_at":"{first.created_at}","kind":"official_response",'
        '"object":{"id":"42","type":"post","url":"/posts/42/"},'
        '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
        '"seq":1}'
    ).encode()
    assert canonical_bytes(written_out) == expected_bytes
    assert first.hash == hashlib.sha256(expected_bytes).hexdigest()

    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert (
        second.hash
        == hashlib.sha256(
            canonical_bytes(
                {
                    "seq": 2,
                    "prev_hash": first.hash,
                    "kind": "status_change",
                    "object": {"type": "post", "id": "42", "url": "/posts/42/"},
                    "body": {"from": "planned", "to": "done"},
                    "created_at": second.created_at,
                }
            )
        ).hexdigest()
    )


@pytest.mark.django_db
def test_times_are_iso_8601_utc_with_microseconds():
    entries = append_many(3)
    for entry in entries:
        assert ISO_UTC_MICROSECONDS.match(entry.created_at), entry.created_at
    assert [e.created_at for e in entries] == sorted(e.created_at for e in entries)


@pytest.mark.django_db
def test_text_is_stored_as_utf8_not_escapes():
    text = "Grüße — 😀"
    entry = append(1, text=text)
    stored = row("transparency_ledgerentry", "seq", entry.seq)
    assert text in entry.body
    assert "\\u" not in entry.body
    assert any(isinstance(value, str) and text in value for value in stored)
    fields = {
        "seq": 1,
        "prev_hash": "0" * 64,
        "kind": "official_response",
        "object": {"type": "post", "id": "1", "url": "/posts/1/"},
        "body": {"text": text},
        "created_at": entry.created_at,
    }
    assert entry.hash == hashlib.sha256(canonical_bytes(fields)).hexdigest()
    escaped = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    assert entry.hash != hashlib.sha256(escaped).hexdigest()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{"score": 0.5}, {"scores": [1, 2.0]}, {"nested": {"deeper": {"x": 1e3}}}]
)
def test_floats_are_refused_and_nothing_is_stored(body):
    with pytest.raises(TypeError, match="float"), transaction.atomic():
        append_to_ledger(
            kind="official_response", object_type="post", object_id=1, object_url="/", body=body
        )
    assert not LedgerEntry.objects.exists()
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        append_to_ledger(
            kind="official_response",
            object_type="post",
            object_id=1,
            object_url="/posts/1/",
            body={"text": "Not on its own"},
        )
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_an_entry_rolls_back_with_the_change_it_records():
    append(1)

    class ChangeFailed(Exception):
        pass

    with pytest.raises(ChangeFailed), transaction.atomic():
        append_to_ledger(
            kind="status_change",
            object_type="post",
            object_id=2,
            object_url="/posts/2/",
            body={"to": "done"},
        )
        raise ChangeFailed("the change this entry records fails after the append")
    assert list(LedgerEntry.objects.values_list("seq", flat=True)) == [1]
    assert list(Checkpoint.objects.values_list("seq", flat=True)) == [1]
    assert append(3).seq == 2


# --- Checkpoints and the key -------------------------------------------------------------


@pytest.mark.django_db
def test_every_append_signs_a_checkpoint_of_the_new_head(signing_key):
    entries = append_many(3)
    public = Ed25519PublicKey.from_public_bytes(public_bytes_of(signing_key))
    checkpoints = {c.seq: c for c in Checkpoint.objects.all()}
    assert sorted(checkpoints) == [1, 2, 3]
    for entry in entries:
        checkpoint = checkpoints[entry.seq]
        assert (checkpoint.hash, checkpoint.created_at) == (entry.hash, entry.created_at)
        assert checkpoint.key_id == hashlib.sha256(public_bytes_of(signing_key)).hexdigest()
        message = (
            f'{{"created_at":"{entry.created_at}","hash":"{entry.hash}","seq":{entry.seq}}}'
        ).encode()
        public.verify(base64.b64decode(checkpoint.signature), message)  # raises if not


def test_a_generated_key_is_kept_private_and_reused(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("FRANKLY_LEDGER_KEY")
    settings.DATA_DIR = tmp_path
    signing.private_key.cache_clear()
    first = signing.public_key_bytes()
    key_file = tmp_path / "ledger_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    signing.private_key.cache_clear()
    assert signing.public_key_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["ledger_key"]


def test_workers_starting_together_agree_on_one_generated_key(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("FRANKLY_LEDGER_KEY")
    settings.DATA_DIR = tmp_path
    barrier, keys, errors = threading.Barrier(8), [], []

    def first_use():
        barrier.wait()
        try:
            keys.append(public_bytes_of(signing._load_or_create()))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ledger_key"]


def test_a_malformed_configured_key_is_explained(monkeypatch):
    monkeypatch.setenv("FRANKLY_LEDGER_KEY", "not-base64!")
    signing.private_key.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="frankly ledger-key"):
        signing.private_key()


# --- The database refuses UPDATE and DELETE --------------------------------------------


TAMPERING = [
    ("transparency_ledgerentry", "seq", "UPDATE {table} SET body = '{{}}' WHERE seq = %s"),
    ("transparency_ledgerentry", "seq", "DELETE FROM {table} WHERE seq = %s"),
    ("transparency_checkpoint", "seq", "UPDATE {table} SET signature = 'forged' WHERE seq = %s"),
    ("transparency_checkpoint", "seq", "DELETE FROM {table} WHERE seq = %s"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "key", "statement"), TAMPERING)
def test_the_database_refuses_to_change_or_remove_a_row(table, key, statement):
    append_many(2)
    before = row(table, key, 1)
    assert before is not None
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table), [1])
    assert row(table, key, 1) == before
    assert LedgerEntry.objects.count() == Checkpoint.objects.count() == 2


@pytest.mark.django_db
def test_the_orm_cannot_delete_or_update_either():
    entry = append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(seq=entry.seq).update(kind="retracted")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert LedgerEntry.objects.get(seq=1).kind == "official_response"


# --- The public API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_entries_are_served_in_pages_linked_by_next(client):
    entries = append_many(3)
    seen, after, pages = [], 0, 0
    while after is not None:
        response = client.get("/api/v1/ledger/entries", {"after": after, "limit": 1})
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) == 1
        seen += page["items"]
        after, pages = page["next"], pages + 1
    assert pages == 3
    assert [item["seq"] for item in seen] == [1, 2, 3]
    first = seen[0]
    assert first == {
        "seq": 1,
        "prev_hash": "0" * 64,
        "kind": "official_response",
        "object": {"type": "post", "id": "1", "url": "/posts/1/"},
        "body": {"text": "Answer number 1"},
        "created_at": entries[0].created_at,
        "hash": entries[0].hash,
    }
    assert [item["prev_hash"] for item in seen[1:]] == [e.hash for e in entries[:2]]

    everything = client.get("/api/v1/ledger/entries").json()
    assert [item["seq"] for item in everything["items"]] == [1, 2, 3]
    assert everything["next"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "after=-1", "after=abc", "limit=x"])
def test_bad_paging_is_a_422_that_says_why(client, query):
    response = client.get(f"/api/v1/ledger/entries?{query}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail.strip()


@pytest.mark.django_db
def test_the_checkpoint_is_404_until_something_is_appended(client):
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 404
    assert "empty" in response.json()["detail"]

    entries = append_many(2)
    response = client.get("/api/v1/ledger/checkpoint", headers={"Accept": "application/json"})
    assert response.status_code == 200
    checkpoint = response.json()
    assert checkpoint["seq"] == 2
    assert checkpoint["hash"] == entries[-1].hash
    assert checkpoint["created_at"] == entries[-1].created_at


@pytest.mark.django_db
def test_the_published_key_verifies_the_published_checkpoint(client, signing_key):
    append_many(2)
    key = client.get("/api/v1/ledger/key").json()
    raw = base64.b64decode(key["public_key"], validate=True)
    assert key["algorithm"] == "Ed25519"
    assert len(raw) == 32
    assert raw == public_bytes_of(signing_key)
    assert key["key_id"] == hashlib.sha256(raw).hexdigest()

    checkpoint = client.get("/api/v1/ledger/checkpoint?format=json").json()
    assert checkpoint["key_id"] == key["key_id"]
    message = canonical_bytes(
        {
            "seq": checkpoint["seq"],
            "hash": checkpoint["hash"],
            "created_at": checkpoint["created_at"],
        }
    )
    Ed25519PublicKey.from_public_bytes(raw).verify(
        base64.b64decode(checkpoint["signature"]), message
    )
