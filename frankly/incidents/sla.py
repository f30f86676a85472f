"""Monthly SLA per component, from the status history.

Time before a component existed (or after now) is not counted: it is "no data",
never "up". Maintenance windows (scheduled, in progress or completed) of a component,
and time it spent "under maintenance", are excluded from its SLA but shown beside it.
Downtime is time in a partial or major outage outside maintenance.

SLA = 100 * (1 - downtime / (observed - maintenance)).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.utils import timezone

from frankly.errors import Invalid
from frankly.incidents.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    Maintenance,
    MaintenanceState,
)
from frankly.incidents.uptime import OUTAGES, _intervals


@dataclass
class ComponentMonth:
    component: Component
    observed_minutes: float = 0.0
    maintenance_minutes: float = 0.0
    downtime_minutes: float = 0.0
    maintenances: list = field(default_factory=list)

    @property
    def counted_minutes(self) -> float:
        return self.observed_minutes - self.maintenance_minutes

    @property
    def sla_percent(self) -> float | None:
        """None when nothing was observed outside maintenance: "no data"."""
        if self.counted_minutes <= 0:
            return None
        return round(100 * (1 - self.downtime_minutes / self.counted_minutes), 3)


def parse_month(value: str, *, now: datetime | None = None) -> date:
    """'2026-10' → 1 October 2026; blank → the current UTC month."""
    if not value:
        today = (now or timezone.now()).astimezone(UTC).date()
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise Invalid(f"'{value[:20]}' is not a month. Write it as YYYY-MM, e.g. 2026-10.",
                      field="month") from exc  # fmt: skip


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _overlap(start: datetime, end: datetime, intervals) -> float:
    seconds = 0.0
    for s, e in intervals:
        lo, hi = max(start, s), min(end, e)
        if hi > lo:
            seconds += (hi - lo).total_seconds()
    return seconds / 60


def monthly_sla(
    components: list[Component], *, month: date, now: datetime | None = None
) -> list[ComponentMonth]:
    """Each component's SLA for one UTC month (up to now), in three queries."""
    now = now or timezone.now()
    start, end = _month_bounds(month)
    end = min(end, now)
    ids = [c.pk for c in components]
    points = defaultdict(list)
    for change in ComponentStatusChange.objects.filter(
        component_id__in=ids, started_at__lt=end
    ).order_by("component_id", "started_at", "id"):
        points[change.component_id].append((change.started_at, change.status))
    windows = defaultdict(list)
    maintenances = (
        Maintenance.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(state=MaintenanceState.CANCELLED)
        .prefetch_related("components")
    )
    for maintenance in maintenances:
        for component in maintenance.components.all():
            windows[component.pk].append(maintenance)
    result = []
    for component in components:
        row = ComponentMonth(component, maintenances=windows[component.pk])
        spans = [
            (max(s, start), e, status)
            for s, e, status in _intervals(points[component.pk], end=end)
            if e > start
        ]
        excluded = _merge(
            [(max(m.starts_at, start), min(m.ends_at, end)) for m in windows[component.pk]]
            + [(s, e) for s, e, status in spans if status == ComponentStatus.UNDER_MAINTENANCE]
        )
        for s, e, status in spans:
            minutes = (e - s).total_seconds() / 60
            row.observed_minutes += minutes
            inside = _overlap(s, e, excluded)
            row.maintenance_minutes += inside
            if status in OUTAGES:
                row.downtime_minutes += minutes - inside
        result.append(row)
    return result


def as_csv(rows: list[ComponentMonth], *, month: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["month", "component", "observed_minutes", "maintenance_minutes_excluded",
         "downtime_minutes", "sla_percent"]
    )  # fmt: skip
    for row in rows:
        writer.writerow(
            [
                month.strftime("%Y-%m"),
                row.component.name,
                round(row.observed_minutes),
                round(row.maintenance_minutes),
                round(row.downtime_minutes),
                "no data" if row.sla_percent is None else f"{row.sla_percent:.3f}",
            ]
        )
    return out.getvalue()
