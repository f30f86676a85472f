"""Importers from Fider, Canny, UserVoice and the generic CSV, on sample files written
from each tool's documented export format (tests/portability/samples/)."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frankly.feedback.models import Comment, Post, StatusChange, Tag, Vote
from frankly.portability.importers import import_file
from frankly.portability.models import ImportedItem
from frankly.transparency.models import LedgerEntry

SAMPLES = Path(__file__).parent / "samples"
FILES = {
    "fider": "fider-posts.csv",
    "canny": "canny-export.json",
    "uservoice": "uservoice-suggestions.csv",
    "csv": "generic.csv",
}


def run(source: str, *, apply: bool = True):
    return import_file(source=source, data=(SAMPLES / FILES[source]).read_bytes(), apply=apply)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def post(title: str) -> Post:
    return Post.objects.prefetch_related("tags").get(title=title)


def tags(p: Post) -> set[str]:
    return {t.name for t in p.tags.all()}


def assert_counters_exact():
    for p in Post.objects.all():
        assert p.vote_count == Vote.objects.filter(post=p).count(), p.title
        assert p.comment_count == Comment.objects.filter(post=p).count(), p.title
        unclaimed = ImportedItem.objects.filter(post=p, kind="vote", claimed_by__isnull=True)
        assert p.imported_vote_count == unclaimed.count(), p.title


def state() -> dict:
    return {
        "posts": list(Post.objects.values_list("pk", "status", "imported_vote_count")),
        "comments": Comment.objects.count(),
        "items": ImportedItem.objects.count(),
        "tags": Tag.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "statuses": StatusChange.objects.count(),
    }


def test_fider_posts_csv(db):
    report = run("fider")
    assert report.created["posts"] == Post.objects.count() == 5
    dark = post("Dark mode")
    assert (dark.status, dark.imported_vote_count, dark.vote_count) == ("in_progress", 12, 0)
    assert dark.author is None
    assert dark.imported_from == "Originally posted by Jane D. on Fider, 2023-04-01"
    assert dark.created_at == at("2023-04-01T09:30:00+00:00")
    assert tags(dark) == {"ui", "accessibility"}
    assert dark.official_response.body == "We are building it now."
    assert dark.official_response.created_at == at("2023-05-02T10:00:00+00:00")
    pdf = post("Export to PDF")
    assert (pdf.status, pdf.created_at) == ("done", at("2022-11-15T13:00:00+00:00"))
    assert post("Same as dark mode").status == "declined"
    assert post("Mystery status").status == "open"
    assert dict(report.unknown_statuses) == {"parked": 1}
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 3", "post imported, but not its 2 comment(s): Fider's CSV holds none"),
        ("line 5", "deleted on Fider"),
        ("line 6", "the title is empty"),
        ("line 8", "'not a date' is not a date (use ISO 8601, 2023-04-01T09:30Z)."),
    ]
    # Status changes and responses are on the public ledger, like staff's own.
    kinds = list(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds.count("post.status_changed") == report.created["statuses"] == 3
    assert kinds.count("official_response.published") == report.created["responses"] == 2
    assert_counters_exact()


def test_canny_api_json(db):
    report = run("canny")
    assert report.created["posts"] == 3
    csv_export = post("CSV export")
    assert csv_export.status == "in_progress"
    assert csv_export.created_at == at("2023-04-01T09:30:00+00:00")
    assert tags(csv_export) == {"Feature Requests", "Reports"}
    # Score 5: two votes listed with their voter, three only counted.
    assert csv_export.imported_vote_count == 5 and csv_export.vote_count == 0
    voters = ImportedItem.objects.filter(post=csv_export, kind="vote").exclude(person_email="")
    assert sorted(voters.values_list("person_email", flat=True)) == [
        "alice@example.com",
        "jane@example.com",
    ]
    assert csv_export.official_response.body == "We started on this."
    comments = list(Comment.objects.filter(post=csv_export).order_by("created_at"))
    assert [c.body for c in comments] == ["We need this for audits.", "Agreed, with a date filter."]
    assert comments[1].parent == comments[0] and comments[0].author is None
    assert comments[0].imported_from == "Originally written by Omar on Canny, 2023-04-03"
    assert csv_export.comment_count == 2
    assert post("Fax support").status == "declined"
    assert dict(report.unknown_statuses) == {"needs triage": 1}
    assert {s.where: s.reason for s in report.skipped} == {
        "post 4": "the title is empty",
        "vote 4": "its post is not in the file (or was skipped)",
        "comment 3": "an internal or private comment on Canny",
    }
    assert "Internal" not in "".join(Comment.objects.values_list("body", flat=True))
    assert_counters_exact()


def test_uservoice_suggestions_csv(db):
    report = run("uservoice")
    assert report.created["posts"] == 4
    tfa = post("Two-factor login")
    assert (tfa.status, tfa.imported_vote_count) == ("planned", 40)
    assert tfa.created_at == at("2021-03-04T10:00:00+00:00")
    assert tags(tfa) == {"Accounts", "security", "login"}
    assert tfa.official_response.body == "It is on our plan for Q3."
    author = ImportedItem.objects.get(post=tfa, kind="post")
    assert author.person_email == "ivan@example.com"  # kept in the form accounts use
    assert post("Bulk edit").status == "under_review"
    assert post("Faster search").status == "done"
    assert not Post.objects.filter(title="Bulk editing please").exists()
    [merged] = report.skipped
    assert merged.where == "line 4" and "merged into idea 102" in merged.reason
    assert dict(report.unknown_statuses) == {"on hold": 1}
    assert_counters_exact()


def test_generic_csv(db):
    report = run("csv")
    assert report.created["posts"] == 2 and report.created["comments"] == 2
    keys = post("Keyboard shortcuts")
    assert (keys.status, keys.imported_vote_count, keys.comment_count) == ("planned", 4, 2)
    assert tags(keys) == {"ui", "power users"}
    assert keys.official_response.body == "Planned for the next release."
    assert post("Better email digests").status == "under_review"
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 6", "the votes 'lots' is not a whole number."),
        ("line 7", "a comment on post 'p9', which is not above it"),
    ]
    assert_counters_exact()


@pytest.mark.parametrize("source", sorted(FILES))
def test_a_dry_run_writes_nothing_and_reports_what_apply_does(db, source):
    before = state()
    dry = run(source, apply=False)
    assert state() == before
    applied = run(source)
    assert dry.created == applied.created and dry.created["posts"] > 0
    assert [s.where for s in dry.skipped] == [s.where for s in applied.skipped]


@pytest.mark.parametrize("source", sorted(FILES))
def test_running_an_import_again_merges_instead_of_doubling(db, source):
    first = run(source)
    after_first = state()
    again = run(source)
    assert state() == after_first
    assert sum(again.created.values()) == 0
    assert again.merged["posts"] == first.created["posts"]
    assert again.merged["votes"] == first.created["votes"]
    assert again.merged["comments"] == first.created["comments"]
    assert_counters_exact()


MALFORMED = [
    ("fider", b"number,title\n1,Dark mode\n", "the column(s) created_at, description"),
    ("fider", b"\xff\xfe not text", "not UTF-8"),
    ("canny", b'{"posts": [', "not a Canny JSON file"),
    ("canny", b'{"posts": [], "votes": {"a": 1}}', '"votes" must be a list'),
    ("uservoice", b"suggestion.id,suggestion.title\n", "suggestion.created_timestamp"),
    (
        "csv",
        b'id,title,body,created_at\np1,Fine,ok,2024-01-01\np2,"Broken,x,2024-01-01\n',
        "The CSV file is malformed",
    ),
    ("csv", b"id,title,body,created_at\n", "holds no posts"),
    ("csv", b"id,title,body,created_at\np1,Nul\x00,x,2024-01-01\n", "NUL character"),
    ("canny", b'{"posts": [{"id": "1", "title": "A\\u0000"}]}', "NUL character"),
]


@pytest.mark.parametrize(("source", "data", "message"), MALFORMED)
def test_a_malformed_file_is_refused_and_nothing_is_written(db, tmp_path, source, data, message):
    path = tmp_path / "export"
    path.write_bytes(data)
    before = state()
    with pytest.raises(CommandError) as refused:
        call_command("import", source, str(path), "--apply", stdout=StringIO())
    assert message in str(refused.value) and "Nothing was imported" in str(refused.value)
    assert state() == before


def test_the_command_is_a_dry_run_unless_told_to_apply(db):
    out = StringIO()
    call_command("import", "canny", str(SAMPLES / FILES["canny"]), stdout=out)
    assert "Dry run (nothing written)" in out.getvalue()
    assert "Would create: 3 posts, 6 votes, 2 comments" in out.getvalue()
    assert "Unknown status 'needs triage'" in out.getvalue()
    assert Post.objects.count() == 0
    out = StringIO()
    call_command("import", "canny", str(SAMPLES / FILES["canny"]), "--apply", stdout=out)
    assert "Created: 3 posts" in out.getvalue() and Post.objects.count() == 3


def test_imported_posts_show_the_attribution_and_the_imported_votes(db, client):
    run("canny")
    page = client.get(post("CSV export").get_absolute_url()).content.decode()
    assert "Originally posted by Jane D. on Canny, 2023-04-01" in page
    assert "+5 imported votes" in page
    assert "Originally written by Alice E. on Canny, 2023-04-04" in page
    assert "Deleted user" not in page
    board = client.get("/").content.decode()
    assert "Originally posted by Jane D. on Canny" in board
