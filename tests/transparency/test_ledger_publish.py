"""`frankly ledger-publish --git DIR` commits each new signed checkpoint to a git
repository, and refuses to publish a ledger that does not extend the last one."""

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from frankly.transparency import note, signing
from frankly.transparency.models import Checkpoint, LedgerEntry, MerkleNode, TreeHead
from tests.transparency.support import append_many, triggers_dropped, use_own_signing_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def publish(directory) -> str:
    out = io.StringIO()
    call_command("ledger-publish", "--git", str(directory), stdout=out)
    return out.getvalue()


def commits(directory) -> list[str]:
    log = subprocess.run(
        ["git", "-C", str(directory), "log", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    )
    return log.stdout.splitlines()


def test_each_new_checkpoint_becomes_one_commit(tmp_path):
    repo = tmp_path / "witness"
    append_many(3)
    assert publish(repo).startswith("Published the checkpoint of 3 entries")
    assert (repo / "checkpoint").read_text() == TreeHead.objects.get(size=3).note
    assert (repo / "key.vkey").read_text().startswith(note.origin() + "+")
    assert "frankly verify-ledger --url" in (repo / "README.md").read_text()

    assert publish(repo).startswith("Nothing new")
    append_many(2)
    publish(repo)
    history = commits(repo)
    assert len(history) == 2
    assert history[0].startswith("Checkpoint: 5 entries, root ")
    assert history[1].startswith("Checkpoint: 3 entries, root ")
    # The published note verifies with the published key.
    opened = note.open_checkpoint(
        (repo / "checkpoint").read_text(), name=note.origin(), public=signing.public_key_bytes()
    )
    assert opened.size == 5


def test_a_rewritten_ledger_is_not_published_over_the_old_checkpoint(tmp_path):
    repo = tmp_path / "witness"
    append_many(3)
    publish(repo)
    with transaction.atomic(), triggers_dropped():
        for model in (Checkpoint, TreeHead, MerkleNode, LedgerEntry):
            model.objects.all().delete()
    append_many(4)  # same texts, new times: another history
    with pytest.raises(CommandError, match="does not extend the published checkpoint of 3"):
        publish(repo)
    assert len(commits(repo)) == 1
    assert (repo / "checkpoint").read_text().split("\n")[1] == "3"


def test_an_empty_ledger_publishes_nothing(tmp_path):
    assert publish(tmp_path / "w") == "Nothing to publish: the ledger is empty.\n"
