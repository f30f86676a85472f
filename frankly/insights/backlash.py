"""Backlash early warning: a burst of negative posts and comments, per tag, per
status component and over all feedback, compared with that scope's own past.

For each scope we count the negative items (posts and comments by customers that
VADER scored negative) in the last hour, and the same count for each of the 672
hours of the four weeks before. An exponentially weighted mean and variance of
those hourly counts (one-week span, so recent weeks weigh more) give the baseline.
The alert fires when

- the last hour holds at least ``INSIGHTS_ALERT_MIN_COUNT`` negative items, and
- a Poisson count with rate ``mean + one standard deviation`` would reach that
  many with probability below ``INSIGHTS_ALERT_P_VALUE``.

Adding the standard deviation to the rate keeps a scope whose volume swings a lot
(busy weekdays, quiet nights) from alerting on an ordinary busy hour, while a
quiet scope alerts on a handful of angry posts.

A scope alerts at most once per window: a new alert needs the previous one's hour
to have passed.
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frankly.insights.models import Alert, Band, Scope, Sentiment

WINDOW = timedelta(hours=1)
HISTORY_HOURS = 28 * 24
EWMA_SPAN_HOURS = 7 * 24
MIN_RATE = 0.05  # a scope with no history still expects something


@dataclass
class Item:
    post_id: int | None
    comment_id: int | None
    thread_id: int  # the post itself, or the post a comment is on
    created_at: datetime
    text: str


@dataclass
class Baseline:
    mean: float
    variance: float

    @property
    def rate(self) -> float:
        return max(self.mean + math.sqrt(max(self.variance, 0.0)), MIN_RATE)


@dataclass
class Finding:
    scope: str
    scope_name: str
    tag_id: int | None = None
    component_id: int | None = None
    items: list[Item] = field(default_factory=list)
    baseline: Baseline | None = None
    p_value: float = 1.0


def poisson_tail(count: int, rate: float) -> float:
    """P(X >= count) for X ~ Poisson(rate), computed in log space."""
    if count <= 0:
        return 1.0
    below = 0.0
    log_term = -rate  # log of P(X = 0)
    for k in range(count):
        if k:
            log_term += math.log(rate) - math.log(k)
        below += math.exp(log_term)
    return max(0.0, 1.0 - below)


def ewma_baseline(counts: list[int], *, span: int = EWMA_SPAN_HOURS) -> Baseline:
    """Exponentially weighted mean and variance of hourly counts, oldest first.

    Starts from the plain mean and variance so the first hours do not dominate.
    """
    if not counts:
        return Baseline(0.0, 0.0)
    mean = sum(counts) / len(counts)
    variance = sum((c - mean) ** 2 for c in counts) / len(counts)
    alpha = 2 / (span + 1)
    for c in counts:
        diff = c - mean
        increment = alpha * diff
        mean += increment
        variance = (1 - alpha) * (variance + diff * increment)
    return Baseline(mean, variance)


def negative_items(since: datetime, until: datetime) -> list[Item]:
    """Customers' negative posts and comments written in [since, until)."""
    rows = (
        Sentiment.objects.filter(band=Band.NEGATIVE, created_at__gte=since, created_at__lt=until)
        .exclude(post__author_was_staff=True)
        .exclude(comment__author_was_staff=True)
        .values_list(
            "post_id",
            "comment_id",
            "comment__post_id",
            "created_at",
            "post__title",
            "post__body",
            "comment__body",
            "comment__post__title",
        )
    )
    items = []
    for post_id, comment_id, thread, created_at, title, body, c_body, c_title in rows:
        if post_id:
            items.append(Item(post_id, None, post_id, created_at, f"{title}\n{body}"))
        else:
            items.append(Item(None, comment_id, thread, created_at, f"{c_title}\n{c_body}"))
    return items


def _scopes(items: list[Item]) -> list[Finding]:
    """Every scope with the items in it: all feedback, each tag, each component
    whose name the item (or, for a comment, its post's title) mentions."""
    from frankly.feedback.models import Post, Tag
    from frankly.incidents.models import Component

    everything = Finding(scope=Scope.EVERYWHERE, scope_name="All feedback", items=list(items))
    findings = [everything]
    threads = {i.thread_id for i in items}
    tags_of = defaultdict(set)
    for post_id, tag_id in Post.tags.through.objects.filter(post_id__in=threads).values_list(
        "post_id", "tag_id"
    ):
        tags_of[post_id].add(tag_id)
    for tag in Tag.objects.filter(pk__in={t for ts in tags_of.values() for t in ts}):
        findings.append(
            Finding(
                scope=Scope.TAG,
                scope_name=tag.name,
                tag_id=tag.pk,
                items=[i for i in items if tag.pk in tags_of[i.thread_id]],
            )
        )
    for component in Component.objects.all():
        mention = re.compile(rf"(?<!\w){re.escape(component.name)}(?!\w)", re.IGNORECASE)
        mentioned = [i for i in items if mention.search(i.text)]
        if mentioned:
            findings.append(
                Finding(
                    scope=Scope.COMPONENT,
                    scope_name=component.name,
                    component_id=component.pk,
                    items=mentioned,
                )
            )
    return findings


def find_bursts(now: datetime | None = None) -> list[Finding]:
    """Scopes whose last hour is significantly more negative than their baseline."""
    now = now or timezone.now()
    window_start = now - WINDOW
    history_start = window_start - HISTORY_HOURS * WINDOW
    items = negative_items(history_start, now)
    min_count = settings.INSIGHTS_ALERT_MIN_COUNT
    bursts = []
    for finding in _scopes(items):
        recent = [i for i in finding.items if i.created_at >= window_start]
        if len(recent) < min_count:
            continue
        counts = [0] * HISTORY_HOURS
        for item in finding.items:
            if item.created_at < window_start:
                hours_before = int((window_start - item.created_at) / WINDOW)
                counts[HISTORY_HOURS - 1 - min(hours_before, HISTORY_HOURS - 1)] += 1
        finding.baseline = ewma_baseline(counts)
        finding.p_value = poisson_tail(len(recent), finding.baseline.rate)
        finding.items = recent
        if finding.p_value < settings.INSIGHTS_ALERT_P_VALUE:
            bursts.append(finding)
    return bursts


def _recently_alerted(finding: Finding, now: datetime) -> bool:
    return Alert.objects.filter(
        scope=finding.scope,
        tag_id=finding.tag_id,
        component_id=finding.component_id,
        raised_at__gt=now - WINDOW,
    ).exists()


def alert_recipients() -> list:
    from frankly.accounts.models import User

    return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))


def _tell(alert: Alert, finding: Finding) -> None:
    from frankly.accounts.contact import Topic
    from frankly.notify import events
    from frankly.notify.outbox import queue_email

    url = settings.SITE_URL + reverse("insights:alert", args=[alert.pk])
    links = [
        f"- {settings.SITE_URL}{reverse('feedback:post', args=[i.thread_id])}"
        + (f"#comment-{i.comment_id}" if i.comment_id else "")
        for i in finding.items[:20]
    ]
    summary = (
        f"{alert.count} negative posts and comments in the last hour in "
        f"{alert.scope_label}; about {alert.expected:.1f} would be usual."
    )
    for person in alert_recipients():
        queue_email(
            key=f"alert:{alert.pk}:{person.pk}",
            to=person.email,
            user=person,
            # A staff member's work notification, like the ones they chose per kind.
            topic=Topic.NOTIFICATIONS,
            subject=f"[{settings.SITE_NAME}] Alert: negative feedback rising in "
            f"{alert.scope_label}",
            body=f"Hello {person.public_name},\n\n{summary}\n\nWhat they wrote:\n"
            + "\n".join(links)
            + f"\n\nSee the alert and acknowledge it: {url}\n\n"
            "You get this email because you are staff on this site.\n",
        )
    events.webhook_event(
        "alert.raised",
        {
            "alert": {
                "id": alert.pk,
                "scope": alert.scope,
                "scope_name": alert.scope_name,
                "count": alert.count,
                "expected": round(alert.expected, 3),
                "p_value": alert.p_value,
                "window_start": alert.window_start,
                "window_end": alert.window_end,
                "url": url,
                "posts": sorted({i.thread_id for i in finding.items}),
                "comments": sorted(i.comment_id for i in finding.items if i.comment_id),
            }
        },
    )


def raise_alerts(now: datetime | None = None) -> list[Alert]:
    """Raise an alert for each scope with a burst, email staff and send the
    ``alert.raised`` webhook. Safe to run as often as wanted."""
    now = now or timezone.now()
    raised = []
    for finding in find_bursts(now):
        with transaction.atomic():
            if _recently_alerted(finding, now):
                continue
            alert = Alert.objects.create(
                scope=finding.scope,
                scope_name=finding.scope_name[:80],
                tag_id=finding.tag_id,
                component_id=finding.component_id,
                window_start=now - WINDOW,
                window_end=now,
                count=len(finding.items),
                expected=finding.baseline.mean,
                p_value=finding.p_value,
                raised_at=now,
            )
            alert.posts.set({i.post_id for i in finding.items if i.post_id})
            alert.comments.set({i.comment_id for i in finding.items if i.comment_id})
            _tell(alert, finding)
            raised.append(alert)
    return raised
