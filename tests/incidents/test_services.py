"""Incident services: the lifecycle from investigating to resolved, edits and
postmortems on the public record, maintenance windows, and who may write."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from frankly.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from frankly.incidents import services
from frankly.incidents.models import (
    AffectedReport,
    Component,
    ComponentStatusChange,
    Incident,
    IncidentUpdate,
    Maintenance,
    Postmortem,
)
from frankly.transparency.models import LedgerEntry, Revision
from tests.incidents.conftest import reload, snapshot

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 6, 1, 2, 0, tzinfo=UTC)  # maintenance windows, far in the future


def ledger(kind: str) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(kind=kind).order_by("seq"))


def status_history(component: Component) -> list[str]:
    return list(
        ComponentStatusChange.objects.filter(component=component)
        .order_by("started_at", "id")
        .values_list("status", flat=True)
    )


# The lifecycle


def test_an_incident_moves_to_resolved_changing_component_statuses_in_the_same_step(
    staff, api, webhooks, dashboard
):
    incident = services.open_incident(
        actor=staff,
        title="  Elevated   error rates ",
        impact="major",
        body="About 5% of API requests fail.",
        components=[api.pk, webhooks.pk],
        component_statuses={str(api.pk): "major_outage"},
    )
    first = incident.updates.get()
    assert (incident.title, incident.state, incident.resolved_at) == (
        "Elevated error rates",
        "investigating",
        None,
    )
    assert set(incident.components.all()) == {api, webhooks}
    assert (reload(api).status, reload(webhooks).status) == ("major_outage", "operational")
    assert ComponentStatusChange.objects.get(component=api, status="major_outage").update == first

    identified = services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="identified",
        body="One overloaded replica.",
        component_statuses={str(api.pk): "partial_outage"},
    )
    assert reload(api).status == "partial_outage"
    assert reload(incident).state == "identified"
    assert identified.component_statuses == {str(api.pk): "partial_outage"}
    assert ComponentStatusChange.objects.get(update=identified).status == "partial_outage"

    services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="monitoring",
        body="Traffic moved; watching.",
        component_statuses={api.pk: "degraded_performance"},
    )
    assert reload(api).status == "degraded_performance"
    assert reload(incident).state == "monitoring"

    resolved = services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="resolved", body="Back to normal."
    )
    incident.refresh_from_db()
    assert incident.state == "resolved" and incident.is_resolved
    assert incident.resolved_at == resolved.created_at
    # Resolving with no statuses puts every component of the incident back to operational.
    assert (reload(api).status, reload(webhooks).status) == ("operational", "operational")
    assert resolved.component_statuses == {
        str(api.pk): "operational",
        str(webhooks.pk): "operational",
    }
    assert status_history(api) == [
        "operational",
        "major_outage",
        "partial_outage",
        "degraded_performance",
        "operational",
    ]
    assert status_history(webhooks) == ["operational"]  # never changed, no fake change stored
    assert reload(dashboard).status == "operational"
    assert status_history(dashboard) == ["operational"]

    entries = ledger("incident.update")
    updates = list(incident.updates.order_by("created_at", "id"))
    assert len(updates) == 4
    assert [e.object_id for e in entries] == [str(u.pk) for u in updates]
    assert [json.loads(e.body)["state"] for e in entries] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]
    assert json.loads(entries[1].body)["component_statuses"] == {str(api.pk): "partial_outage"}
    assert entries[0].object_type == "incident_update"
    assert entries[0].object_url == f"/status/incidents/{incident.pk}/#update-{updates[0].pk}"


def test_resolving_keeps_the_statuses_the_update_gives(staff, incident, api, webhooks):
    services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="resolved",
        body="Errors are gone; responses are still a little slow.",
        component_statuses={str(api.pk): "degraded_performance"},
    )
    assert (reload(api).status, reload(webhooks).status) == ("degraded_performance", "operational")


def test_reopening_a_resolved_incident_clears_its_resolution_time(staff, incident):
    services.post_incident_update(actor=staff, incident_id=incident.pk, state="resolved", body="Ok")
    assert reload(incident).resolved_at is not None
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="investigating", body="It is back."
    )
    assert (reload(incident).state, incident.resolved_at) == ("investigating", None)


def test_an_update_may_bring_in_a_component_not_listed_before(staff, incident, dashboard):
    services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="identified",
        body="The dashboard is affected too.",
        component_statuses={str(dashboard.pk): "partial_outage"},
    )
    assert dashboard in incident.components.all()
    assert reload(dashboard).status == "partial_outage"


def test_editing_an_update_keeps_the_old_text_and_goes_on_the_record(staff, incident):
    update = incident.updates.get()
    edited = services.edit_incident_update(
        actor=staff, update_id=update.pk, body="About 8% of API requests fail.", reason="Typo"
    )
    assert edited.body == "About 8% of API requests fail."
    assert "8%" in edited.body_html and edited.edited_at is not None
    revision = Revision.objects.get(object_type="incident_update", object_id=update.pk)
    assert revision.old == {"body": "About 5% of API requests fail. We are investigating."}
    assert revision.new == {"body": "About 8% of API requests fail."}
    assert (revision.editor, revision.reason, revision.editor_was_staff) == (staff, "Typo", True)
    [entry] = ledger("incident.update_edited")
    assert entry.object_id == str(update.pk)
    assert json.loads(entry.body)["text"] == "About 8% of API requests fail."

    # The same text again is not an edit: no revision, nothing more on the record.
    services.edit_incident_update(actor=staff, update_id=update.pk, body=edited.body)
    assert Revision.objects.filter(object_type="incident_update").count() == 1
    assert len(ledger("incident.update_edited")) == 1


POSTMORTEM = {
    "what_happened": "From 23:20 to 01:05 UTC, 40% of requests failed.",
    "impact": "Uploads failed; no data was lost.",
    "root_cause": "A configuration change lowered the open-file limit.",
    "changes": "- Canary node first (done).",
}


def test_a_postmortem_waits_until_the_incident_is_resolved(staff, incident):
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        services.publish_postmortem(actor=staff, incident_id=incident.pk, **POSTMORTEM)
    assert refused.value.status == 409
    assert "after the incident is resolved" in refused.value.message
    assert snapshot() == before


def test_a_published_postmortem_is_on_the_record_and_revisions_are_kept(staff, incident):
    services.post_incident_update(actor=staff, incident_id=incident.pk, state="resolved", body="Ok")
    postmortem = services.publish_postmortem(actor=staff, incident_id=incident.pk, **POSTMORTEM)
    assert Postmortem.objects.get(incident=incident) == postmortem
    assert "open-file limit" in postmortem.body_html and "<h2>Root cause</h2>" in (
        postmortem.body_html
    )
    [entry] = ledger("incident.postmortem")
    assert entry.object_id == str(postmortem.pk)
    assert json.loads(entry.body)["root_cause"] == POSTMORTEM["root_cause"]

    # Publishing the same text again changes nothing.
    services.publish_postmortem(actor=staff, incident_id=incident.pk, **POSTMORTEM)
    assert not Revision.objects.filter(object_type="postmortem").exists()
    assert not ledger("incident.postmortem_edited")

    changed = {**POSTMORTEM, "root_cause": "A configuration change lowered the file limit."}
    services.publish_postmortem(
        actor=staff, incident_id=incident.pk, reason="More precise", **changed
    )
    revision = Revision.objects.get(object_type="postmortem", object_id=postmortem.pk)
    assert revision.old == {"root_cause": POSTMORTEM["root_cause"]}
    assert revision.new == {"root_cause": changed["root_cause"]}
    assert revision.reason == "More precise"
    assert reload(postmortem).root_cause == changed["root_cause"]
    assert postmortem.edited_at is not None
    [edit] = ledger("incident.postmortem_edited")
    assert json.loads(edit.body)["root_cause"] == changed["root_cause"]
    assert Postmortem.objects.count() == 1


# Bad input is refused with a message, and nothing is stored


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda api: {"title": "   "}, "title"),
        (lambda api: {"title": "x" * 161}, "title"),
        (lambda api: {"body": ""}, "body"),
        (lambda api: {"body": "nul \x00 byte"}, "body"),
        (lambda api: {"impact": "catastrophic"}, "impact"),
        (lambda api: {"state": "resolved"}, "state"),
        (lambda api: {"state": "panicking"}, "state"),
        (lambda api: {"components": [987654321]}, "components"),
        (lambda api: {"components": ["api"]}, "components"),
        (lambda api: {"component_statuses": {"API": "major_outage"}}, "component_statuses"),
        (lambda api: {"component_statuses": {"987654321": "major_outage"}}, "component_statuses"),
        (
            lambda api: {"component_statuses": {"99999999999999999999": "major_outage"}},
            "component_statuses",
        ),
        (lambda api: {"component_statuses": {str(api.pk): "on_fire"}}, "component_statuses"),
    ],
)
def test_opening_an_incident_refuses_bad_input(staff, api, changes, field):
    arguments = {
        "title": "API errors",
        "impact": "minor",
        "body": "We are looking.",
        "components": [api.pk],
        **changes(api),
    }
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        services.open_incident(actor=staff, **arguments)
    assert refused.value.status == 422
    assert refused.value.field == field
    assert refused.value.message.endswith(".")
    assert snapshot() == before


def test_an_update_to_an_unknown_incident_is_not_found(staff):
    for incident_id in (987654321, "99999999999999999999", 0, -1, "1; drop table"):
        with pytest.raises(NotFound):
            services.post_incident_update(
                actor=staff, incident_id=incident_id, state="identified", body="Hi"
            )


def test_a_component_name_is_unique_whatever_its_case(staff, api):
    with pytest.raises(Conflict):
        services.create_component(actor=staff, name="rest api")
    assert Component.objects.count() == 1


# Maintenance


def test_scheduling_maintenance_validates_its_window_and_components(staff, api):
    good = {"title": "Database upgrade", "starts_at": T0, "ends_at": T0 + timedelta(hours=1)}
    cases = [
        ({**good, "ends_at": T0}, "ends_at", "end after it starts"),
        ({**good, "ends_at": T0 - timedelta(minutes=1)}, "ends_at", "end after it starts"),
        ({**good, "starts_at": T0.replace(tzinfo=None)}, "starts_at", "time zone"),
        ({**good, "ends_at": (T0 + timedelta(hours=1)).replace(tzinfo=None)}, "starts_at", "zone"),
        ({**good, "starts_at": "tomorrow"}, "starts_at", "date and time"),
    ]
    before = snapshot()
    for arguments, field, words in cases:
        with pytest.raises(Invalid) as refused:
            services.schedule_maintenance(actor=staff, components=[api.pk], **arguments)
        assert (refused.value.status, refused.value.field) == (422, field)
        assert words in refused.value.message
    with pytest.raises(Invalid) as refused:
        services.schedule_maintenance(actor=staff, components=[], **good)
    assert refused.value.field == "components" and "at least one" in refused.value.message
    with pytest.raises(Invalid):
        services.schedule_maintenance(actor=staff, components=[987654321], **good)
    assert snapshot() == before

    maintenance = services.schedule_maintenance(actor=staff, components=[api.pk], **good)
    assert (maintenance.state, list(maintenance.components.all())) == ("scheduled", [api])
    assert ledger("maintenance.scheduled")[0].object_id == str(maintenance.pk)


def test_maintenance_switches_its_components_at_start_and_end(staff, api, webhooks, dashboard):
    services.change_component_status(actor=staff, component_id=webhooks.pk, status="major_outage")
    maintenance = services.schedule_maintenance(
        actor=staff,
        title="Database upgrade",
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
        components=[api.pk, webhooks.pk],
    )
    assert services.advance_maintenance(now=T0 - timedelta(seconds=1)) == 0
    assert reload(maintenance).state == "scheduled"
    assert reload(api).status == "operational"

    assert services.advance_maintenance(now=T0) == 1
    assert reload(maintenance).state == "in_progress"
    assert reload(api).status == "under_maintenance"
    assert reload(webhooks).status == "major_outage"  # an outage is not hidden by maintenance
    assert reload(dashboard).status == "operational"  # not part of this window
    change = ComponentStatusChange.objects.get(component=api, status="under_maintenance")
    assert (change.started_at, change.maintenance) == (T0, maintenance)

    changes = ComponentStatusChange.objects.count()
    assert services.advance_maintenance(now=T0 + timedelta(minutes=30)) == 0  # idempotent
    assert ComponentStatusChange.objects.count() == changes

    assert services.advance_maintenance(now=T0 + timedelta(hours=1)) == 1
    assert reload(maintenance).state == "completed"
    assert (reload(api).status, reload(webhooks).status) == ("operational", "major_outage")
    assert ComponentStatusChange.objects.filter(component=api).latest("started_at").started_at == (
        T0 + timedelta(hours=1)
    )
    assert services.advance_maintenance(now=T0 + timedelta(hours=2)) == 0
    assert ComponentStatusChange.objects.count() == changes + 1


def test_a_window_missed_entirely_still_starts_and_ends(staff, api):
    maintenance = services.schedule_maintenance(
        actor=staff,
        title="Short restart",
        starts_at=T0,
        ends_at=T0 + timedelta(minutes=5),
        components=[api.pk],
    )
    assert services.advance_maintenance(now=T0 + timedelta(hours=3)) == 1
    assert reload(maintenance).state == "completed"
    assert reload(api).status == "operational"
    assert status_history(api) == ["operational", "under_maintenance", "operational"]


def test_maintenance_can_be_cancelled_only_before_it_starts(staff, api, webhooks):
    window = {"title": "Upgrade", "ends_at": T0 + timedelta(hours=1), "components": [api.pk]}
    later = services.schedule_maintenance(actor=staff, starts_at=T0, **window)
    cancelled = services.cancel_maintenance(actor=staff, maintenance_id=later.pk)
    assert cancelled.state == "cancelled"
    assert services.advance_maintenance(now=T0) == 0  # a cancelled window never starts
    assert reload(api).status == "operational"

    started = services.schedule_maintenance(actor=staff, starts_at=T0, **window)
    services.advance_maintenance(now=T0)
    with pytest.raises(Conflict):
        services.cancel_maintenance(actor=staff, maintenance_id=started.pk)
    assert (reload(started).state, reload(api).status) == ("in_progress", "under_maintenance")
    with pytest.raises(NotFound):
        services.cancel_maintenance(actor=staff, maintenance_id=987654321)


# Comments and "affects me too"


def test_customers_comment_and_say_an_incident_affects_them_once(
    customer, other_customer, staff, incident
):
    comment = services.add_incident_comment(
        author=customer, incident_id=incident.pk, body="Our deploys **fail**."
    )
    assert "<strong>fail</strong>" in comment.body_html and not comment.author_was_staff
    assert services.add_incident_comment(
        author=staff, incident_id=incident.pk, body="Thanks"
    ).author_was_staff
    assert reload(incident).comment_count == 2

    for _ in range(2):
        services.report_affected(user=customer, incident_id=incident.pk)
    services.report_affected(user=other_customer, incident_id=incident.pk)
    assert reload(incident).affected_count == 2
    services.report_affected(user=customer, incident_id=incident.pk, affected=False)
    services.report_affected(user=customer, incident_id=incident.pk, affected=False)
    assert reload(incident).affected_count == 1
    assert AffectedReport.objects.get().user == other_customer


def test_a_resolved_incident_takes_no_more_affected_reports(customer, staff, incident):
    services.post_incident_update(actor=staff, incident_id=incident.pk, state="resolved", body="Ok")
    with pytest.raises(Conflict):
        services.report_affected(user=customer, incident_id=incident.pk)
    assert reload(incident).affected_count == 0


# Who may write


def _staff_writes(incident: Incident, component: Component, maintenance: Maintenance):
    update = incident.updates.get()
    statuses = {str(component.pk): "major_outage"}
    return {
        "create_component": lambda a: services.create_component(actor=a, name="Billing"),
        "change_component_status": lambda a: services.change_component_status(
            actor=a, component_id=component.pk, status="major_outage"
        ),
        "open_incident": lambda a: services.open_incident(
            actor=a, title="Down", impact="major", body="Down", component_statuses=statuses
        ),
        "post_incident_update": lambda a: services.post_incident_update(
            actor=a, incident_id=incident.pk, state="resolved", body="Ok"
        ),
        "edit_incident_update": lambda a: services.edit_incident_update(
            actor=a, update_id=update.pk, body="Nothing happened."
        ),
        "publish_postmortem": lambda a: services.publish_postmortem(
            actor=a, incident_id=incident.pk, **POSTMORTEM
        ),
        "schedule_maintenance": lambda a: services.schedule_maintenance(
            actor=a,
            title="Upgrade",
            starts_at=T0,
            ends_at=T0 + timedelta(hours=1),
            components=[component.pk],
        ),
        "cancel_maintenance": lambda a: services.cancel_maintenance(
            actor=a, maintenance_id=maintenance.pk
        ),
    }


@pytest.mark.parametrize("who", ["customer", "anonymous"])
def test_only_staff_write_the_status_page(request, who, staff, incident, api):
    actor = request.getfixturevalue("customer") if who == "customer" else None
    maintenance = services.schedule_maintenance(
        actor=staff,
        title="Upgrade",
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
        components=[api.pk],
    )
    expected = NotAllowed if who == "customer" else NotSignedIn
    writes = _staff_writes(incident, api, maintenance)
    before = snapshot()
    for name, write in writes.items():
        with pytest.raises(expected) as refused:
            write(actor)
        assert refused.value.status == (403 if who == "customer" else 401), name
    assert snapshot() == before


def test_anonymous_visitors_cannot_comment_or_report(incident):
    before = snapshot()
    with pytest.raises(NotSignedIn):
        services.add_incident_comment(author=None, incident_id=incident.pk, body="Hi")
    with pytest.raises(NotSignedIn):
        services.report_affected(user=None, incident_id=incident.pk)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["customer", "anonymous"])
def test_the_staff_forms_refuse_everyone_else(request, who, client_for, staff, incident, api):
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="monitoring", body="Watching."
    )
    user = request.getfixturevalue("customer") if who == "customer" else None
    client = client_for(user)
    forms = {
        reverse("incidents:open_incident"): {
            "title": "Down",
            "impact": "major",
            "body": "Down",
            f"status-{api.pk}": "major_outage",
        },
        reverse("incidents:post_update", args=[incident.pk]): {
            "state": "resolved",
            "body": "Ok",
        },
        reverse("incidents:postmortem", args=[incident.pk]): POSTMORTEM,
        reverse("incidents:schedule"): {
            "title": "Upgrade",
            "starts_at": "2030-06-01T02:00",
            "ends_at": "2030-06-01T03:00",
            "components": [api.pk],
        },
        reverse("incidents:add_component"): {"name": "Billing"},
        reverse("incidents:component_status", args=[api.pk]): {"status": "operational"},
    }
    before = snapshot()
    for url, data in forms.items():
        response = client.post(url, data)
        if who == "customer":
            assert response.status_code == 403, url
            assert b"Only staff can do that." in response.content
        else:
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login")), url
    assert snapshot() == before


def test_staff_run_an_incident_through_the_forms(client_for, staff, api):
    client = client_for(staff)
    response = client.post(
        reverse("incidents:open_incident"),
        {
            "title": "API down",
            "impact": "critical",
            "body": "Every request fails.",
            f"status-{api.pk}": "major_outage",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert reload(api).status == "major_outage" and incident.impact == "critical"

    response = client.post(
        reverse("incidents:post_update", args=[incident.pk]), {"state": "resolved", "body": "Ok"}
    )
    assert response.status_code == 302
    assert (reload(incident).state, reload(api).status) == ("resolved", "operational")

    response = client.post(reverse("incidents:postmortem", args=[incident.pk]), POSTMORTEM)
    assert response.status_code == 302
    assert Postmortem.objects.filter(incident=incident).exists()
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Postmortem" in page and "open-file limit" in page


def test_a_form_error_is_shown_and_nothing_is_stored(client_for, staff, incident):
    client = client_for(staff)
    before = snapshot()
    response = client.post(
        reverse("incidents:postmortem", args=[incident.pk]), POSTMORTEM, follow=True
    )
    assert response.status_code == 200
    assert "Publish the postmortem after the incident is resolved." in response.content.decode()
    response = client.post(
        reverse("incidents:post_update", args=[incident.pk]),
        {"state": "resolved", "body": "   "},
        follow=True,
    )
    assert "The update is empty." in response.content.decode()
    assert snapshot() == before
    assert (
        client.post(
            reverse("incidents:post_update", args=[987654321]), {"state": "resolved", "body": "x"}
        ).status_code
        == 404
    )
    assert IncidentUpdate.objects.count() == 1
