"""`frankly verify-ledger --url` remembers the last signed tree head it trusted: the next
run checks a consistency proof from it, so a rewritten (even re-signed) history is
caught; `--entry SEQ` proves one entry by its inclusion proof."""

import json
from pathlib import Path

import pytest
from django.db import transaction

from frankly.transparency import signing
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import Checkpoint, LedgerEntry, MerkleNode, TreeHead
from tests.transparency.support import (
    another_signing_key,
    append_many,
    triggers_dropped,
    use_own_signing_key,
)
from tests.transparency.test_verify_ledger import rewrite_entry, tamper, verify, verify_fails

pytestmark = pytest.mark.django_db(transaction=True)
ENTRIES = "transparency_ledgerentry"


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


@pytest.fixture
def state(tmp_path):
    return str(tmp_path / "trusted.json")


def rewrite_history(texts: list[str]) -> None:
    """What an operator holding the key could do: replace the whole ledger with another
    history and sign it anew. Every hash, link and signature in it is valid."""
    with transaction.atomic(), triggers_dropped():
        for model in (Checkpoint, TreeHead, MerkleNode, LedgerEntry):
            model.objects.all().delete()
    for n, text in enumerate(texts, start=1):
        with transaction.atomic():
            append_to_ledger(
                kind="official_response",
                object_type="post",
                object_id=n,
                object_url=f"/posts/{n}/",
                body={"text": text},
            )


def test_the_first_run_remembers_the_signed_head(live_server, state):
    entries = append_many(3)
    assert verify("--url", live_server.url, "--state", state) == (
        f"OK: 3 entries, head {entries[-1].hash}\n"
    )
    remembered = json.loads(Path(state).read_text())
    assert remembered["size"] == 3
    assert remembered["head_hash"] == entries[-1].hash
    assert remembered["root"] == TreeHead.objects.get(size=3).root_hash


def test_the_next_run_checks_only_what_was_added_since(live_server, state):
    append_many(3)
    verify("--url", live_server.url, "--state", state)
    more = append_many(2)
    output = verify("--url", live_server.url, "--state", state)
    assert output.startswith(f"OK: 5 entries, head {more[-1].hash} (2 new since the 3 entries")
    assert "consistency proof checked" in output
    assert json.loads(Path(state).read_text())["size"] == 5


def test_a_rewritten_and_re_signed_history_is_caught_by_the_remembered_checkpoint(
    live_server, state
):
    append_many(3)
    verify("--url", live_server.url, "--state", state)
    rewrite_history(["We never said that.", "Nor that.", "Answer number 3", "New"])
    # On its own the rewritten log is flawless: only the memory of the old one catches it.
    assert verify("--url", live_server.url, "--no-state").startswith("OK: 4 entries")
    message = verify_fails("--url", live_server.url, "--state", state)
    assert "not an extension of the 3 entries trusted" in message
    assert "history was rewritten" in message
    # And the state is not moved on to the rewritten log.
    assert json.loads(Path(state).read_text())["size"] == 3
    message = verify_fails("--url", live_server.url, "--state", state, "--entry", "1")
    assert "history was rewritten" in message


def test_a_rewritten_history_of_the_same_size_or_a_shorter_one_is_caught(live_server, state):
    append_many(3)
    verify("--url", live_server.url, "--state", state)
    rewrite_history(["a", "b", "c"])
    assert "history was rewritten" in verify_fails("--url", live_server.url, "--state", state)
    rewrite_history(["a", "b"])
    assert "shrank from 3 entries" in verify_fails("--url", live_server.url, "--state", state)


def test_a_tampered_new_entry_is_caught_on_the_incremental_run(live_server, state):
    append_many(3)
    verify("--url", live_server.url, "--state", state)
    append_many(2)
    tamper(f"UPDATE {ENTRIES} SET body = %s WHERE seq = 5", ['{"text":"edited"}'])  # noqa: S608
    message = verify_fails("--url", live_server.url, "--state", state)
    assert "seq 5" in message and "does not match its hash" in message


def test_a_new_signing_key_without_a_rotation_is_refused(live_server, state, monkeypatch):
    append_many(2)
    verify("--url", live_server.url, "--state", state)
    with another_signing_key(monkeypatch):
        append_many(1)
        message = verify_fails("--url", live_server.url, "--state", state)
    assert "signing key is not the one trusted" in message


def test_one_entry_is_proven_by_its_inclusion_proof(live_server, state):
    append_many(6)
    output = verify("--url", live_server.url, "--state", state, "--entry", "4")
    assert output.startswith("OK: entry 4 (official_response, /posts/4/) is in the signed log")
    assert "of 6 entries" in output

    rewrite_entry(4, body={"text": "We never promised that."})
    message = verify_fails("--url", live_server.url, "--state", state, "--entry", "4")
    assert "inclusion proof does not lead to the signed root" in message

    message = verify_fails("--url", live_server.url, "--entry", "7")
    assert message == "Entry 7 is not in the signed log, which has 6 entries."


def test_entry_needs_a_url():
    assert "--entry needs --url" in verify_fails("--entry", "1")
