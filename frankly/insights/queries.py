"""Reads of the insights pages that are more than one line."""

from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from frankly.feedback.models import Comment, Post
from frankly.insights import responsiveness, trends
from frankly.insights.models import Alert, Band, Sentiment
from frankly.insights.similarity import similar_posts

DUPLICATE_WINDOW = timedelta(days=30)
DUPLICATE_POSTS = 20


def open_alerts() -> QuerySet:
    return Alert.objects.filter(acknowledged_at__isnull=True)


def open_alert_count() -> int:
    return open_alerts().count()


def alerts() -> QuerySet:
    return Alert.objects.select_related("acknowledged_by")


def alert_detail(alert_id: int) -> Alert | None:
    return (
        Alert.objects.select_related("acknowledged_by")
        .prefetch_related("posts", "comments__post")
        .filter(pk=alert_id)
        .first()
    )


def likely_duplicates(*, now: datetime | None = None) -> list[dict]:
    """The newest listed posts of the last 30 days, each with the older posts it most
    resembles (best first). Posts without a likely original are left out."""
    now = now or timezone.now()
    recent = list(
        Post.objects.listed()
        .filter(created_at__gte=now - DUPLICATE_WINDOW)
        .select_related("author")
        .order_by("-created_at", "-id")[:DUPLICATE_POSTS]
    )
    rows = []
    for post in recent:
        matches = similar_posts(post.title, limit=3, exclude_id=post.pk, before=post.created_at)
        if matches:
            rows.append({"post": post, "matches": matches})
    return rows


def summary(*, now: datetime | None = None) -> dict:
    """The headline numbers for staff: last 7 and 30 days."""
    now = now or timezone.now()
    out = {}
    for days in (7, 30):
        since = now - timedelta(days=days)
        bands = dict(
            Sentiment.objects.filter(created_at__gte=since, created_at__lte=now)
            .values("band")
            .annotate(n=Count("id"))
            .values_list("band", "n")
            .order_by()
        )
        out[f"last_{days}_days"] = {
            "posts": Post.objects.published()
            .filter(created_at__gte=since, created_at__lte=now)
            .count(),
            "comments": Comment.objects.filter(created_at__gte=since, created_at__lte=now).count(),
            "sentiment": {band: bands.get(band, 0) for band in Band.values},
        }
    month = responsiveness.monthly(months=1, now=now)[0]
    out["open_alerts"] = open_alert_count()
    out["unanswered_posts"] = trends.unanswered_posts().count()
    out["this_month"] = {
        "posts": month.posts,
        "answered": month.answered,
        "median_hours_to_first_response": _hours(month.median_hours),
        "p90_hours_to_first_response": _hours(month.p90_hours),
        "share_answered_within_2_business_days": month.share_in_time,
        "share_of_ideas_decided": month.share_decided,
    }
    return out


def _hours(value: float | None) -> float | None:
    """JSON has no infinity: a percentile that falls on an unanswered post is null."""
    if value is None or value == float("inf"):
        return None
    return round(value, 2)
