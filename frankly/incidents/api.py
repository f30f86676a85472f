"""Status API: public reads (cached like the page), staff-only writes."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from frankly.access import require_staff
from frankly.accounts.auth import ANYONE, SIGNED_IN
from frankly.cursor import Key, paginate
from frankly.errors import Invalid, NotFound
from frankly.incidents import caching, monitoring, private_pages, queries, services
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
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict, description='What this update set, e.g. {"3": "major_outage"}'
    )


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
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict,
        description="Each component's status in this incident now (the latest update naming it)",
    )
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
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict, description="Each component's status during the work"
    )


class ComponentIn(RequestBody):
    name: str = Field(max_length=1000)
    description: str = Field("", max_length=10_000)
    group: str = Field("", max_length=1000)
    position: int = Field(0, ge=0, le=100_000)
    private_page: str = Field(
        "", max_length=60, description="Slug of the private status page it belongs to only"
    )


class IncidentIn(RequestBody):
    title: str = Field(max_length=1000)
    impact: Impact = Impact.MINOR
    state: IncidentState = IncidentState.INVESTIGATING
    body: str = Field(max_length=100_000, description="The first update")
    components: list[int] = Field(default_factory=list, max_length=500)
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict, description='e.g. {"3": "major_outage"}'
    )
    private_page: str = Field(
        "", max_length=60, description="Slug of the private status page it is shown on only"
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
    components: list[int] = Field(default_factory=list, max_length=500)
    component_statuses: dict[str, ComponentStatus] = Field(
        default_factory=dict,
        description='Status during the work where not "under_maintenance", '
        'e.g. {"3": "degraded_performance"}; these components need not be in `components`',
        max_length=500,
    )


def _incident_out(incident: Incident, *, with_updates: bool = True) -> dict:
    updates = list(incident.updates.all())
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
        "component_statuses": incident.component_statuses(updates),
        "updates": [queries.update_out(u) for u in updates] if with_updates else [],
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
        private_page=payload.private_page,
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
        Incident.objects.public().prefetch_related("components", "updates"),
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
    incident = services.get_incident(incident_id)
    if incident.private_page_id:  # read on its private page only
        raise NotFound(f"There is no incident #{incident_id}.")
    return _incident_out(incident)


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
        private_page=payload.private_page,
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
        component_statuses=payload.component_statuses,
    )
    maintenance.refresh_from_db()
    return 201, {
        "id": maintenance.pk,
        "title": maintenance.title,
        "state": maintenance.state,
        "starts_at": maintenance.starts_at,
        "ends_at": maintenance.ends_at,
        "components": [c.pk for c in maintenance.components.all()],
        "component_statuses": maintenance.component_statuses,
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


# Private status pages


class PrivateIncidentOut(Schema):
    id: int
    title: str
    impact: Impact
    state: IncidentState
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    components: list[int]
    component_statuses: dict[str, ComponentStatus]
    updates: list[UpdateOut]


class PrivateStatusOut(Schema):
    name: str
    description: str
    status: ComponentStatus
    status_text: str
    components: list[ComponentOut]
    active_incidents: list[PrivateIncidentOut]
    recent_incidents: list[PrivateIncidentOut]


class PrivatePageIn(RequestBody):
    name: str = Field(max_length=1000)
    slug: str = Field("", max_length=1000)
    description: str = Field("", max_length=10_000)
    members: list[str] = Field(default_factory=list, max_length=500, description="Emails")
    shared_components: list[int] = Field(
        default_factory=list, max_length=500, description="Public components also shown"
    )


class MemberIn(RequestBody):
    email: str = Field(max_length=1000)


class PrivatePageOut(Schema):
    name: str
    slug: str
    url: str
    secret_link: str | None = Field(description="Anyone with it can read the page; null: off")
    members: list[str]
    components: list[int]
    shared_components: list[int]


def _page_out(request, page) -> dict:
    url = request.build_absolute_uri(page.get_absolute_url())
    return {
        "name": page.name,
        "slug": page.slug,
        "url": url,
        "secret_link": f"{url}?key={page.link_token}" if page.link_token else None,
        "members": sorted(page.members.values_list("email", flat=True)),
        "components": list(page.own_components.values_list("pk", flat=True)),
        "shared_components": list(page.shared_components.values_list("pk", flat=True)),
    }


@router.get(
    "/private-status/{slug}",
    response=PrivateStatusOut,
    auth=ANYONE,
    summary="A private status page (its members and staff, or `key` = its secret link's key)",
)
def private_status(request, slug: str, response: HttpResponse, key: Query[str | None] = None):
    page = private_pages.page_for_reader(slug, user=request.user, key=key)
    response["Cache-Control"] = "private, no-store"
    return private_pages.summary(page)


@router.post(
    "/private-status",
    response={201: PrivatePageOut},
    auth=SIGNED_IN,
    summary="Create a private status page (staff)",
)
def create_private_page(request, payload: PrivatePageIn):
    page = private_pages.create_private_page(
        actor=request.user,
        name=payload.name,
        slug=payload.slug,
        description=payload.description,
        member_emails=payload.members,
        shared_component_ids=payload.shared_components,
    )
    return 201, _page_out(request, page)


@router.post(
    "/private-status/{slug}/members",
    response=PrivatePageOut,
    auth=SIGNED_IN,
    summary="Let a named person read a private status page (staff)",
)
def add_private_member(request, slug: str, payload: MemberIn):
    page = private_pages.add_member(actor=request.user, slug=slug, email=payload.email)
    return _page_out(request, page)


@router.post(
    "/private-status/{slug}/members/remove",
    response=PrivatePageOut,
    auth=SIGNED_IN,
    summary="Stop a named person reading a private status page, at once (staff)",
)
def remove_private_member(request, slug: str, payload: MemberIn):
    page = private_pages.remove_member(actor=request.user, slug=slug, email=payload.email)
    return _page_out(request, page)


@router.post(
    "/private-status/{slug}/link",
    response=PrivatePageOut,
    auth=SIGNED_IN,
    summary="A new secret link for a private status page; the old one stops working (staff)",
)
def rotate_private_link(request, slug: str):
    page = private_pages.rotate_link(actor=request.user, slug=slug)
    return _page_out(request, page)


@router.delete(
    "/private-status/{slug}/link",
    response=PrivatePageOut,
    auth=SIGNED_IN,
    summary="Turn a private status page's secret link off (staff)",
)
def revoke_private_link(request, slug: str):
    page = private_pages.revoke_link(actor=request.user, slug=slug)
    return _page_out(request, page)
