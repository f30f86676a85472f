"""Reads for the status page and its API."""

from django.db.models import F, Prefetch

from frankly.incidents.models import (
    SEVERITY,
    Component,
    ComponentGroup,
    ComponentStatus,
    Incident,
    IncidentState,
    IncidentUpdate,
    Maintenance,
    MaintenanceState,
)

BANNERS = {
    ComponentStatus.OPERATIONAL: "All systems operational",
    ComponentStatus.UNDER_MAINTENANCE: "Maintenance in progress",
    ComponentStatus.DEGRADED: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}


def components() -> list[Component]:
    # Components without a group come last on both databases (SQLite sorts NULL
    # first, PostgreSQL last).
    return list(
        Component.objects.public()
        .select_related("group")
        .order_by(F("group__position").asc(nulls_last=True), "group_id", "position", "id")
    )


def grouped(component_list: list[Component]) -> list[tuple[ComponentGroup | None, list]]:
    groups: dict = {}
    for component in component_list:
        groups.setdefault(component.group, []).append(component)
    return list(groups.items())


def overall(component_list: list[Component]) -> dict:
    """The banner: the worst status, and which components are not operational."""
    worst = max(
        (c.status for c in component_list),
        key=lambda s: SEVERITY[s],
        default=ComponentStatus.OPERATIONAL,
    )
    affected = [c for c in component_list if c.status != ComponentStatus.OPERATIONAL]
    return {"status": worst, "text": BANNERS[worst], "affected": affected}


def _with_updates(queryset):
    return queryset.prefetch_related(
        Prefetch("updates", queryset=IncidentUpdate.objects.select_related("author")),
        "components",
    )


def active_incidents() -> list[Incident]:
    return list(_with_updates(Incident.objects.public().exclude(state=IncidentState.RESOLVED)))


def maintenance_now_and_next() -> list[Maintenance]:
    return list(
        Maintenance.objects.filter(
            state__in=[MaintenanceState.SCHEDULED, MaintenanceState.IN_PROGRESS]
        )
        .prefetch_related("components")
        .order_by("starts_at", "id")
    )


def recent_incidents(limit: int = 10) -> list[Incident]:
    return list(
        _with_updates(
            Incident.objects.public()
            .filter(state=IncidentState.RESOLVED)
            .order_by("-created_at", "-id")
        )[:limit]
    )


def incidents_by_month(*, months: int = 12) -> list[tuple]:
    """Resolved and open incidents grouped by the month they started, newest first."""
    incidents = list(
        Incident.objects.public()
        .order_by("-created_at", "-id")
        .prefetch_related("components")
        .select_related("postmortem")[:500]
    )
    by_month: dict = {}
    for incident in incidents:
        key = incident.created_at.date().replace(day=1)
        by_month.setdefault(key, []).append(incident)
    return list(by_month.items())[:months]


def summary() -> dict:
    """What GET /api/v1/status returns."""
    component_list = components()
    banner = overall(component_list)
    return {
        "status": banner["status"],
        "description": banner["text"],
        "components": [
            {
                "id": c.pk,
                "name": c.name,
                "group": c.group.name if c.group else None,
                "status": c.status,
                "description": c.description,
            }
            for c in component_list
        ],
        "active_incidents": [
            {
                "id": i.pk,
                "title": i.title,
                "impact": i.impact,
                "state": i.state,
                "url": i.get_absolute_url(),
                "created_at": i.created_at,
                "updated_at": i.updated_at,
                "components": [c.pk for c in i.components.all()],
                "component_statuses": i.component_statuses(),
                "latest_update": update_out(i.updates.all()[0]) if i.updates.all() else None,
            }
            for i in active_incidents()
        ],
        "maintenance": [
            {
                "id": m.pk,
                "title": m.title,
                "state": m.state,
                "starts_at": m.starts_at,
                "ends_at": m.ends_at,
                "components": [c.pk for c in m.components.all()],
                "component_statuses": m.component_statuses,
            }
            for m in maintenance_now_and_next()
        ],
    }


def update_out(update: IncidentUpdate) -> dict:
    return {
        "id": update.pk,
        "state": update.state,
        "body": update.body,
        "created_at": update.created_at,
        "edited_at": update.edited_at,
        "component_statuses": update.component_statuses,
    }


def next_maintenance_change():
    """When the next maintenance window starts or ends, or None if none is planned."""
    from django.db.models import Min

    from frankly.incidents.models import Maintenance, MaintenanceState

    starts = Maintenance.objects.filter(state=MaintenanceState.SCHEDULED).aggregate(
        at=Min("starts_at")
    )["at"]
    ends = Maintenance.objects.filter(state=MaintenanceState.IN_PROGRESS).aggregate(
        at=Min("ends_at")
    )["at"]
    return min((t for t in (starts, ends) if t is not None), default=None)
