"""Trend numbers on fixed data, the staff page, its CSV exports and query counts."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from frankly.feedback.models import Comment, Post, Vote
from frankly.insights import trends
from frankly.insights.models import Sentiment
from tests.conftest import make_tag, make_user

NOW = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)  # a Wednesday


def _post(author, created, *, kind="idea", status="open", title="") -> Post:
    return Post.objects.create(
        title=title or f"Post {created:%d %H:%M}",
        kind=kind,
        status=status,
        author=author,
        created_at=created,
        last_activity_at=created,
    )


def _score(*, post=None, comment=None, band, created):
    Sentiment.objects.create(
        post=post,
        comment=comment,
        compound={"negative": -0.5, "neutral": 0.0, "positive": 0.5}[band],
        positive=0,
        neutral=1,
        negative=0,
        band=band,
        text_sha256="0" * 64,
        created_at=created,
    )


def build(customer, staff, NOW):
    billing = make_tag("Billing")
    day = timedelta(days=1)
    a = _post(customer, NOW - 2 * day, kind="idea", title="Dark mode")
    b = _post(customer, NOW - 2 * day, kind="problem", status="planned", title="Login fails")
    c = _post(customer, NOW - day, kind="idea", title="Export PDF")
    _post(customer, NOW - 40 * day, title="Ancient")  # outside every range but 90 days
    a.tags.add(billing)
    b.tags.add(billing)
    _score(post=a, band="positive", created=a.created_at)
    _score(post=b, band="negative", created=b.created_at)
    comment = Comment.objects.create(post=c, author=customer, body="Yes!", created_at=NOW - day)
    Comment.objects.create(post=c, author=customer, body="Me too", created_at=NOW - day)
    Comment.objects.create(post=a, author=staff, author_was_staff=True, body="Soon", created_at=NOW)
    _score(comment=comment, band="negative", created=comment.created_at)
    # Votes: c got 3 this week and none before; a got 1 this week and 8 in the 28 days before.
    voters = [make_user() for _ in range(9)]
    for v in voters[:3]:
        Vote.objects.create(user=v, post=c, created_at=NOW - 2 * day)
    Vote.objects.create(user=voters[0], post=a, created_at=NOW - 2 * day)
    for v in voters[1:9]:
        Vote.objects.create(user=v, post=a, created_at=NOW - 10 * day)
    return {"a": a, "b": b, "c": c}


@pytest.fixture
def fixed(customer, staff, settings):
    settings.TIME_ZONE = "UTC"
    return build(customer, staff, NOW)


@pytest.fixture
def recent(customer, staff):
    """The same data, around the real time (for the pages, which read the clock)."""
    return build(customer, staff, timezone.now())


def test_volume_per_day_counts_posts_comments_and_bands(fixed):
    rows = trends.volume(since=NOW - timedelta(days=3), now=NOW, by="day")
    by_day = {r["period"].isoformat(): r for r in rows}
    assert list(by_day) == ["2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"]
    assert by_day["2026-03-09"] == {
        "period": by_day["2026-03-09"]["period"],
        "posts": 2,
        "comments": 0,
        "negative": 1,
        "neutral": 0,
        "positive": 1,
    }
    assert (by_day["2026-03-10"]["posts"], by_day["2026-03-10"]["comments"]) == (1, 2)
    assert by_day["2026-03-10"]["negative"] == 1
    assert by_day["2026-03-11"]["comments"] == 1
    assert by_day["2026-03-08"]["posts"] == 0


def test_volume_per_week_starts_on_monday(fixed):
    rows = trends.volume(since=NOW - timedelta(days=60), now=NOW, by="week")
    weeks = {r["period"].isoformat(): r["posts"] for r in rows}
    assert weeks["2026-03-09"] == 3
    assert weeks["2026-01-26"] == 1  # the ancient post, 40 days back
    assert sum(weeks.values()) == 4


def test_posts_per_day_split_by_kind_and_by_tag(fixed):
    since = NOW - timedelta(days=3)
    columns, rows = trends.volume_split(since=since, now=NOW, by="day", split="kind")
    assert columns == ["Idea", "Problem", "Question", "Praise"]
    by_day = {r["period"].isoformat(): r for r in rows}
    assert (by_day["2026-03-09"]["Idea"], by_day["2026-03-09"]["Problem"]) == (1, 1)
    assert by_day["2026-03-10"]["Idea"] == 1
    assert by_day["2026-03-11"]["Idea"] == 0
    columns, rows = trends.volume_split(since=since, now=NOW, by="day", split="tag")
    assert columns == ["Billing", "No tag"]
    by_day = {r["period"].isoformat(): r for r in rows}
    assert (by_day["2026-03-09"]["Billing"], by_day["2026-03-09"]["No tag"]) == (2, 0)
    assert (by_day["2026-03-10"]["Billing"], by_day["2026-03-10"]["No tag"]) == (0, 1)


def test_breakdowns_by_kind_status_tag_and_band(fixed):
    since = NOW - timedelta(days=7)
    kinds = {r["name"]: r["posts"] for r in trends.by_kind(since=since, now=NOW)}
    assert kinds == {"Idea": 2, "Problem": 1, "Question": 0, "Praise": 0}
    statuses = {r["name"]: r["posts"] for r in trends.by_status(since=since, now=NOW)}
    assert statuses["Open"] == 2 and statuses["Planned"] == 1
    assert trends.by_tag(since=since, now=NOW) == [{"name": "Billing", "posts": 2}]
    bands = {r["name"]: r["items"] for r in trends.by_band(since=since, now=NOW)}
    assert bands == {"Negative": 2, "Neutral": 0, "Positive": 1}


def test_rising_compares_the_last_week_with_the_usual_week(fixed):
    rising = trends.rising(now=NOW)
    # c: 3 - 0/4 = 3. a: 1 - 8/4 = -1, so not rising.
    assert [(r["title"], r["votes_last_7_days"], r["votes_28_days_before"]) for r in rising] == [
        ("Export PDF", 3, 0)
    ]


def test_most_discussed_and_unanswered(fixed):
    discussed = trends.most_discussed(since=NOW - timedelta(days=7), now=NOW)
    assert [(r["title"], r["comments_in_range"]) for r in discussed] == [
        ("Export PDF", 2),
        ("Dark mode", 1),
    ]
    unanswered = trends.unanswered(now=NOW)
    # Oldest first; "Dark mode" has a staff comment.
    assert [r["title"] for r in unanswered] == ["Ancient", "Login fails", "Export PDF"]


@pytest.mark.django_db
def test_the_trends_page_is_staff_only(client_for, customer, staff, client):
    assert client.get("/staff/insights/").status_code == 302
    assert client_for(customer).get("/staff/insights/").status_code == 403
    assert client_for(staff).get("/staff/insights/").status_code == 200


def test_the_trends_page_draws_accessible_charts_beside_tables(recent, client_for, staff):
    page = client_for(staff).get("/staff/insights/?days=7&by=day").content.decode()
    assert 'role="img"' in page
    assert '<title id="chart-volume-title">Posts and comments per day, last 7 days</title>' in page
    assert "<table>" in page and "Export PDF" in page
    tags = client_for(staff).get("/staff/insights/?split=tag").content.decode()
    assert "Posts per day by tag" in tags and '<th scope="col">Billing</th>' in tags


def test_every_table_exports_as_csv(recent, client_for, staff):
    client = client_for(staff)
    for table in (
        "volume",
        "kinds",
        "statuses",
        "tags",
        "bands",
        "rising",
        "discussed",
        "unanswered",
    ):
        response = client.get(f"/staff/insights/{table}.csv?days=30")
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) >= 2, table
    unanswered = list(
        csv.reader(io.StringIO(client.get("/staff/insights/unanswered.csv").content.decode()))
    )
    assert unanswered[0] == ["post_id", "title", "kind", "created_at", "days_waiting"]
    assert [r[1] for r in unanswered[1:]] == ["Ancient", "Login fails", "Export PDF"]
    assert client.get("/staff/insights/nonsense.csv").status_code == 404
    split = list(
        csv.reader(
            io.StringIO(
                client.get("/staff/insights/split.csv?days=7&split=status").content.decode()
            )
        )
    )
    assert split[0] == [
        "period",
        "Open",
        "Under review",
        "Planned",
        "In progress",
        "Done",
        "Declined",
    ]
    assert sum(int(r[1]) for r in split[1:]) == 2 and sum(int(r[3]) for r in split[1:]) == 1


def test_a_title_starting_with_a_formula_is_defused_in_csv(customer, client_for, staff):
    _post(customer, timezone.now(), title="=HYPERLINK(evil)")
    body = client_for(staff).get("/staff/insights/unanswered.csv").content.decode()
    assert "'=HYPERLINK(evil)" in body


def test_the_trends_page_runs_a_recent_number_of_queries(
    recent, client_for, staff, django_assert_num_queries, customer
):
    client = client_for(staff)
    client.get("/staff/insights/")  # warm up: session and user
    with django_assert_num_queries(15):
        client.get("/staff/insights/")
    for n in range(5):
        _post(customer, timezone.now(), title=f"More {n}")
    with django_assert_num_queries(15):
        client.get("/staff/insights/")


def test_chart_axes_have_four_even_whole_steps_and_bars_scale_to_them():
    from frankly.insights.charts import bar_chart

    rows = [{"day": "Mon", "posts": 9}, {"day": "Tue", "posts": 3}]
    chart = bar_chart(id="c", title="t", description="d", rows=rows, label="day", series=["posts"])
    assert [t["value"] for t in chart.ticks] == [0, 5, 10, 15, 20]
    tall, short = chart.bars
    assert tall.height == pytest.approx(3 * short.height, rel=0.01)
    assert [k["name"] for k in chart.keys] == ["posts"]
