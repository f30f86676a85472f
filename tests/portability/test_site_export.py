"""No lock-in: `frankly export-site DIR` writes the whole site as documented JSON
Lines, and `frankly import frankly DIR` restores it into an empty instance, ids,
ledger and all. The round trip runs on the demo site, which has a bit of everything."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import Client

from frankly.accounts.models import User
from frankly.feedback.models import Post
from frankly.portability.site import LEFT_OUT, exported_models
from frankly.transparency.ledger import verify_local
from frankly.transparency.models import LedgerEntry
from tests.conftest import make_post, make_user
from tests.transparency.support import triggers_dropped


def snapshot() -> dict[str, list]:
    """Every exported row, as plain data (User without its password hash)."""
    data = {}
    for model in exported_models():
        rows = serializers.serialize("python", model._default_manager.order_by("pk"))
        for row in rows:
            row["fields"].pop("password", None)
        data[model._meta.label_lower] = rows
    return data


def ledger_head() -> tuple:
    head = LedgerEntry.objects.order_by("-seq").first()
    return head.seq, head.hash


@pytest.mark.django_db(transaction=True)
def test_the_site_survives_a_round_trip_through_export_and_import(tmp_path):
    call_command("demo", stdout=StringIO())
    make_post(make_user(), title="Export to CSV", tags=[])
    before, head = snapshot(), ledger_head()
    assert before["feedback.post"] and before["feedback.vote"] and before["incidents.incident"]
    assert before["transparency.ledgerentry"] and before["roadmap.changelogentry"]
    out = StringIO()
    call_command("export-site", str(tmp_path / "site"), stdout=out)
    assert "README.md" in out.getvalue()

    with triggers_dropped():  # a new, empty instance
        call_command("flush", interactive=False, verbosity=0)
    assert not Post.objects.exists() and not LedgerEntry.objects.exists()

    out = StringIO()
    call_command("import", "frankly", str(tmp_path / "site"), stdout=out)

    assert "Imported" in out.getvalue()
    assert snapshot() == before
    assert ledger_head() == head
    assert verify_local().ok
    assert not any(user.has_usable_password() for user in User.objects.all())
    # New rows get new ids after the imported ones (sequences were moved on).
    assert make_post(User.objects.first(), title="After the move").pk > max(
        row["pk"] for row in before["feedback.post"]
    )


@pytest.mark.django_db(transaction=True)
def test_importing_into_an_instance_with_data_is_refused_and_changes_nothing(tmp_path):
    make_post(make_user(), title="Already here")
    call_command("export-site", str(tmp_path / "site"), stdout=StringIO())
    with pytest.raises(CommandError, match="already has data"):
        call_command("import", "frankly", str(tmp_path / "site"), stdout=StringIO())
    assert Post.objects.count() == 1


def test_the_export_is_documented_and_holds_no_password_hashes(db, tmp_path, customer):
    make_post(customer, title="Dark mode")
    call_command("export-site", str(tmp_path / "site"), stdout=StringIO())
    readme = (tmp_path / "site" / "README.md").read_text()
    assert "JSON Lines" in readme
    assert "| feedback.post | feedback.post.jsonl | 1 |" in readme
    users = [
        json.loads(line)
        for line in (tmp_path / "site" / "accounts.user.jsonl").read_text().splitlines()
    ]
    assert [u["fields"]["email"] for u in users] == [customer.email]
    assert "password" not in users[0]["fields"]
    assert not (tmp_path / "site" / "accounts.apitoken.jsonl").exists()
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    assert manifest["tables"]["feedback.post"]["rows"] == 1
    assert set(manifest["left_out"]) == set(LEFT_OUT)


def test_export_site_refuses_a_directory_that_is_not_empty(db, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="not an empty directory"):
        call_command("export-site", str(tmp_path / "site"), stdout=StringIO())


def test_importing_a_directory_that_is_not_an_export_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"manifest\.json is missing"):
        call_command("import", "frankly", str(tmp_path), stdout=StringIO())


def test_staff_download_the_same_export_as_a_zip(client_for, staff, customer):
    make_post(customer, title="Dark mode")
    response = client_for(staff).get("/staff/export-site.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.md", "manifest.json", "feedback.post.jsonl", "accounts.user.jsonl"} <= names
    post = json.loads(archive.read("feedback.post.jsonl").splitlines()[0])
    assert post["fields"]["title"] == "Dark mode"
    assert b"password" not in archive.read("accounts.user.jsonl")


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_only_staff_can_download_the_site(client_for, customer, who):
    client = Client() if who == "anonymous" else client_for(customer)
    response = client.get("/staff/export-site.zip")
    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != "application/zip"
