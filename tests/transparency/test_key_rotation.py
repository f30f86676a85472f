"""Rotating the ledger key is itself on the record, signed by the old key; a verifier
that trusted the old key follows it, and refuses a new key that has no such entry."""

import base64
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import transaction

from frankly.transparency import note, rotation, signing
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import Checkpoint, LedgerEntry, TreeHead
from tests.transparency.support import append_many, use_own_signing_key
from tests.transparency.test_verify_ledger import verify, verify_fails


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def rotate(monkeypatch) -> LedgerEntry:
    """Run the command with the key in FRANKLY_LEDGER_KEY, then switch to the new key."""
    out = io.StringIO()
    call_command("ledger-rotate-key", stdout=out)
    new_key = out.getvalue().strip().splitlines()[-1]
    monkeypatch.setenv("FRANKLY_LEDGER_KEY", new_key)
    signing.private_key.cache_clear()
    return LedgerEntry.objects.filter(kind=rotation.KIND).latest("seq")


@pytest.mark.django_db
def test_the_rotation_entry_is_signed_by_the_old_key_and_its_checkpoint_too(monkeypatch):
    append_many(2)
    old_public = signing.public_key_bytes()
    entry = rotate(monkeypatch)
    body = entry_body(entry)
    assert body["old_public_key"] == base64.b64encode(old_public).decode()
    assert rotation.is_valid_rotation(body, trusted_public=old_public) == signing.public_key_bytes()
    # The checkpoint and tree head covering the rotation are the old key's.
    assert Checkpoint.objects.get(seq=entry.seq).key_id == signing.key_id(old_public)
    head = TreeHead.objects.get(size=entry.seq)
    note.open_checkpoint(head.note, name=note.origin(), public=old_public)  # raises if not
    # After the switch the new key signs.
    new = append_many(1)[0]
    assert Checkpoint.objects.get(seq=new.seq).key_id == signing.key_id(signing.public_key_bytes())


def entry_body(entry):
    return json.loads(entry.body)


@pytest.mark.django_db(transaction=True)
def test_a_verifier_that_trusted_the_old_key_follows_the_rotation(
    live_server, monkeypatch, tmp_path
):
    state = str(tmp_path / "state.json")
    append_many(3)
    verify("--url", live_server.url, "--state", state)
    rotate(monkeypatch)
    append_many(2)
    assert verify("--url", live_server.url, "--state", state).startswith("OK: 6 entries")
    assert verify("--url", live_server.url, "--state", state, "--entry", "5").startswith("OK")


@pytest.mark.django_db(transaction=True)
def test_a_rotation_not_signed_by_the_trusted_key_is_refused(live_server, monkeypatch, tmp_path):
    state = str(tmp_path / "state.json")
    append_many(2)
    verify("--url", live_server.url, "--state", state)
    # Someone with the database but not the key records a "rotation" to their own key.
    intruder, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    old_public = signing.public_key_bytes()
    new_public = theirs.public_key().public_bytes(signing.RAW, signing.RAW_PUBLIC)
    statement = rotation.rotation_statement(
        origin=note.origin(), old_public=old_public, new_public=new_public
    )
    seed = theirs.private_bytes(
        signing.RAW, signing.RAW_PRIVATE, signing.serialization.NoEncryption()
    )
    monkeypatch.setenv("FRANKLY_LEDGER_KEY", base64.b64encode(seed).decode())
    signing.private_key.cache_clear()
    with transaction.atomic():
        append_to_ledger(
            kind=rotation.KIND,
            object_type="ledger_key",
            object_id="x",
            object_url="/transparency/ledger/",
            body={
                "origin": note.origin(),
                "old_public_key": base64.b64encode(old_public).decode(),
                "new_public_key": base64.b64encode(new_public).decode(),
                "old_key_id": signing.key_id(old_public),
                "new_key_id": signing.key_id(new_public),
                "signature_by_old_key": base64.b64encode(intruder.sign(statement)).decode(),
                "signature_by_new_key": base64.b64encode(theirs.sign(statement)).decode(),
            },
        )
    message = verify_fails("--url", live_server.url, "--state", state)
    assert "seq 3" in message and "not signed by the trusted key" in message


@pytest.mark.django_db
def test_with_a_key_file_the_command_installs_the_new_key(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("FRANKLY_LEDGER_KEY")
    settings.DATA_DIR = tmp_path
    signing.private_key.cache_clear()
    append_many(1)
    before = signing.public_key_bytes()
    out = io.StringIO()
    call_command("ledger-rotate-key", stdout=out)
    assert "The new key is in the data directory" in out.getvalue()
    after = signing.public_key_bytes()
    assert after != before
    assert base64.b64decode((tmp_path / "ledger_key").read_text())  # still a key file
    body = entry_body(LedgerEntry.objects.get(seq=2))
    assert rotation.is_valid_rotation(body, trusted_public=before) == after


@pytest.mark.django_db
def test_the_key_endpoint_lists_rotations(client, monkeypatch):
    append_many(1)
    entry = rotate(monkeypatch)
    key = client.get("/api/v1/ledger/key").json()
    assert key["rotations"] == [
        {
            "seq": entry.seq,
            "old_key_id": entry_body(entry)["old_key_id"],
            "new_key_id": key["key_id"],
        }
    ]
