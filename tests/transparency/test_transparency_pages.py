"""The public transparency pages: overview, ledger, moderation log (with its feed and
filters), rules; and that their query counts do not grow with the data."""

import html
import re
from datetime import UTC, datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frankly.feedback import services
from frankly.transparency import moderation, rules, views
from frankly.transparency.models import LedgerEntry, ModerationAction
from tests.conftest import make_post, make_user

pytestmark = pytest.mark.django_db

FEED = "/transparency/moderation/feed.atom"
FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml"[^>]*'
    r'href="/transparency/moderation/feed\.atom"'
)


@pytest.fixture
def rule(staff):
    return rules.create_rule(actor=staff, title="Be kind", description="No insults.")


def lock_and_unlock(staff, post, times: int) -> None:
    """Append ``times`` moderation actions (each also a ledger entry)."""
    for n in range(times):
        moderation.set_lock(
            actor=staff, post_id=post.pk, locked=n % 2 == 0, reason=f"Reason number {n}"
        )


def hide_comment(staff, rule, post, author, reason="Rude"):
    comment = services.add_comment(author=author, post_id=post.pk, body="Some rude words")
    moderation.hide_content(
        actor=staff, object_type="comment", object_id=comment.pk, rule_id=rule.pk, reason=reason
    )
    comment.refresh_from_db()
    return comment


def strip_tags(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def log_rows(page: str) -> list[str]:
    """The text of each row of the moderation log table."""
    table = re.search(r'<table class="modlog">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    if table is None:
        return []
    return [strip_tags(row) for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.DOTALL)]


def ledger_seqs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="entry-(\d+)">', page)]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- Every page is public ---------------------------------------------------------------


def test_every_transparency_page_is_public(post, rule, staff, customer, client_for):
    hide_comment(staff, rule, post, customer)
    anonymous = client_for(None)
    for url in (
        "/transparency/",
        "/transparency/ledger/",
        "/transparency/moderation/",
        "/transparency/rules/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert b"<h1>" in response.content
    assert "Be kind" in anonymous.get("/transparency/rules/").content.decode()
    assert "Be kind" in anonymous.get("/transparency/moderation/").content.decode()


def test_the_overview_and_the_moderation_page_link_the_feed(client_for):
    for url in ("/transparency/", "/transparency/moderation/"):
        head = client_for(None).get(url).content.decode().split("</head>")[0]
        assert FEED_LINK.search(head), url


# --- The ledger page --------------------------------------------------------------------


def test_the_ledger_page_lists_entries_newest_first_with_links(post, staff, client_for):
    services.set_official_response(actor=staff, post_id=post.pk, body="On the roadmap")
    services.change_status(actor=staff, post_id=post.pk, status="planned")
    rules.create_rule(actor=staff, title="No spam")
    page = client_for(None).get("/transparency/ledger/").content.decode()
    assert ledger_seqs(page) == [3, 2, 1]
    cells = re.findall(r'<tr id="entry-\d+">(.*?)</tr>', page, re.DOTALL)
    rows = dict(zip(ledger_seqs(page), cells, strict=True))
    assert "rule.created" in rows[3] and 'href="/transparency/rules/"' in rows[3]
    assert "post.status_changed" in rows[2] and f'href="/posts/{post.pk}/"' in rows[2]
    assert "official_response.published" in rows[1]
    assert f'href="/posts/{post.pk}/#official-response"' in rows[1]
    head = LedgerEntry.objects.get(seq=3)
    assert head.hash in page


def test_the_ledger_page_explains_how_to_verify_it(client_for):
    page = client_for(None).get("/transparency/ledger/").content.decode()
    assert "frankly verify-ledger --url" in page
    assert 'href="/api/v1/ledger/entries' in page
    assert 'href="/api/v1/ledger/checkpoint"' in page
    assert 'href="/api/v1/ledger/key"' in page


def test_the_ledger_page_paginates_with_before(post, staff, client_for, monkeypatch):
    monkeypatch.setattr(views, "LEDGER_PAGE", 5)
    lock_and_unlock(staff, post, 12)
    client = client_for(None)
    first = client.get("/transparency/ledger/").content.decode()
    assert ledger_seqs(first) == [12, 11, 10, 9, 8]
    assert 'href="?before=8"' in first
    second = client.get("/transparency/ledger/?before=8").content.decode()
    assert ledger_seqs(second) == [7, 6, 5, 4, 3]
    last = client.get("/transparency/ledger/?before=3").content.decode()
    assert ledger_seqs(last) == [2, 1]
    assert "?before=" not in last


@pytest.mark.parametrize("before", ["abc", "-1", "99999999999999999999", "1e3", ""])
def test_a_bad_before_shows_the_newest_entries(post, staff, client_for, before):
    lock_and_unlock(staff, post, 2)
    response = client_for(None).get("/transparency/ledger/", {"before": before})
    assert response.status_code == 200
    assert ledger_seqs(response.content.decode()) == [2, 1]


# --- The moderation log page ------------------------------------------------------------


def test_the_moderation_log_filters_by_action(post, rule, staff, customer, client_for):
    lock_and_unlock(staff, post, 2)
    hide_comment(staff, rule, post, customer, reason="Insulted someone")
    client = client_for(None)
    assert len(log_rows(client.get("/transparency/moderation/").content.decode())) == 3
    rows = log_rows(client.get("/transparency/moderation/?action=hide").content.decode())
    assert len(rows) == 1
    assert "Hidden" in rows[0] and "Be kind" in rows[0] and "Insulted someone" in rows[0]
    assert "staff" in rows[0]
    locks = log_rows(client.get("/transparency/moderation/?action=lock").content.decode())
    assert len(locks) == 1 and "Reason number 0" in locks[0]


def test_the_moderation_log_filters_by_month_and_counts(post, rule, staff, customer, client_for):
    old = hide_comment(staff, rule, post, customer, reason="Back in March")
    lock_and_unlock(staff, post, 3)
    march = datetime(2024, 3, 10, 12, tzinfo=UTC)
    ModerationAction.objects.filter(pk=old.hidden_by_id).update(created_at=march)
    ModerationAction.objects.filter(reason="Reason number 0").update(created_at=march)

    client = client_for(None)
    rows = log_rows(client.get("/transparency/moderation/?month=2024-03").content.decode())
    assert len(rows) == 2
    assert any("Back in March" in r for r in rows) and any("Reason number 0" in r for r in rows)
    assert log_rows(client.get("/transparency/moderation/?month=2024-04").content.decode()) == []
    both = client.get("/transparency/moderation/?month=2024-03&action=hide").content.decode()
    assert len(log_rows(both)) == 1

    page = client.get("/transparency/moderation/").content.decode()
    per_month = re.search(r'id="per-month".*?<tbody>(.*?)</tbody>', page, re.DOTALL).group(1)
    month_rows = [strip_tags(r) for r in re.findall(r"<tr>(.*?)</tr>", per_month, re.DOTALL)]
    # Columns follow the actions: hide, unhide, merge, lock, unlock, ban, unban.
    assert month_rows[-1] == "March 2024 1 1"
    assert len(month_rows) == 2
    per_rule = re.search(r'id="per-rule".*?<tbody>(.*?)</tbody>', page, re.DOTALL).group(1)
    assert strip_tags(per_rule) == "Be kind 1"


@pytest.mark.parametrize(
    "query", ["month=2024-13", "month=March", "month=2024-3", "month=1999-01", "action=delete"]
)
def test_a_bad_filter_gives_a_400_with_a_readable_message(client_for, query):
    response = client_for(None).get(f"/transparency/moderation/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Give the month as YYYY-MM" in page or "is not an action" in page


def test_the_moderation_api_paginates_and_refuses_bad_filters(post, staff, api_client):
    lock_and_unlock(staff, post, 5)
    client = api_client(None)
    first = client.get("/moderation?limit=2").json()
    second = client.get(f"/moderation?limit=2&cursor={first['next']}").json()
    reasons = [i["reason"] for i in first["items"] + second["items"]]
    assert reasons == [f"Reason number {n}" for n in (4, 3, 2, 1)]
    for query in ("limit=0", "limit=1000", "cursor=garbage", "month=2024-13", "action=nuke"):
        response = client.get(f"/moderation?{query}")
        assert response.status_code == 422, query
        assert response.json()["detail"]


# --- The Atom feed ----------------------------------------------------------------------


def test_the_moderation_feed_is_valid_atom_with_one_entry_per_action(
    post, rule, staff, customer, client_for
):
    lock_and_unlock(staff, post, 2)
    hide_comment(staff, rule, post, customer, reason="Rude <b>words</b> & more")
    client = client_for(None)
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == ModerationAction.objects.count() == 3
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == 3
    for entry in feed.entries:
        assert entry.updated_parsed is not None
        assert entry.link.startswith("http")
    newest = feed.entries[0]
    assert "Be kind" in newest.title
    # The reason is text: shown as written, never read as markup.
    assert "<b>" not in newest.summary
    assert "Rude <b>words</b> & more" in html.unescape(newest.summary)
    again = feedparser.parse(client.get(FEED).content)
    assert [entry.id for entry in again.entries] == ids
    lock_and_unlock(staff, make_post(customer), 1)
    later = feedparser.parse(client.get(FEED).content)
    assert [entry.id for entry in later.entries][1:] == ids


# --- Query counts -----------------------------------------------------------------------


def test_the_moderation_log_page_runs_a_fixed_number_of_queries(post, rule, staff, client_for):
    client = client_for(None)
    lock_and_unlock(staff, post, 3)
    small = queries_for(client, "/transparency/moderation/")
    other = make_post(make_user())
    lock_and_unlock(staff, other, 27)
    for _ in range(3):
        target = make_user()
        moderation.set_ban(actor=staff, user_id=target.pk, banned=True, reason="x", rule_id=rule.pk)
    assert ModerationAction.objects.count() == 33
    assert queries_for(client, "/transparency/moderation/") == small
    assert queries_for(client, "/transparency/moderation/?action=lock") == small


def test_the_moderation_log_page_with_names_runs_a_fixed_number_of_queries(
    settings, post, staff, admin, client_for
):
    settings.MODLOG_SHOWS_NAMES = True
    client = client_for(None)
    lock_and_unlock(staff, post, 3)
    small = queries_for(client, "/transparency/moderation/")
    lock_and_unlock(admin, make_post(make_user()), 27)
    assert queries_for(client, "/transparency/moderation/") == small
    assert "Ada Admin" in client.get("/transparency/moderation/").content.decode()


def test_the_ledger_page_runs_a_fixed_number_of_queries(post, staff, client_for):
    client = client_for(None)
    lock_and_unlock(staff, post, 3)
    small = queries_for(client, "/transparency/ledger/")
    lock_and_unlock(staff, make_post(make_user()), 27)
    assert LedgerEntry.objects.count() == 30
    assert queries_for(client, "/transparency/ledger/") == small


def test_the_post_page_query_count_does_not_grow_with_hidden_comments(
    post, rule, staff, customer, other_customer, client_for
):
    viewers = {
        "anonymous": client_for(None),
        "other customer": client_for(other_customer),
        "author": client_for(customer),
        "staff": client_for(staff),
    }
    first = hide_comment(staff, rule, post, customer)
    services.add_comment(author=other_customer, post_id=post.pk, body="Visible", parent_id=None)
    small = {name: queries_for(c, f"/posts/{post.pk}/") for name, c in viewers.items()}
    for n in range(5):
        hide_comment(staff, rule, post, customer, reason=f"Rude again {n}")
        reply = services.add_comment(
            author=customer, post_id=post.pk, body="A rude reply", parent_id=first.pk
        )
        moderation.hide_content(
            actor=staff, object_type="comment", object_id=reply.pk, rule_id=rule.pk, reason="x"
        )
    # Some of them appealed, so the author's page shows the answers.
    for comment in post.comments.filter(hidden_by__isnull=False)[:3]:
        moderation.appeal_hiding(
            author=customer, object_type="comment", object_id=comment.pk, message="Unfair"
        )
    large = {name: queries_for(c, f"/posts/{post.pk}/") for name, c in viewers.items()}
    assert large == small
