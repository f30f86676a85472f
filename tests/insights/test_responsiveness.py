"""Public response metrics on hand-computed timelines."""

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frankly.feedback.models import Comment, OfficialResponse, Post, StatusChange
from frankly.insights.responsiveness import add_business_days, monthly, nearest_rank

UTC_ZONE = ZoneInfo("UTC")


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    # March 2026: the 2nd is a Monday, the 6th a Friday, the 7th/8th a weekend.
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_two_business_days_skip_the_weekend():
    assert add_business_days(at(2), 2, UTC_ZONE) == at(4)  # Monday -> Wednesday
    assert add_business_days(at(5), 2, UTC_ZONE) == at(9)  # Thursday -> Monday
    assert add_business_days(at(6), 2, UTC_ZONE) == at(10)  # Friday -> Tuesday
    # Saturday 10:00 starts counting on Monday 00:00 -> Wednesday 00:00.
    assert add_business_days(at(7), 2, UTC_ZONE) == at(11, 0)


def test_nearest_rank_percentiles():
    assert nearest_rank([], 50) is None
    assert nearest_rank([5, 1, 3], 50) == 3
    assert nearest_rank([1, 2, 3, 4], 50) == 2
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([1, math.inf, math.inf], 50) == math.inf


def _post(author, created, kind="idea", *, staff=False) -> Post:
    return Post.objects.create(
        title=f"Post at {created:%d %H}",
        kind=kind,
        author=author,
        author_was_staff=staff,
        created_at=created,
        last_activity_at=created,
    )


@pytest.mark.django_db
def test_a_month_of_hand_computed_timelines(customer, staff, settings):
    settings.TIME_ZONE = "UTC"
    # 1. Monday 10:00, staff comment 4 h later (Monday 14:00): in time.
    p1 = _post(customer, at(2))
    Comment.objects.create(
        post=p1, author=staff, author_was_staff=True, body="On it", created_at=at(2, 14)
    )
    # A customer's comment earlier does not count as a response.
    Comment.objects.create(post=p1, author=customer, body="+1", created_at=at(2, 11))
    # 2. Friday 10:00, official response Tuesday 09:00 (95 h): in time (due Tue 10:00).
    p2 = _post(customer, at(6), kind="problem")
    OfficialResponse.objects.create(post=p2, author=staff, body="Fixed", created_at=at(10, 9))
    # 3. Monday 10:00, status change with a note Thursday 10:00 (72 h): late (due Wed 10:00).
    p3 = _post(customer, at(2))
    StatusChange.objects.create(
        post=p3,
        actor=staff,
        from_status="open",
        to_status="planned",
        note="Next quarter",
        created_at=at(5),
    )
    # 4. Tuesday 10:00, only a bare status change (to declined): unanswered, but decided.
    p4 = _post(customer, at(3))
    StatusChange.objects.create(
        post=p4,
        actor=staff,
        from_status="open",
        to_status="declined",
        note="",
        created_at=at(3, 12),
    )
    # 5. A staff member's own post: not counted.
    _post(staff, at(3), staff=True)

    (march,) = monthly(months=1, now=at(31))
    assert march.month == "2026-03"
    assert march.posts == 4
    assert march.answered == 3
    # Hours, ranked: 4, 72, 95, unanswered. Median (rank 2) = 72 h; p90 (rank 4) = unanswered.
    assert march.median_hours == pytest.approx(72.0)
    assert march.p90_hours == math.inf
    assert (march.answered_in_time, march.due) == (2, 4)
    assert march.share_in_time == pytest.approx(0.5)
    # Ideas: p1 (no decision), p3 (planned), p4 (declined). p2 is a problem.
    assert (march.ideas_decided, march.ideas) == (2, 3)


@pytest.mark.django_db
def test_a_post_not_yet_due_is_left_out_of_the_on_time_share(customer, settings):
    settings.TIME_ZONE = "UTC"
    _post(customer, at(30))  # Monday 30 March 10:00; due Wednesday 1 April 10:00
    (march,) = monthly(months=1, now=at(31))
    assert march.posts == 1 and march.due == 0
    assert march.share_in_time is None
    assert march.median_hours == math.inf


@pytest.mark.django_db
def test_months_without_posts_are_listed_empty(db, settings):
    settings.TIME_ZONE = "UTC"
    months = monthly(months=3, now=at(15))
    assert [m.month for m in months] == ["2026-03", "2026-02", "2026-01"]
    assert all(m.posts == 0 and m.median_hours is None for m in months)


@pytest.mark.django_db
def test_the_public_page_shows_the_numbers_to_anyone(client, customer, staff, settings):
    from django.utils import timezone

    now = timezone.now()
    p = _post(customer, now - timedelta(hours=5))
    Comment.objects.create(
        post=p,
        author=staff,
        author_was_staff=True,
        body="Looking",
        created_at=now - timedelta(hours=2),
    )
    response = client.get("/transparency/responsiveness/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "3.0 hours" in page
    assert "How these are counted" in page


@pytest.mark.django_db
def test_the_public_page_reads_in_a_fixed_number_of_queries(
    client, customer, staff, django_assert_num_queries
):
    from django.utils import timezone

    now = timezone.now()
    client.get("/transparency/responsiveness/")
    for n in range(3):
        p = _post(customer, now - timedelta(hours=n + 1))
        Comment.objects.create(post=p, author=staff, author_was_staff=True, body="Hi")
    # Posts, staff comments, official responses, status notes, decisions (2).
    with django_assert_num_queries(6):
        client.get("/transparency/responsiveness/")
    for n in range(3):
        _post(customer, now - timedelta(days=n + 40))
    with django_assert_num_queries(6):
        client.get("/transparency/responsiveness/")
