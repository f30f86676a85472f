"""Status API: public reads (cached like the page), staff-only writes."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from frankly.access import require_staff
from frankly.accounts.auth import ANYONE, SIGNED_IN
from frankly.cursor import Key, paginate
from frankly.errors import Invalid
from frankly.incidents import caching, monitoring, queries, services
from frankly.incidents.models import (
    ComponentStatus,
    Impact,
    Incident,
    IncidentState,
    MaintenanceState,
    MonitorCheck,
)
from frankly.schemas import RequestBody

router = Router(tags=["status"])


class ComponentOut(Schema):
    id: int
    name: str
    group: str | None
    status: ComponentStatus
    description: str


class UpdateOut(Schema):
    id: int
    state: IncidentState
    body: str
    created_at: datetime
    edited_at: datetime | None


class IncidentOut(Schema):
    id: int
    title: str
    impact: Impact
    state: IncidentState
    url: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    components: list[int]
    updates: list[UpdateOut] = []


class IncidentListOut(Schema):
    items: list[IncidentOut]
    next: str | None


class MaintenanceOut(Schema):
    id: int
    title: str
    state: MaintenanceState
    starts_at: datetime
    ends_at: datetime
    components: list[int]


class ComponentIn(RequestBody):
    name: str = Field(max_length=1000)
    description: str = Field("", max_length=10_000)
    group: str = Field("", max_length=1000)
    position: int = Field(0, ge=0, le=100_000)


class IncidentIn(RequestBody):
    title: str = Field(max_length=1000)
    impact: Impact = Impact.MINOR
    state: IncidentState = IncidentState.INVESTIGATING
    body: str = Field(max_length=100_000, description="The first update")
    components: list[int] = Field(default_factory=list, max_length=500)
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict, description='e.g. {"3": "major_outage"}'
    )


class UpdateIn(RequestBody):
    state: IncidentState
    body: str = Field(max_length=100_000)
    component_statuses: dict[str, ComponentStatus] = Field(default_factory=dict)


class MaintenanceIn(RequestBody):
    title: str = Field(max_length=1000)
    description: str = Field("", max_length=100_000)
    starts_at: datetime
    ends_at: datetime
    components: list[int] = Field(max_length=500)


def _incident_out(incident: Incident, *, with_updates: bool = True) -> dict:
    return {
        "id": incident.pk,
        "title": incident.title,
        "impact": incident.impact,
        "state": incident.state,
        "url": incident.get_absolute_url(),
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "resolved_at": incident.resolved_at,
        "components": [c.pk for c in incident.components.all()],
        "updates": [
            {
                "id": u.pk,
                "state": u.state,
                "body": u.body,
                "created_at": u.created_at,
                "edited_at": u.edited_at,
            }
            for u in incident.updates.all()
        ]
        if with_updates
        else [],
    }


@router.get(
    "/status",
    auth=ANYONE,
    summary="Overall status, components, active incidents",
    description="Cached per status change; answers 304 to a matching If-None-Match.",
)
def status(request):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    caching.advance_maintenance_when_due(request)
    return caching.cached_response(
        request,
        name="api",
        content_type="application/json",
        # As on the status page: shared caches get what anonymous callers get, and
        # an answer to a signed-in caller is private.
        public=not request.user.is_authenticated,
        render=lambda: json.dumps(queries.summary(), cls=DjangoJSONEncoder),
    )


@router.get("/components", response=list[ComponentOut], auth=ANYONE, summary="Components")
def list_components(request):
    return [
        {
            "id": c.pk,
            "name": c.name,
            "group": c.group.name if c.group else None,
            "status": c.status,
            "description": c.description,
        }
        for c in queries.components()
    ]


@router.post(
    "/components", response={201: ComponentOut}, auth=SIGNED_IN, summary="Add a component (staff)"
)
def create_component(request, payload: ComponentIn):
    component = services.create_component(
        actor=request.user,
        name=payload.name,
        description=payload.description,
        group=payload.group,
        position=payload.position,
    )
    return 201, {
        "id": component.pk,
        "name": component.name,
        "group": component.group.name if component.group else None,
        "status": component.status,
        "description": component.description,
    }


@router.get(
    "/incidents",
    response=IncidentListOut,
    auth=ANYONE,
    summary="Incidents, newest first; pass `next` back as `cursor` for more",
)
def list_incidents(request, cursor: Query[str | None] = None, limit: Query[int] = 20) -> dict:
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 incidents at a time.", field="limit")
    page = paginate(
        Incident.objects.prefetch_related("components", "updates"),
        keys=[Key("created_at"), Key("id")],
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_incident_out(i) for i in page.items], "next": page.next}


@router.get(
    "/incidents/{incident_id}",
    response=IncidentOut,
    auth=ANYONE,
    summary="One incident with its updates",
)
def get_incident(request, incident_id: int):
    return _incident_out(services.get_incident(incident_id))


@router.post(
    "/incidents",
    response={201: IncidentOut},
    auth=SIGNED_IN,
    summary="Open an incident with its first update (staff)",
)
def open_incident(request, payload: IncidentIn):
    incident = services.open_incident(
        actor=request.user,
        title=payload.title,
        impact=payload.impact,
        body=payload.body,
        state=payload.state,
        components=payload.components,
        component_statuses=payload.component_statuses,
    )
    return 201, _incident_out(incident)


@router.post(
    "/incidents/{incident_id}/updates",
    response={201: IncidentOut},
    auth=SIGNED_IN,
    summary="Post an update, changing component statuses in the same step (staff)",
)
def post_update(request, incident_id: int, payload: UpdateIn):
    update = services.post_incident_update(
        actor=request.user,
        incident_id=incident_id,
        state=payload.state,
        body=payload.body,
        component_statuses=payload.component_statuses,
    )
    return 201, _incident_out(update.incident)


@router.post(
    "/maintenances",
    response={201: MaintenanceOut},
    auth=SIGNED_IN,
    summary="Schedule maintenance (staff)",
)
def schedule(request, payload: MaintenanceIn):
    require_staff(request.user)
    maintenance = services.schedule_maintenance(
        actor=request.user,
        title=payload.title,
        description=payload.description,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        components=payload.components,
    )
    maintenance.refresh_from_db()
    return 201, {
        "id": maintenance.pk,
        "title": maintenance.title,
        "state": maintenance.state,
        "starts_at": maintenance.starts_at,
        "ends_at": maintenance.ends_at,
        "components": [c.pk for c in maintenance.components.all()],
    }


class CheckIn(RequestBody):
    component: int
    kind: str = Field("http", description="http or tcp")
    target: str = Field(max_length=300, description="A URL (http) or host:port (tcp)")
    interval_seconds: int = 60
    timeout_seconds: int = 10
    expected_status: int = 200
    expected_body: str = Field("", max_length=200)
    auto_publish: bool = Field(
        False, description="Publish an incident on failure without waiting for staff"
    )


class CheckOut(Schema):
    id: int
    component: int = Field(alias="component_id")
    kind: str
    target: str
    interval_seconds: int
    timeout_seconds: int
    expected_status: int
    expected_body: str
    auto_publish: bool
    is_active: bool
    last_run_at: datetime | None
    is_failing: bool
    last_error: str


@router.get("/checks", response=list[CheckOut], auth=SIGNED_IN, summary="Component checks (staff)")
def list_checks(request):
    require_staff(request.user)
    return list(MonitorCheck.objects.all())


@router.post(
    "/checks", response={201: CheckOut}, auth=SIGNED_IN, summary="Add a component check (staff)"
)
def add_check(request, payload: CheckIn):
    check = monitoring.create_check(
        actor=request.user,
        component_id=payload.component,
        kind=payload.kind,
        target=payload.target,
        interval_seconds=payload.interval_seconds,
        timeout_seconds=payload.timeout_seconds,
        expected_status=payload.expected_status,
        expected_body=payload.expected_body,
        auto_publish=payload.auto_publish,
    )
    return 201, check
