"""Uptime history from status intervals: per component and day, the worst status,
the minutes spent in each status, and the share of time not in an outage.

Days are UTC days. Time before a component existed is "no data", never "up".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from frankly.incidents.models import SEVERITY, Component, ComponentStatus, ComponentStatusChange

OUTAGES = {ComponentStatus.PARTIAL_OUTAGE, ComponentStatus.MAJOR_OUTAGE}


@dataclass
class Day:
    day: date
    minutes: dict[str, float] = field(default_factory=dict)  # status -> minutes observed

    @property
    def has_data(self) -> bool:
        return bool(self.minutes)

    @property
    def worst(self) -> str | None:
        if not self.minutes:
            return None
        return max(self.minutes, key=lambda s: SEVERITY[s])

    @property
    def outage_minutes(self) -> int:
        return round(sum(m for s, m in self.minutes.items() if s in OUTAGES))

    @property
    def observed_minutes(self) -> float:
        return sum(self.minutes.values())


@dataclass
class History:
    component: Component
    days: list[Day]

    @property
    def uptime_percent(self) -> float | None:
        """Share of observed time outside partial or major outages, or None."""
        observed = sum(d.observed_minutes for d in self.days)
        if not observed:
            return None
        down = sum(m for d in self.days for s, m in d.minutes.items() if s in OUTAGES)
        return round(100 * (1 - down / observed), 3)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def histories(
    components: list[Component], *, days: int = 90, now: datetime | None = None
) -> list[History]:
    """The last ``days`` UTC days of each component, oldest first, in two queries."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    window_start = _day_start(first_day)
    ids = [c.pk for c in components]
    changes = defaultdict(list)
    # Each component's last change before the window tells its status at the start.
    for change in ComponentStatusChange.objects.filter(
        component_id__in=ids, started_at__gte=window_start
    ):
        changes[change.component_id].append((change.started_at, change.status))
    earlier = ComponentStatusChange.objects.filter(
        component_id__in=ids, started_at__lt=window_start
    ).order_by("component_id", "-started_at", "-id")
    seen = set()
    for change in earlier.only("component_id", "started_at", "status"):
        if change.component_id not in seen:
            seen.add(change.component_id)
            changes[change.component_id].insert(0, (window_start, change.status))
    result = []
    for component in components:
        intervals = _intervals(sorted(changes[component.pk]), end=now)
        result.append(History(component, _split_by_day(intervals, first_day, days)))
    return result


def _intervals(points: list[tuple[datetime, str]], *, end: datetime):
    """[(start, end, status)] from a sorted list of (start, status) points."""
    spans = []
    for i, (start, status) in enumerate(points):
        stop = points[i + 1][0] if i + 1 < len(points) else end
        if stop > start:
            spans.append((start, stop, status))
    return spans


def _split_by_day(spans, first_day: date, days: int) -> list[Day]:
    result = [Day(first_day + timedelta(days=i)) for i in range(days)]
    for start, stop, status in spans:
        index = (start.astimezone(UTC).date() - first_day).days
        cursor = start
        while cursor < stop and index < days:
            day_end = _day_start(first_day + timedelta(days=index + 1))
            piece_end = min(stop, day_end)
            if index >= 0:
                minutes = (piece_end - cursor).total_seconds() / 60
                bucket = result[index].minutes
                bucket[status] = bucket.get(status, 0.0) + minutes
            cursor, index = piece_end, index + 1
    return result
