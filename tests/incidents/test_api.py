"""The status API under /api/v1/: public reads, staff-only writes, and bad input
answered with a 4xx and a ``detail`` (never a 500) that leaves every table as it was."""

import json
from datetime import UTC, datetime

import pytest

from frankly.incidents import services
from frankly.incidents.models import Component, Incident, Maintenance
from frankly.transparency.models import LedgerEntry
from tests.incidents.conftest import reload, snapshot

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def assert_refused(response, status: int | None = None) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, response.content[:300]
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.strip()
    return detail


# Reads


def test_the_status_summary_has_a_stable_shape(api_client, staff, incident, api, webhooks):
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="identified", body="Found it."
    )
    services.schedule_maintenance(
        actor=staff,
        title="Database upgrade",
        starts_at=datetime.fromisoformat("2030-06-01T02:00:00+00:00"),
        ends_at=datetime.fromisoformat("2030-06-01T03:00:00+00:00"),
        components=[webhooks.pk],
    )
    response = api_client(None).get("/status")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"status", "description", "components", "active_incidents", "maintenance"}
    assert (data["status"], data["description"]) == ("major_outage", "Major outage")
    assert data["components"] == [
        {
            "id": api.pk,
            "name": "REST API",
            "group": "API",
            "status": "major_outage",
            "description": "",
        },
        {
            "id": webhooks.pk,
            "name": "Webhooks",
            "group": "API",
            "status": "operational",
            "description": "",
        },
    ]
    [active] = data["active_incidents"]
    assert active["id"] == incident.pk and active["state"] == "identified"
    assert active["url"] == f"/status/incidents/{incident.pk}/"
    assert sorted(active["components"]) == sorted([api.pk, webhooks.pk])
    assert active["latest_update"]["body"] == "Found it."
    assert active["latest_update"]["state"] == "identified"
    assert datetime.fromisoformat(active["created_at"]).tzinfo is not None
    [window] = data["maintenance"]
    assert (window["title"], window["state"], window["components"]) == (
        "Database upgrade",
        "scheduled",
        [webhooks.pk],
    )
    assert datetime.fromisoformat(window["starts_at"]) == datetime.fromisoformat(
        "2030-06-01T02:00:00+00:00"
    )


def test_an_all_clear_summary(api_client, api):
    data = api_client(None).get("/status").json()
    assert (data["status"], data["description"]) == ("operational", "All systems operational")
    assert data["active_incidents"] == [] and data["maintenance"] == []


def test_incidents_are_listed_newest_first_a_page_at_a_time(api_client, staff, api):
    opened = [
        services.open_incident(
            actor=staff, title=f"Incident {i}", impact="minor", body="Looking.", components=[api.pk]
        )
        for i in range(3)
    ]
    client = api_client(None)
    first = client.get("/incidents?limit=2").json()
    assert [i["title"] for i in first["items"]] == ["Incident 2", "Incident 1"]
    assert first["next"]
    second = client.get(f"/incidents?limit=2&cursor={first['next']}").json()
    assert [i["title"] for i in second["items"]] == ["Incident 0"]
    assert second["next"] is None
    item = second["items"][0]
    assert item["components"] == [api.pk]
    assert [u["body"] for u in item["updates"]] == ["Looking."]
    one = client.get(f"/incidents/{opened[0].pk}")
    assert one.status_code == 200 and one.json() == item


@pytest.mark.parametrize(
    "path",
    [
        "/incidents?limit=0",
        "/incidents?limit=101",
        "/incidents?limit=many",
        "/incidents?cursor=not-a-cursor",
        "/incidents?cursor=W3sidCI6IjIwMjUifSwxXQ",  # a valid cursor of the wrong types
        "/incidents/987654321",
        f"/incidents/{HUGE}",
        "/incidents/0",
    ],
)
def test_bad_reads_are_4xx_with_a_detail(api_client, incident, path):
    assert_refused(api_client(None).get(path))


def test_components_are_listed_in_page_order(api_client, staff, api, dashboard, webhooks):
    response = api_client(None).get("/components")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["REST API", "Webhooks", "Web dashboard"]


# Staff writes


def test_staff_add_a_component(api_client, staff):
    response = api_client(staff).post(
        "/components", {"name": "  Billing ", "description": "Invoices", "group": "Money"}
    )
    assert response.status_code == 201
    created = Component.objects.get()
    assert response.json() == {
        "id": created.pk,
        "name": "Billing",
        "group": "Money",
        "status": "operational",
        "description": "Invoices",
    }
    assert created.status_changes.get().status == "operational"  # the start of its uptime


def test_staff_open_an_incident_and_post_updates(api_client, staff, api, webhooks):
    client = api_client(staff)
    response = client.post(
        "/incidents",
        {
            "title": "API errors",
            "impact": "major",
            "body": "5% of requests fail.",
            "components": [api.pk],
            "component_statuses": {str(webhooks.pk): "degraded_performance"},
        },
    )
    assert response.status_code == 201, response.content
    opened = response.json()
    incident = Incident.objects.get()
    assert (opened["id"], opened["state"], opened["impact"]) == (
        incident.pk,
        "investigating",
        "major",
    )
    assert sorted(opened["components"]) == sorted([api.pk, webhooks.pk])
    assert reload(webhooks).status == "degraded_performance"
    assert reload(api).status == "operational"

    response = client.post(
        f"/incidents/{incident.pk}/updates",
        {
            "state": "identified",
            "body": "A bad replica.",
            "component_statuses": {str(api.pk): "major_outage"},
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "identified"
    assert [u["body"] for u in response.json()["updates"]] == [
        "A bad replica.",
        "5% of requests fail.",
    ]
    assert reload(api).status == "major_outage"

    response = client.post(
        f"/incidents/{incident.pk}/updates", {"state": "resolved", "body": "All fine again."}
    )
    resolved = response.json()
    assert resolved["state"] == "resolved" and resolved["resolved_at"]
    assert (reload(api).status, reload(webhooks).status) == ("operational", "operational")
    assert LedgerEntry.objects.filter(kind="incident.update").count() == 3


def test_staff_schedule_maintenance(api_client, staff, api):
    response = api_client(staff).post(
        "/maintenances",
        {
            "title": "Kernel patching",
            "description": "Each node restarts once.",
            "starts_at": "2030-06-01T02:00:00Z",
            "ends_at": "2030-06-01T05:00:00+02:00",
            "components": [api.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    window = Maintenance.objects.get()
    assert (body["id"], body["state"], body["components"]) == (window.pk, "scheduled", [api.pk])
    assert (window.starts_at, window.ends_at) == (
        datetime(2030, 6, 1, 2, tzinfo=UTC),
        datetime(2030, 6, 1, 3, tzinfo=UTC),
    )
    assert datetime.fromisoformat(body["ends_at"]) == window.ends_at
    assert reload(api).status == "operational"  # not yet


# Who may write


def _writes(incident, component):
    return [
        ("/components", {"name": "Billing"}),
        ("/incidents", {"title": "Down", "body": "Down", "components": [component.pk]}),
        (
            f"/incidents/{incident.pk}/updates",
            {
                "state": "resolved",
                "body": "Ok",
                "component_statuses": {str(component.pk): "major_outage"},
            },
        ),
        (
            "/maintenances",
            {
                "title": "Upgrade",
                "starts_at": "2030-06-01T02:00:00Z",
                "ends_at": "2030-06-01T03:00:00Z",
                "components": [component.pk],
            },
        ),
    ]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("customer", 403)])
def test_only_staff_write(request, api_client, who, status, incident, api):
    user = request.getfixturevalue("customer") if who == "customer" else None
    client = api_client(user)
    before = snapshot()
    for path, payload in _writes(incident, api):
        assert_refused(client.post(path, payload), status)
    assert snapshot() == before


def test_a_wrong_token_is_refused_not_treated_as_anonymous(api_client, incident):
    response = api_client(None).client.get(
        "/api/v1/status", headers={"Authorization": "Bearer nope"}
    )
    assert_refused(response, 401)


# Bad input: a 4xx with a detail, and nothing stored changes


def _bad_requests(*, incident_id: int, api_id: int) -> dict:
    good_incident = {"title": "Down", "body": "Down", "components": [api_id]}
    good_update = {"state": "identified", "body": "Found it."}
    good_window = {
        "title": "Upgrade",
        "starts_at": "2030-06-01T02:00:00Z",
        "ends_at": "2030-06-01T03:00:00Z",
        "components": [api_id],
    }
    updates = f"/incidents/{incident_id}/updates"
    return {
        "incident: unknown component": ("/incidents", {**good_incident, "components": [987654321]}),
        "incident: huge component id": ("/incidents", {**good_incident, "components": [int(HUGE)]}),
        "incident: component id as text": ("/incidents", {**good_incident, "components": ["api"]}),
        "incident: unknown component status": (
            "/incidents",
            {**good_incident, "component_statuses": {"987654321": "major_outage"}},
        ),
        "incident: huge component status id": (
            "/incidents",
            {**good_incident, "component_statuses": {HUGE: "major_outage"}},
        ),
        "incident: bad status value": (
            "/incidents",
            {**good_incident, "component_statuses": {str(api_id): "on_fire"}},
        ),
        "incident: bad impact": ("/incidents", {**good_incident, "impact": "catastrophic"}),
        "incident: bad state": ("/incidents", {**good_incident, "state": "panicking"}),
        "incident: starts resolved": ("/incidents", {**good_incident, "state": "resolved"}),
        "incident: empty title": ("/incidents", {**good_incident, "title": "  "}),
        "incident: long title": ("/incidents", {**good_incident, "title": "x" * 161}),
        "incident: empty body": ("/incidents", {**good_incident, "body": ""}),
        "incident: NUL in body": ("/incidents", {**good_incident, "body": "a\x00b"}),
        "incident: no body": ("/incidents", {"title": "Down"}),
        "incident: null title": ("/incidents", {**good_incident, "title": None}),
        "incident: bare JSON string": ("/incidents", '"Down"'),
        "incident: JSON list": ("/incidents", "[]"),
        "incident: malformed JSON": ("/incidents", '{"title": "Down",'),
        "incident: not JSON at all": ("/incidents", "title=Down"),
        "update: unknown component": (
            updates,
            {**good_update, "component_statuses": {"987654321": "major_outage"}},
        ),
        "update: huge component id": (
            updates,
            {**good_update, "component_statuses": {HUGE: "major_outage"}},
        ),
        "update: component id as text": (
            updates,
            {**good_update, "component_statuses": {"REST API": "major_outage"}},
        ),
        "update: bad status value": (
            updates,
            {**good_update, "component_statuses": {str(api_id): "down"}},
        ),
        "update: bad state": (updates, {**good_update, "state": "fixed"}),
        "update: empty body": (updates, {**good_update, "body": " \n "}),
        "update: no state": (updates, {"body": "x"}),
        "update: bare JSON string": (updates, '"identified"'),
        "update: malformed JSON": (updates, "{"),
        "update: unknown incident": ("/incidents/987654321/updates", good_update),
        "update: huge incident id": (f"/incidents/{HUGE}/updates", good_update),
        "update: incident zero": ("/incidents/0/updates", good_update),
        "component: empty name": ("/components", {"name": " "}),
        "component: long name": ("/components", {"name": "x" * 81}),
        "component: taken name": ("/components", {"name": "rest API"}),
        "component: negative position": ("/components", {"name": "B", "position": -1}),
        "component: huge position": ("/components", {"name": "B", "position": int(HUGE)}),
        "component: bare JSON string": ("/components", '"Billing"'),
        "maintenance: ends before it starts": (
            "/maintenances",
            {**good_window, "ends_at": "2030-06-01T01:00:00Z"},
        ),
        "maintenance: ends as it starts": (
            "/maintenances",
            {**good_window, "ends_at": good_window["starts_at"]},
        ),
        "maintenance: naive start": (
            "/maintenances",
            {**good_window, "starts_at": "2030-06-01T02:00:00"},
        ),
        "maintenance: naive end": (
            "/maintenances",
            {**good_window, "ends_at": "2030-06-01T05:00:00"},
        ),
        "maintenance: not a time": ("/maintenances", {**good_window, "starts_at": "tomorrow"}),
        "maintenance: year 10000": (
            "/maintenances",
            {**good_window, "ends_at": "10000-01-01T00:00:00Z"},
        ),
        "maintenance: no components": ("/maintenances", {**good_window, "components": []}),
        "maintenance: unknown component": (
            "/maintenances",
            {**good_window, "components": [987654321]},
        ),
        "maintenance: huge component id": (
            "/maintenances",
            {**good_window, "components": [int(HUGE)]},
        ),
        "maintenance: empty title": ("/maintenances", {**good_window, "title": ""}),
        "maintenance: unknown component in statuses": (
            "/maintenances",
            {**good_window, "component_statuses": {"987654321": "degraded_performance"}},
        ),
        "maintenance: component status not a number": (
            "/maintenances",
            {**good_window, "component_statuses": {"api": "degraded_performance"}},
        ),
        "maintenance: unknown status": (
            "/maintenances",
            {**good_window, "component_statuses": {str(api_id): "sleeping"}},
        ),
        "maintenance: operational during the work": (
            "/maintenances",
            {**good_window, "component_statuses": {str(api_id): "operational"}},
        ),
        "maintenance: statuses not an object": (
            "/maintenances",
            {**good_window, "component_statuses": ["degraded_performance"]},
        ),
        "maintenance: bare JSON string": ("/maintenances", '"Upgrade"'),
        "maintenance: malformed JSON": ("/maintenances", '{"title": '),
    }


BAD_REQUESTS = list(_bad_requests(incident_id=1, api_id=1))


@pytest.mark.parametrize("case", BAD_REQUESTS)
def test_bad_input_is_refused_and_changes_nothing(api_client, staff, incident, api, case):
    path, payload = _bad_requests(incident_id=incident.pk, api_id=api.pk)[case]
    client = api_client(staff)
    before = snapshot()
    response = client.post(path, payload)
    detail = assert_refused(response)
    assert "Traceback" not in detail
    assert snapshot() == before


def test_errors_speak_to_people(api_client, staff, incident, api):
    client = api_client(staff)
    detail = assert_refused(
        client.post(
            f"/incidents/{incident.pk}/updates",
            {
                "state": "identified",
                "body": "x",
                "component_statuses": {"987654321": "major_outage"},
            },
        ),
        422,
    )
    assert detail == "There is no component #987654321."
    detail = assert_refused(
        client.post(
            "/maintenances",
            {
                "title": "Upgrade",
                "starts_at": "2030-06-01T02:00:00Z",
                "ends_at": "2030-06-01T01:00:00Z",
                "components": [api.pk],
            },
        ),
        422,
    )
    assert detail == "The maintenance must end after it starts."
    assert "time zone" in assert_refused(
        client.post(
            "/maintenances",
            {
                "title": "Upgrade",
                "starts_at": "2030-06-01T02:00:00",
                "ends_at": "2030-06-01T03:00:00",
                "components": [api.pk],
            },
        ),
        422,
    )
    assert_refused(
        client.post("/incidents/987654321/updates", {"state": "identified", "body": "x"}), 404
    )
    assert_refused(client.post("/components", {"name": "REST API"}), 409)
    assert json.loads(client.post("/incidents", "{").content)["detail"]
