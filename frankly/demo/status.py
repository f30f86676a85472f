"""The demo's status page: components with four months of history, two resolved
incidents (one with a postmortem, one outage across midnight), one ongoing incident
with three updates and customer comments, and upcoming maintenance.

Written through the incident services, then moved into the past like the board.
"""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from frankly.incidents import services
from frankly.incidents.models import (
    Component,
    ComponentStatusChange,
    Incident,
    IncidentComment,
    IncidentUpdate,
    Maintenance,
    Postmortem,
)

COMPONENTS = [
    ("API", "REST API", "api.acme.example"),
    ("API", "Webhooks", "Event deliveries to your endpoints"),
    ("Dashboard", "Web dashboard", "console.acme.example"),
    ("Dashboard", "Mobile app", "iOS and Android"),
    ("EU region", "Compute (eu-west)", "Instances in Dublin"),
    ("EU region", "Object storage (eu-west)", ""),
    ("EU region", "Databases (eu-west)", "Managed PostgreSQL and Redis"),
    ("", "Billing", "Invoices and payments"),
]


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.now().astimezone(UTC).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _backdate(incident: Incident, times: list[datetime]) -> None:
    """Move an incident's updates (oldest first) and its status changes to ``times``."""
    updates = list(IncidentUpdate.objects.filter(incident=incident).order_by("created_at", "id"))
    for update, moment in zip(updates, times, strict=True):
        IncidentUpdate.objects.filter(pk=update.pk).update(created_at=moment)
        ComponentStatusChange.objects.filter(update=update).update(started_at=moment)
    resolved = times[-1] if incident.state == "resolved" else None
    Incident.objects.filter(pk=incident.pk).update(
        created_at=times[0], updated_at=times[-1], resolved_at=resolved
    )


def build_status_demo(*, staff, customers: list) -> None:
    start = timezone.now() - timedelta(days=120)
    by_name = {}
    for group, name, description in COMPONENTS:
        component = services.create_component(
            actor=staff, name=name, group=group, description=description
        )
        Component.objects.filter(pk=component.pk).update(created_at=start)
        ComponentStatusChange.objects.filter(component=component).update(started_at=start)
        by_name[name] = component

    slow = services.open_incident(
        actor=staff,
        title="Slow dashboard loading",
        impact="minor",
        body="Dashboard pages take 10 to 20 seconds to load. We are looking into it.",
        components=[by_name["Web dashboard"].pk],
        component_statuses={by_name["Web dashboard"].pk: "degraded_performance"},
    )
    services.post_incident_update(
        actor=staff,
        incident_id=slow.pk,
        state="resolved",
        body="A slow database query on the overview page is fixed. Pages load normally.",
    )
    _backdate(slow, [_at(65, 9, 10), _at(65, 11, 5)])

    storage = services.open_incident(
        actor=staff,
        title="Object storage errors in eu-west",
        impact="major",
        body="Uploads and downloads in eu-west fail with HTTP 503 for many customers.",
        components=[by_name["Object storage (eu-west)"].pk],
        component_statuses={by_name["Object storage (eu-west)"].pk: "major_outage"},
    )
    services.post_incident_update(
        actor=staff,
        incident_id=storage.pk,
        state="identified",
        body="A storage node ran out of file handles after a configuration change. "
        "We are rolling the change back.",
        component_statuses={by_name["Object storage (eu-west)"].pk: "partial_outage"},
    )
    services.post_incident_update(
        actor=staff,
        incident_id=storage.pk,
        state="resolved",
        body="The rollback is complete and error rates are back to normal. No data was lost.",
    )
    _backdate(storage, [_at(40, 23, 20), _at(39, 0, 15), _at(39, 1, 5)])
    services.publish_postmortem(
        actor=staff,
        incident_id=storage.pk,
        what_happened="From 23:20 to 01:05 UTC, about 40% of object storage requests in "
        "eu-west failed with HTTP 503.",
        impact="Uploads and downloads failed or were retried. No stored object was lost or "
        "changed.",
        root_cause="A configuration change lowered the open-file limit on storage nodes. Under "
        "the nightly backup load, nodes ran out of file handles and refused connections.",
        changes="- Configuration changes to storage nodes now go through a canary node first "
        "(done).\n- An alert on file-handle use above 80% (by the end of next month).",
    )

    webhooks = services.open_incident(
        actor=staff,
        title="Webhook deliveries delayed",
        impact="minor",
        body="Webhook deliveries are arriving up to 15 minutes late.",
        components=[by_name["Webhooks"].pk],
        component_statuses={by_name["Webhooks"].pk: "partial_outage"},
    )
    services.post_incident_update(
        actor=staff,
        incident_id=webhooks.pk,
        state="resolved",
        body="The delivery queue has caught up; every delayed webhook was delivered.",
    )
    _backdate(webhooks, [_at(12, 14, 30), _at(12, 15, 20)])

    ongoing = services.open_incident(
        actor=staff,
        title="Elevated error rates on the REST API",
        impact="major",
        body="About 5% of API requests fail with HTTP 500. We are investigating.",
        components=[by_name["REST API"].pk],
        component_statuses={by_name["REST API"].pk: "partial_outage"},
    )
    services.post_incident_update(
        actor=staff,
        incident_id=ongoing.pk,
        state="identified",
        body="The errors come from one overloaded database replica. We are moving its "
        "traffic to the others.",
    )
    services.post_incident_update(
        actor=staff,
        incident_id=ongoing.pk,
        state="monitoring",
        body="Traffic is moved and the error rate is down to 0.1%. We are watching it.",
        component_statuses={by_name["REST API"].pk: "degraded_performance"},
    )
    now = timezone.now()
    _backdate(
        ongoing,
        [now - timedelta(minutes=52), now - timedelta(minutes=31), now - timedelta(minutes=9)],
    )
    for author, text, minutes in (
        (
            customers[0],
            "Our deploy pipeline fails on `POST /v1/instances`. Thanks for the quick notice.",
            45,
        ),
        (customers[1], "Still seeing a few 500s on `GET /v1/volumes` from eu-west.", 20),
        (customers[2], "Would be good to know whether retries are safe here.", 12),
    ):
        comment = services.add_incident_comment(author=author, incident_id=ongoing.pk, body=text)
        IncidentComment.objects.filter(pk=comment.pk).update(
            created_at=now - timedelta(minutes=minutes)
        )
    for person in customers[:4]:
        services.report_affected(user=person, incident_id=ongoing.pk)

    services.schedule_maintenance(
        actor=staff,
        title="Database upgrade to PostgreSQL 17",
        description="Managed databases in eu-west restart once, for less than a minute each, "
        "during this window.",
        starts_at=_at(-3, 2),
        ends_at=_at(-3, 3),
        components=[by_name["Databases (eu-west)"].pk],
    )
    assert Maintenance.objects.count() == 1 and Postmortem.objects.count() == 1
