"""Public response metrics: how fast staff answer customers, month by month.

Every customer post counts (staff's own posts do not: nobody waits for an answer
to them); hidden, deleted and merged posts count too, as the customer waited all
the same. The first staff response is the earliest of: a comment by staff, the
official response, a status change with a note. A bare status change says nothing
to the customer and does not count.

Response times are percentiles by nearest rank over *all* the month's posts, the
unanswered ones ranked as longest: if more than half of the posts wait, the median
is "not answered yet", never a number computed from the answered few.

Business days are Monday to Friday in the site's time zone (TIME_ZONE); public
holidays are not known and count as business days.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from frankly.feedback.models import Comment, Kind, OfficialResponse, Post, Status, StatusChange

DECISIONS = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE, Status.DECLINED)
ANSWER_WITHIN_BUSINESS_DAYS = 2


def add_business_days(start: datetime, days: int, tz: ZoneInfo | None = None) -> datetime:
    """The moment ``days`` business days after ``start``. Time written on a weekend
    starts counting at the next Monday 00:00."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    local = start.astimezone(tz)
    if local.weekday() >= 5:
        local = (local + timedelta(days=7 - local.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    added = 0
    while added < days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local


def first_responses(post_ids) -> dict[int, datetime]:
    """The time of the first staff response to each post that has one."""
    firsts: dict[int, datetime] = {}

    def keep(rows):
        for post_id, at in rows:
            if at is not None and (post_id not in firsts or at < firsts[post_id]):
                firsts[post_id] = at

    keep(
        Comment.objects.filter(post_id__in=post_ids, author_was_staff=True)
        .values("post_id")
        .annotate(first=Min("created_at"))
        .values_list("post_id", "first")
    )
    keep(OfficialResponse.objects.filter(post_id__in=post_ids).values_list("post_id", "created_at"))
    keep(
        StatusChange.objects.filter(post_id__in=post_ids)
        .exclude(note="")
        .values("post_id")
        .annotate(first=Min("created_at"))
        .values_list("post_id", "first")
    )
    return firsts


def nearest_rank(values: list[float], percent: float) -> float | None:
    """The nearest-rank percentile; None when there are no values. ``inf`` stands for
    posts not answered yet."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


@dataclass
class Month:
    month: str  # "2026-03"
    posts: int
    answered: int
    median_hours: float | None  # None: no posts; inf: not answered yet
    p90_hours: float | None
    due: int  # posts whose 2-business-day deadline has passed, or answered already
    answered_in_time: int
    ideas: int
    ideas_decided: int

    @property
    def unanswered(self) -> int:
        return self.posts - self.answered

    @property
    def share_in_time(self) -> float | None:
        return self.answered_in_time / self.due if self.due else None

    @property
    def share_decided(self) -> float | None:
        return self.ideas_decided / self.ideas if self.ideas else None


def monthly(*, months: int = 12, now: datetime | None = None) -> list[Month]:
    """The last ``months`` calendar months (site time zone), newest first."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    local_now = now.astimezone(tz)
    first_month = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    posts = list(
        Post.objects.published()
        .filter(created_at__gte=first_month, created_at__lte=now, author_was_staff=False)
        .order_by()
        .values_list("id", "kind", "created_at")
    )
    ids = [p[0] for p in posts]
    firsts = first_responses(ids)
    decided = set(
        StatusChange.objects.filter(post_id__in=ids)
        .filter(Q(to_status__in=DECISIONS))
        .values_list("post_id", flat=True)
    ) | set(Post.objects.filter(pk__in=ids, status__in=DECISIONS).values_list("id", flat=True))
    by_month: dict[str, list] = defaultdict(list)
    for post_id, kind, created_at in posts:
        by_month[created_at.astimezone(tz).strftime("%Y-%m")].append((post_id, kind, created_at))
    result = []
    cursor = local_now.replace(day=1)
    for _ in range(months):
        key = cursor.strftime("%Y-%m")
        rows = by_month.get(key, [])
        hours, due, in_time = [], 0, 0
        for post_id, _kind, created_at in rows:
            answered_at = firsts.get(post_id)
            hours.append(
                (answered_at - created_at).total_seconds() / 3600 if answered_at else math.inf
            )
            deadline = add_business_days(created_at, ANSWER_WITHIN_BUSINESS_DAYS, tz)
            if answered_at is not None and answered_at <= deadline:
                due += 1
                in_time += 1
            elif deadline <= now or answered_at is not None:
                due += 1
        ideas = [r for r in rows if r[1] == Kind.IDEA]
        result.append(
            Month(
                month=key,
                posts=len(rows),
                answered=sum(1 for r in rows if r[0] in firsts),
                median_hours=nearest_rank(hours, 50),
                p90_hours=nearest_rank(hours, 90),
                due=due,
                answered_in_time=in_time,
                ideas=len(ideas),
                ideas_decided=sum(1 for r in ideas if r[0] in decided),
            )
        )
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return result
