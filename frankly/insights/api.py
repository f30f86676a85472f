"""JSON API of insights: similar posts (anyone, for the new-post form), and the
staff summary and alerts. No sentiment score is ever attached to a customer here:
the summary counts, the alerts link posts."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from frankly.access import require_staff
from frankly.accounts.auth import ANYONE_OR_WIDGET, SIGNED_IN
from frankly.cursor import Key, paginate
from frankly.errors import Invalid
from frankly.feedback.models import Kind, Status
from frankly.insights import queries
from frankly.insights.similarity import similar_posts

router = Router(tags=["insights"])


class SimilarPostOut(Schema):
    id: int
    url: str
    title: str
    kind: Kind
    status: Status
    vote_count: int
    comment_count: int
    score: float = Field(description="How alike the titles are, 0 to 1")


class SimilarListOut(Schema):
    items: list[SimilarPostOut]


class SimilarQuery(Schema):
    title: str = Field(max_length=300)
    limit: int = Field(5, ge=1, le=5)


@router.get(
    "/posts/similar",
    response=SimilarListOut,
    auth=ANYONE_OR_WIDGET,
    summary="Posts like a title being written (up to 5), to vote on instead",
)
def similar(request, params: Query[SimilarQuery]):
    if "\x00" in params.title:
        raise Invalid("The title holds a character that is not allowed.", field="title")
    suggestions = similar_posts(params.title, limit=params.limit)
    return {
        "items": [
            {
                "id": s.post.pk,
                "url": s.post.get_absolute_url(),
                "title": s.post.title,
                "kind": s.post.kind,
                "status": s.post.status,
                "vote_count": s.post.vote_count,
                "comment_count": s.post.comment_count,
                "score": s.score,
            }
            for s in suggestions
        ]
    }


class BandCounts(Schema):
    negative: int
    neutral: int
    positive: int


class PeriodOut(Schema):
    posts: int
    comments: int
    sentiment: BandCounts


class MonthOut(Schema):
    posts: int
    answered: int
    median_hours_to_first_response: float | None = Field(
        description="null when no posts, or when the median post is not answered yet"
    )
    p90_hours_to_first_response: float | None
    share_answered_within_2_business_days: float | None
    share_of_ideas_decided: float | None


class SummaryOut(Schema):
    last_7_days: PeriodOut
    last_30_days: PeriodOut
    open_alerts: int
    unanswered_posts: int
    this_month: MonthOut


@router.get(
    "/insights/summary",
    response=SummaryOut,
    auth=SIGNED_IN,
    summary="Headline numbers: volume, sentiment, alerts, response times (staff)",
)
def summary(request):
    require_staff(request.user)
    return queries.summary()


class AlertOut(Schema):
    id: int
    url: str
    scope: str = Field(description="all, tag or component")
    scope_name: str
    count: int
    expected: float
    p_value: float
    window_start: datetime
    window_end: datetime
    raised_at: datetime
    acknowledged_at: datetime | None
    posts: list[int]
    comments: list[int]


class AlertListOut(Schema):
    items: list[AlertOut]
    next: str | None


@router.get(
    "/insights/alerts",
    response=AlertListOut,
    auth=SIGNED_IN,
    summary="Backlash alerts, newest first (staff)",
)
def alerts(
    request,
    open: Query[bool] = False,
    cursor: Query[str | None] = None,
    limit: Query[int] = 20,
):
    require_staff(request.user)
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 alerts at a time.", field="limit")
    rows = queries.alerts().prefetch_related("posts", "comments")
    if open:
        rows = rows.filter(acknowledged_at__isnull=True)
    page = paginate(rows, keys=[Key("raised_at"), Key("id")], cursor=cursor, limit=limit)
    from django.urls import reverse

    return {
        "items": [
            {
                "id": a.pk,
                "url": reverse("insights:alert", args=[a.pk]),
                "scope": a.scope,
                "scope_name": a.scope_name,
                "count": a.count,
                "expected": a.expected,
                "p_value": a.p_value,
                "window_start": a.window_start,
                "window_end": a.window_end,
                "raised_at": a.raised_at,
                "acknowledged_at": a.acknowledged_at,
                "posts": sorted(p.pk for p in a.posts.all()),
                "comments": sorted(c.pk for c in a.comments.all()),
            }
            for a in page.items
        ],
        "next": page.next,
    }
