"""The numbers of the staff trends page, each a table of plain rows (also its CSV).

Every table is one query (volume takes three), whatever the amount of data.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q
from django.db.models.functions import Cast, TruncDate, TruncWeek
from django.utils import timezone

from frankly.feedback.models import Comment, Kind, OfficialResponse, Post, Status, StatusChange
from frankly.insights.models import Band, Sentiment

PERIODS = {"day": TruncDate, "week": TruncWeek}
RANGES = (7, 30, 90, 365)


def _period(by: str, field: str = "created_at"):
    tz = ZoneInfo(settings.TIME_ZONE)
    return PERIODS[by](field, tzinfo=tz)


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


def _periods(since: datetime, now: datetime, by: str) -> list:
    """Every period in the range, so that days without posts show as zero."""
    tz = ZoneInfo(settings.TIME_ZONE)
    day = since.astimezone(tz).date()
    last = now.astimezone(tz).date()
    if by == "week":
        day -= timedelta(days=day.weekday())
    step = timedelta(days=7 if by == "week" else 1)
    out = []
    while day <= last:
        out.append(day)
        day += step
    return out


def volume(*, since: datetime, now: datetime, by: str = "day") -> list[dict]:
    """Posts, comments and their sentiment bands per day or week."""
    posts = dict(
        Post.objects.published()
        .filter(created_at__gte=since, created_at__lte=now)
        .annotate(period=_period(by))
        .values("period")
        .annotate(n=Count("id"))
        .values_list("period", "n")
        .order_by()
    )
    comments = dict(
        Comment.objects.filter(created_at__gte=since, created_at__lte=now)
        .annotate(period=_period(by))
        .values("period")
        .annotate(n=Count("id"))
        .values_list("period", "n")
        .order_by()
    )
    bands: dict = {}
    for period, band, n in (
        Sentiment.objects.filter(created_at__gte=since, created_at__lte=now)
        .annotate(period=_period(by))
        .values("period", "band")
        .annotate(n=Count("id"))
        .values_list("period", "band", "n")
        .order_by()
    ):
        bands.setdefault(_as_date(period), {})[band] = n
    posts = {_as_date(k): v for k, v in posts.items()}
    comments = {_as_date(k): v for k, v in comments.items()}
    rows = []
    for period in _periods(since, now, by):
        scored = bands.get(period, {})
        rows.append(
            {
                "period": period,
                "posts": posts.get(period, 0),
                "comments": comments.get(period, 0),
                "negative": scored.get(Band.NEGATIVE, 0),
                "neutral": scored.get(Band.NEUTRAL, 0),
                "positive": scored.get(Band.POSITIVE, 0),
            }
        )
    return rows


SPLITS = {"kind": "Kind", "status": "Status", "tag": "Tag"}
NO_TAG = "No tag"


def volume_split(*, since: datetime, now: datetime, by: str, split: str) -> tuple[list, list]:
    """Posts per day or week, one column per kind, status or tag (one query).

    Returns (column names, rows); a post with two tags counts in both columns.
    """
    field = {"kind": "kind", "status": "status", "tag": "tags__name"}[split]
    counted = (
        Post.objects.published()
        .filter(created_at__gte=since, created_at__lte=now)
        .annotate(period=_period(by))
        .values("period", field)
        .annotate(n=Count("id", distinct=True))
        .values_list("period", field, "n")
        .order_by()
    )
    labels = {"kind": dict(Kind.choices), "status": dict(Status.choices)}.get(split)
    cells: dict = {}
    totals: dict = {}
    for period, value, n in counted:
        name = labels.get(value, value) if labels else (value or NO_TAG)
        cells[(_as_date(period), name)] = n
        totals[name] = totals.get(name, 0) + n
    if labels:
        columns = list(labels.values())
    else:
        columns = sorted(totals, key=lambda name: (name == NO_TAG, -totals[name], name))
    rows = [
        {"period": period, **{c: cells.get((period, c), 0) for c in columns}}
        for period in _periods(since, now, by)
    ]
    return columns, rows


def _counts(queryset, field: str, labels: dict) -> list[dict]:
    counted = dict(
        queryset.values(field).annotate(n=Count("id")).values_list(field, "n").order_by()
    )
    return [{"name": label, "posts": counted.get(value, 0)} for value, label in labels.items()]


def by_kind(*, since: datetime, now: datetime) -> list[dict]:
    posts = Post.objects.published().filter(created_at__gte=since, created_at__lte=now)
    return _counts(posts, "kind", dict(Kind.choices))


def by_status(*, since: datetime, now: datetime) -> list[dict]:
    posts = Post.objects.published().filter(created_at__gte=since, created_at__lte=now)
    return _counts(posts, "status", dict(Status.choices))


def by_band(*, since: datetime, now: datetime) -> list[dict]:
    """Posts and comments in each sentiment band (those scored so far)."""
    scored = Sentiment.objects.filter(created_at__gte=since, created_at__lte=now)
    counted = dict(
        scored.values("band").annotate(n=Count("id")).values_list("band", "n").order_by()
    )
    return [{"name": label, "items": counted.get(value, 0)} for value, label in Band.choices]


def by_tag(*, since: datetime, now: datetime) -> list[dict]:
    from frankly.feedback.models import Tag

    tags = Tag.objects.annotate(
        n=Count("posts", filter=Q(posts__created_at__gte=since, posts__created_at__lte=now))
    ).order_by("-n", "name")
    return [{"name": t.name, "posts": t.n} for t in tags]


def rising(*, now: datetime, limit: int = 10) -> list[dict]:
    """Posts whose votes in the last 7 days most exceed their usual week (the 28 days
    before, divided by 4)."""
    week, month = now - timedelta(days=7), now - timedelta(days=35)
    posts = (
        Post.objects.listed()
        .annotate(
            recent=Count("votes", filter=Q(votes__created_at__gte=week)),
            before=Count(
                "votes", filter=Q(votes__created_at__gte=month, votes__created_at__lt=week)
            ),
        )
        .filter(recent__gt=0)
        .annotate(excess=F("recent") - Cast("before", FloatField()) / 4)
        .filter(excess__gt=0)
        .order_by("-excess", "-id")[:limit]
    )
    return [
        {
            "post": p,
            "title": p.title,
            "votes_last_7_days": p.recent,
            "votes_28_days_before": p.before,
            "total_votes": p.vote_count,
        }
        for p in posts
    ]


def most_discussed(*, since: datetime, now: datetime, limit: int = 10) -> list[dict]:
    posts = (
        Post.objects.listed()
        .annotate(
            n=Count(
                "comments", filter=Q(comments__created_at__gte=since, comments__created_at__lte=now)
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "-id")[:limit]
    )
    return [
        {"post": p, "title": p.title, "comments_in_range": p.n, "total_comments": p.comment_count}
        for p in posts
    ]


def unanswered_posts():
    """Customers' listed posts no staff member has answered (comment, official
    response, or status change with a note), oldest first."""
    return (
        Post.objects.listed()
        .filter(author_was_staff=False)
        .exclude(Exists(Comment.objects.filter(post=OuterRef("pk"), author_was_staff=True)))
        .exclude(Exists(OfficialResponse.objects.filter(post=OuterRef("pk"))))
        .exclude(Exists(StatusChange.objects.filter(post=OuterRef("pk")).exclude(note="")))
    )


def unanswered(*, now: datetime, limit: int = 20) -> list[dict]:
    posts = unanswered_posts().order_by("created_at", "id")[:limit]
    return [
        {
            "post": p,
            "title": p.title,
            "kind": p.get_kind_display(),
            "created_at": p.created_at,
            "days_waiting": (now - p.created_at).days,
        }
        for p in posts
    ]


def trends(*, days: int = 30, by: str = "day", now: datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - timedelta(days=days)
    return {
        "volume": volume(since=since, now=now, by=by),
        "kinds": by_kind(since=since, now=now),
        "statuses": by_status(since=since, now=now),
        "tags": by_tag(since=since, now=now),
        "bands": by_band(since=since, now=now),
        "rising": rising(now=now),
        "discussed": most_discussed(since=since, now=now),
        "unanswered": unanswered(now=now),
    }
