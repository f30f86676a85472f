"""Every write on the status page: components, incidents and their updates,
postmortems, maintenance, customer comments, "affects me too", subscriptions.

Every write bumps the status version in its own transaction, so no app server
serves a cached page older than the write (see caching.py).
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from frankly.access import require_signed_in, require_staff
from frankly.errors import Conflict, Invalid, NotFound
from frankly.incidents.caching import bump_status_version
from frankly.incidents.models import (
    AffectedReport,
    Component,
    ComponentGroup,
    ComponentStatus,
    ComponentStatusChange,
    Impact,
    Incident,
    IncidentComment,
    IncidentState,
    IncidentUpdate,
    Maintenance,
    MaintenanceState,
    Postmortem,
)
from frankly.incidents.private_pages import is_member_or_staff, page_by_slug
from frankly.markdown import render_markdown
from frankly.notify import events
from frankly.transparency.canonical import canonical_json
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.revisions import record_revision
from frankly.validation import parse_id


def _text(value: str, *, field: str, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise Invalid(f"The {what} contains a NUL character (\\0). Remove it.", field=field)
    if required and not value:
        raise Invalid(f"The {what} is empty. Write something first.", field=field)
    if len(value) > limit:
        raise Invalid(f"Keep the {what} under {limit:,} characters.", field=field)
    return value


def _title(value: str) -> str:
    return _text(" ".join((value or "").split()), field="title", what="title", limit=160)


def _get(model, object_id, *, what: str, for_update: bool = False):
    pk = parse_id(object_id)
    queryset = model.objects.select_for_update() if for_update else model.objects
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(f"There is no {what} #{object_id}.")
    return found


def get_incident(incident_id, *, for_update: bool = False) -> Incident:
    return _get(Incident, incident_id, what="incident", for_update=for_update)


def _component_statuses(raw: dict | None, *, private_page=None) -> dict[Component, str]:
    """Validate {component id: status} into components and statuses; the components
    must be public, or the given private page's own."""
    result = {}
    if not isinstance(raw, dict | None):
        raise Invalid(
            "Give component statuses as {component id: status}.", field="component_statuses"
        )
    for key, status in (raw or {}).items():
        try:
            component = _get(Component, key, what="component", for_update=True)
            _same_page(component, private_page)
        except NotFound as exc:
            # A wrong id in the request body is bad input (422), like one in
            # ``components``; 404 would say the incident itself is missing.
            raise Invalid(exc.message, field="component_statuses") from exc
        if status not in ComponentStatus.values:
            raise Invalid(
                f"'{status}' is not a component status. Choose one of: "
                f"{', '.join(ComponentStatus.values)}.",
                field="component_statuses",
            )
        result[component] = status
    return result


def _same_page(component: Component, private_page) -> None:
    """A public write names public components; a private page's, only its own. To the
    public a private component does not exist."""
    wanted = private_page.pk if private_page is not None else None
    if component.private_page_id != wanted:
        where = f" on the private page '{private_page.slug}'" if private_page else ""
        raise NotFound(f"There is no component #{component.pk}{where}.")


def _components(ids: Iterable, *, private_page=None) -> list[Component]:
    ids = list(ids or [])
    parsed = [parse_id(i) for i in ids]
    if any(p is None for p in parsed):
        raise Invalid("Component ids are whole numbers.", field="components")
    page_id = private_page.pk if private_page is not None else None
    found = list(Component.objects.filter(pk__in=parsed, private_page_id=page_id))
    missing = sorted(set(parsed) - {c.pk for c in found})
    if missing:
        raise Invalid(f"There is no component #{missing[0]}.", field="components")
    return found


def set_status(
    component: Component,
    status: str,
    *,
    at: datetime,
    incident=None,
    update=None,
    maintenance=None,
) -> bool:
    """Record a component's new status (no-op when unchanged). Call inside a transaction."""
    if component.status == status:
        return False
    component.status = status
    component.save(update_fields=["status"])
    ComponentStatusChange.objects.create(
        component=component,
        status=status,
        started_at=at,
        incident=incident,
        update=update,
        maintenance=maintenance,
    )
    return True


@transaction.atomic
def create_component(
    *,
    actor,
    name: str,
    description: str = "",
    group: str = "",
    position: int = 0,
    private_page: str = "",
) -> Component:
    """Add a component to the status page, or to one private page only (staff); it
    starts operational."""
    require_staff(actor)
    page = page_by_slug(private_page) if private_page else None
    name = _text(" ".join((name or "").split()), field="name", what="name", limit=80)
    description = _text(
        description, field="description", what="description", limit=300, required=False
    )
    if Component.objects.filter(name__iexact=name).exists():
        raise Conflict(f"There is already a component called '{name}'.")
    group_obj = None
    group = " ".join((group or "").split())
    if group:
        group_obj, _ = ComponentGroup.objects.get_or_create(
            name=group[:80], defaults={"position": ComponentGroup.objects.count()}
        )
    now = timezone.now()
    component = Component.objects.create(
        name=name,
        description=description,
        group=group_obj,
        position=position,
        created_at=now,
        private_page=page,
    )
    ComponentStatusChange.objects.create(
        component=component, status=component.status, started_at=now
    )
    bump_status_version()
    return component


@transaction.atomic
def change_component_status(*, actor, component_id, status: str) -> Component:
    """Set a component's status by hand (staff), outside any incident."""
    require_staff(actor)
    component = _get(Component, component_id, what="component", for_update=True)
    statuses = _component_statuses({component.pk: status}, private_page=component.private_page)
    if set_status(component, statuses[component], at=timezone.now()):
        bump_status_version()
    return component


def _public_body(incident: Incident, body: dict) -> dict:
    """The ledger is public: a private page's statement is committed to by its hash
    only, which its audience can check against what they were shown."""
    if not incident.private_page_id:
        return body
    return {"private": True, "sha256": hashlib.sha256(canonical_json(body).encode()).hexdigest()}


def _ledger_update(update: IncidentUpdate, kind: str) -> None:
    incident = update.incident
    body = {
        "incident": incident.pk,
        "incident_title": incident.title,
        "state": update.state,
        "text": update.body,
        "impact": incident.impact,
        "component_statuses": update.component_statuses,
    }
    append_to_ledger(
        kind=kind,
        object_type="incident_update",
        object_id=update.pk,
        object_url=update.get_absolute_url(),
        body=_public_body(incident, body),
    )


def _mail_subscribers_later(update: IncidentUpdate) -> None:
    from frankly.incidents.tasks import email_incident_update

    transaction.on_commit(lambda: email_incident_update.enqueue(update.pk))


def _apply_update(
    incident: Incident, *, actor, state: str, body: str, component_statuses: dict | None
) -> IncidentUpdate:
    if state not in IncidentState.values:
        raise Invalid(
            f"'{state}' is not an incident state. Choose one of: "
            f"{', '.join(IncidentState.values)}.",
            field="state",
        )
    body = _text(body, field="body", what="update", limit=10_000)
    statuses = _component_statuses(component_statuses, private_page=incident.private_page)
    now = timezone.now()
    if state == IncidentState.RESOLVED:
        # Resolving puts the incident's components back to operational unless the
        # update says otherwise.
        for component in incident.components.select_for_update():
            statuses.setdefault(component, ComponentStatus.OPERATIONAL)
    update = IncidentUpdate.objects.create(
        incident=incident,
        state=state,
        body=body,
        body_html=render_markdown(body),
        author=actor,
        created_at=now,
        component_statuses={str(c.pk): s for c, s in statuses.items()},
    )
    for component, status in statuses.items():
        set_status(component, status, at=now, incident=incident, update=update)
    incident.components.add(*statuses.keys())
    incident.state, incident.updated_at = state, now
    incident.resolved_at = now if state == IncidentState.RESOLVED else None
    incident.save(update_fields=["state", "updated_at", "resolved_at"])
    _ledger_update(update, "incident.update")
    bump_status_version()
    if incident.private_page_id:
        # Status mail and webhooks go to public audiences: a private page's audience
        # reads its page, feed or API.
        return update
    _mail_subscribers_later(update)
    events.webhook_event(
        "incident.updated",
        {
            "incident": {
                "id": incident.pk,
                "title": incident.title,
                "impact": incident.impact,
                "state": state,
                "url": incident.get_absolute_url(),
            },
            "update": {
                "id": update.pk,
                "body": update.body,
                "component_statuses": update.component_statuses,
            },
        },
    )
    return update


@transaction.atomic
def open_incident(
    *,
    actor,
    title: str,
    impact: str,
    body: str,
    state: str = IncidentState.INVESTIGATING,
    components: Iterable = (),
    component_statuses: dict | None = None,
    private_page: str = "",
) -> Incident:
    """Open an incident with its first update (staff); on the public record, or on one
    private page only when ``private_page`` names it."""
    require_staff(actor)
    page = page_by_slug(private_page) if private_page else None
    if impact not in Impact.values:
        raise Invalid(
            f"'{impact}' is not an impact. Choose one of: {', '.join(Impact.values)}.",
            field="impact",
        )
    if state == IncidentState.RESOLVED:
        raise Invalid(
            "A new incident cannot start resolved; post its first update first.", field="state"
        )
    incident = Incident.objects.create(
        title=_title(title), impact=impact, created_by=actor, state=state, private_page=page
    )
    incident.components.set(_components(components, private_page=page))
    _apply_update(
        incident, actor=actor, state=state, body=body, component_statuses=component_statuses
    )
    return incident


@transaction.atomic
def post_incident_update(
    *, actor, incident_id, state: str, body: str, component_statuses: dict | None = None
) -> IncidentUpdate:
    """Add an update to an incident, changing component statuses in the same step (staff)."""
    require_staff(actor)
    incident = get_incident(incident_id, for_update=True)
    return _apply_update(
        incident, actor=actor, state=state, body=body, component_statuses=component_statuses
    )


@transaction.atomic
def edit_incident_update(*, actor, update_id, body: str, reason: str = "") -> IncidentUpdate:
    """Correct an update's text (staff): the old text stays in its public history and the
    correction goes on the public record."""
    require_staff(actor)
    update = _get(IncidentUpdate, update_id, what="incident update", for_update=True)
    body = _text(body, field="body", what="update", limit=10_000)
    if body == update.body:
        return update
    record_revision(
        object_type="incident_update",
        object_id=update.pk,
        editor=actor,
        old={"body": update.body},
        new={"body": body},
        reason=reason,
    )
    update.body, update.body_html = body, render_markdown(body)
    update.edited_at = timezone.now()
    update.save(update_fields=["body", "body_html", "edited_at"])
    _ledger_update(update, "incident.update_edited")
    bump_status_version()
    return update


@transaction.atomic
def publish_postmortem(
    *,
    actor,
    incident_id,
    what_happened: str,
    impact: str,
    root_cause: str,
    changes: str,
    reason: str = "",
) -> Postmortem:
    """Publish (or revise) the postmortem of a resolved incident (staff), on the record."""
    require_staff(actor)
    incident = get_incident(incident_id, for_update=True)
    if not incident.is_resolved:
        raise Conflict("Publish the postmortem after the incident is resolved.")
    fields = {
        "what_happened": _text(
            what_happened, field="what_happened", what="account of what happened", limit=20_000
        ),
        "impact": _text(impact, field="impact", what="impact", limit=10_000),
        "root_cause": _text(root_cause, field="root_cause", what="root cause", limit=10_000),
        "changes": _text(changes, field="changes", what="list of changes", limit=10_000),
    }
    html = render_markdown(
        f"## What happened\n\n{fields['what_happened']}\n\n## Impact\n\n{fields['impact']}\n\n"
        f"## Root cause\n\n{fields['root_cause']}\n\n## What we will change\n\n"
        f"{fields['changes']}"
    )
    postmortem = Postmortem.objects.filter(incident=incident).first()
    if postmortem is None:
        postmortem = Postmortem.objects.create(
            incident=incident, author=actor, body_html=html, **fields
        )
        kind = "incident.postmortem"
    else:
        old = {k: getattr(postmortem, k) for k in fields}
        if old == fields:
            return postmortem
        record_revision(
            object_type="postmortem",
            object_id=postmortem.pk,
            editor=actor,
            old=old,
            new=fields,
            reason=reason,
        )
        for key, value in fields.items():
            setattr(postmortem, key, value)
        postmortem.body_html, postmortem.edited_at = html, timezone.now()
        postmortem.save()
        kind = "incident.postmortem_edited"
    append_to_ledger(
        kind=kind,
        object_type="postmortem",
        object_id=postmortem.pk,
        object_url=f"{incident.get_absolute_url()}#postmortem",
        body=_public_body(
            incident, {"incident": incident.pk, "incident_title": incident.title, **fields}
        ),
    )
    bump_status_version()
    return postmortem


@transaction.atomic
def schedule_maintenance(
    *,
    actor,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    components: Iterable,
    description: str = "",
    component_statuses: dict | None = None,
) -> Maintenance:
    """Announce a maintenance window (staff); each component switches to its status for
    the work ("under maintenance" unless ``component_statuses`` says otherwise) when it
    starts and back to operational when it ends."""
    require_staff(actor)
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise Invalid("Give the start and end as date and time.", field="starts_at")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise Invalid(
            "Give the times with a time zone, e.g. 2026-12-01T02:00:00Z.", field="starts_at"
        )
    if ends_at <= starts_at:
        raise Invalid("The maintenance must end after it starts.", field="ends_at")
    component_objs = _components(components)
    statuses = {c: ComponentStatus.UNDER_MAINTENANCE for c in component_objs}
    for component, status in _component_statuses(component_statuses).items():
        if status == ComponentStatus.OPERATIONAL:
            raise Invalid(
                f"'{component.name}' would stay operational: leave it out of the "
                "maintenance, or choose the status it has during the work.",
                field="component_statuses",
            )
        statuses[component] = status  # models compare by primary key
    if not statuses:
        raise Invalid("Choose at least one component the maintenance affects.", field="components")
    description = _text(
        description, field="description", what="description", limit=10_000, required=False
    )
    maintenance = Maintenance.objects.create(
        title=_title(title),
        description=description,
        description_html=render_markdown(description),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
        component_statuses={str(c.pk): status for c, status in statuses.items()},
    )
    maintenance.components.set(list(statuses))
    append_to_ledger(
        kind="maintenance.scheduled",
        object_type="maintenance",
        object_id=maintenance.pk,
        object_url=maintenance.get_absolute_url(),
        body={
            "title": maintenance.title,
            "description": description,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "components": sorted(c.name for c in statuses),
            "component_statuses": maintenance.component_statuses,
        },
    )
    advance_maintenance()
    bump_status_version()
    return maintenance


@transaction.atomic
def cancel_maintenance(*, actor, maintenance_id) -> Maintenance:
    """Call off a scheduled maintenance (staff)."""
    require_staff(actor)
    maintenance = _get(Maintenance, maintenance_id, what="maintenance", for_update=True)
    if maintenance.state != MaintenanceState.SCHEDULED:
        raise Conflict("Only a maintenance that has not started can be cancelled.")
    maintenance.state = MaintenanceState.CANCELLED
    maintenance.save(update_fields=["state"])
    bump_status_version()
    return maintenance


def _maintenance_due(now: datetime) -> bool:
    # Plain SQL: this runs on every status request, and building the query with the
    # ORM cost more than running it (bench/).
    table = Maintenance._meta.db_table
    db = connections[router.db_for_read(Maintenance)]  # plain SQL skips the routers
    moment = db.ops.adapt_datetimefield_value(now)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE (state = %s AND starts_at <= %s) "  # noqa: S608
            "OR (state = %s AND ends_at <= %s) LIMIT 1",
            [MaintenanceState.SCHEDULED, moment, MaintenanceState.IN_PROGRESS, moment],
        )
        return cursor.fetchone() is not None


def advance_maintenance(now: datetime | None = None) -> int:
    """Start maintenance windows that are due and finish those that are over.

    Cheap when nothing is due (one indexed query), so the status page calls it on
    every request as well as the worker; returns how many windows changed.
    """
    now = now or timezone.now()
    if not _maintenance_due(now):
        return 0
    due = Maintenance.objects.filter(
        state=MaintenanceState.SCHEDULED, starts_at__lte=now
    ) | Maintenance.objects.filter(state=MaintenanceState.IN_PROGRESS, ends_at__lte=now)
    changed = 0
    with transaction.atomic():
        for maintenance in due.select_for_update().order_by("starts_at"):
            components = list(maintenance.components.select_for_update())
            planned = maintenance.component_statuses or {}

            def status_during(component, planned=planned):
                return planned.get(str(component.pk), ComponentStatus.UNDER_MAINTENANCE)

            if maintenance.state == MaintenanceState.SCHEDULED:
                maintenance.state = MaintenanceState.IN_PROGRESS
                for component in components:
                    # A component already in trouble keeps what the incident says.
                    if component.status == ComponentStatus.OPERATIONAL:
                        set_status(
                            component,
                            status_during(component),
                            at=maintenance.starts_at,
                            maintenance=maintenance,
                        )
            if maintenance.state == MaintenanceState.IN_PROGRESS and maintenance.ends_at <= now:
                maintenance.state = MaintenanceState.COMPLETED
                for component in components:
                    if component.status == status_during(component):
                        set_status(
                            component,
                            ComponentStatus.OPERATIONAL,
                            at=maintenance.ends_at,
                            maintenance=maintenance,
                        )
            maintenance.save(update_fields=["state"])
            changed += 1
        bump_status_version()
    return changed


def _refuse_outsiders(incident: Incident, user) -> None:
    """A private page's incident does not exist for people outside its audience."""
    if incident.private_page_id and not is_member_or_staff(incident.private_page, user):
        raise NotFound(f"There is no incident #{incident.pk}.")


@transaction.atomic
def add_incident_comment(*, author, incident_id, body: str) -> IncidentComment:
    """A customer (or staff) answers back on an incident; it stays visible."""
    require_signed_in(author)
    incident = get_incident(incident_id, for_update=True)
    _refuse_outsiders(incident, author)
    body = _text(body, field="body", what="comment", limit=10_000)
    comment = IncidentComment.objects.create(
        incident=incident,
        author=author,
        author_was_staff=author.is_staff,
        body=body,
        body_html=render_markdown(body),
    )
    Incident.objects.filter(pk=incident.pk).update(comment_count=F("comment_count") + 1)
    bump_status_version()
    return comment


@transaction.atomic
def report_affected(*, user, incident_id, affected: bool = True) -> Incident:
    """Say "this affects me too" (or take it back); counted once per person."""
    require_signed_in(user)
    incident = get_incident(incident_id, for_update=True)
    _refuse_outsiders(incident, user)
    if affected:
        if incident.is_resolved:
            raise Conflict("This incident is resolved.")
        try:
            with transaction.atomic():
                AffectedReport.objects.create(incident=incident, user=user)
        except IntegrityError:
            return incident
        delta = 1
    else:
        deleted, _ = AffectedReport.objects.filter(incident=incident, user=user).delete()
        if not deleted:
            return incident
        delta = -1
    Incident.objects.filter(pk=incident.pk).update(affected_count=F("affected_count") + delta)
    incident.refresh_from_db(fields=["affected_count"])
    return incident
