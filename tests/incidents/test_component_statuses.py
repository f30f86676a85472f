"""One incident or maintenance covers several components, each with its own status:
stored per update and per maintenance, shown on every page, feed and API answer."""

import importlib
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from frankly.incidents import services, sla
from frankly.incidents.models import (
    ComponentStatusChange,
    IncidentUpdate,
    Maintenance,
    MaintenanceState,
)
from tests.incidents.conftest import reload, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_statuses(staff, incident, api, dashboard):
    """The API is down and the dashboard slow, in one update."""
    return services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="identified",
        body="The database primary failed over.",
        component_statuses={str(api.pk): "major_outage", str(dashboard.pk): "degraded_performance"},
    )


def test_one_update_sets_a_different_status_per_component(two_statuses, api, dashboard):
    assert (reload(api).status, reload(dashboard).status) == (
        "major_outage",
        "degraded_performance",
    )
    changes = ComponentStatusChange.objects.filter(update=two_statuses)
    assert {(c.component_id, c.status) for c in changes} == {
        (dashboard.pk, "degraded_performance")  # the API was already down: no new change
    }
    assert two_statuses.component_statuses == {
        str(api.pk): "major_outage",
        str(dashboard.pk): "degraded_performance",
    }


def test_pages_show_each_components_status_in_the_incident(two_statuses, incident):
    for url in ["/status/", f"/status/incidents/{incident.pk}/"]:
        page = Client().get(url).content.decode()
        now = page.split('aria-label="Components in this incident now"')[1].split("</ul>")[0]
        assert 'REST API: <span class="component-status status-major_outage">Major outage' in now
        assert "Web dashboard: <span" in now and "Degraded performance" in now
        assert page.count('aria-label="Component statuses set by this update"') == 2


def test_history_stays_exact_when_a_later_update_changes_one_component(
    staff, two_statuses, incident, api, dashboard
):
    services.post_incident_update(
        actor=staff,
        incident_id=incident.pk,
        state="monitoring",
        body="The dashboard is fast again.",
        component_statuses={str(dashboard.pk): "operational"},
    )
    data = Client().get(f"/api/v1/incidents/{incident.pk}").json()
    assert data["component_statuses"] == {
        str(api.pk): "major_outage",
        str(dashboard.pk): "operational",
    }
    newest, middle, first = data["updates"]
    assert newest["component_statuses"] == {str(dashboard.pk): "operational"}
    assert middle["component_statuses"] == {
        str(api.pk): "major_outage",
        str(dashboard.pk): "degraded_performance",
    }
    assert first["component_statuses"] == {str(api.pk): "major_outage"}
    summary = Client().get("/api/v1/status").json()
    assert summary["active_incidents"][0]["component_statuses"] == data["component_statuses"]
    assert summary["active_incidents"][0]["latest_update"]["component_statuses"] == {
        str(dashboard.pk): "operational"
    }


def test_a_removed_component_keeps_its_line_in_the_record(two_statuses, incident, dashboard):
    gone = dashboard.pk
    dashboard.delete()
    page = Client().get(f"/status/incidents/{incident.pk}/").content.decode()
    assert f"Component #{gone} (removed)" in page


def test_the_feed_lists_the_component_statuses_of_each_update(two_statuses):
    feed = feedparser.parse(Client().get("/status/feed.atom").content)
    newest = feed.entries[0]
    assert newest.title.endswith("Identified")
    assert "REST API: Major outage" in newest.summary
    assert "Web dashboard: Degraded performance" in newest.summary


# Maintenance


def _window(staff, *, start, statuses, components=(), minutes=60):
    return services.schedule_maintenance(
        actor=staff,
        title="Storage migration",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        components=components,
        component_statuses=statuses,
    )


def test_maintenance_sets_each_component_its_own_status_and_restores_it(
    staff, api, webhooks, dashboard
):
    start = timezone.now() + timedelta(hours=1)
    window = _window(
        staff,
        start=start,
        components=[webhooks.pk],
        statuses={str(api.pk): "degraded_performance", str(dashboard.pk): "partial_outage"},
    )
    assert window.component_statuses == {
        str(webhooks.pk): "under_maintenance",
        str(api.pk): "degraded_performance",
        str(dashboard.pk): "partial_outage",
    }
    assert set(window.components.values_list("pk", flat=True)) == {
        api.pk,
        webhooks.pk,
        dashboard.pk,
    }
    services.advance_maintenance(start + timedelta(minutes=1))
    assert [reload(c).status for c in (api, webhooks, dashboard)] == [
        "degraded_performance",
        "under_maintenance",
        "partial_outage",
    ]
    page = Client().get("/status/").content.decode()
    during = page.split('aria-label="Component statuses during the work"')[1].split("</ul>")[0]
    assert "REST API: <span" in during and "Degraded performance" in during
    assert "Webhooks: <span" in during and "Under maintenance" in during
    services.advance_maintenance(start + timedelta(minutes=61))
    assert reload(window).state == MaintenanceState.COMPLETED
    assert {reload(c).status for c in (api, webhooks, dashboard)} == {"operational"}
    history = ComponentStatusChange.objects.filter(maintenance=window, component=dashboard)
    assert [(c.status, c.started_at) for c in history] == [
        ("partial_outage", start),
        ("operational", start + timedelta(minutes=60)),
    ]


def test_the_sla_excludes_a_maintenance_whatever_status_it_set(staff, dashboard):
    start = datetime.now(tz=UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start += timedelta(hours=1)
    ComponentStatusChange.objects.filter(component=dashboard).update(
        started_at=start - timedelta(minutes=30)
    )
    window = _window(
        staff,
        start=start,
        statuses={str(dashboard.pk): "partial_outage"},
        minutes=30,
    )
    services.advance_maintenance(start + timedelta(minutes=31))
    assert reload(window).state == MaintenanceState.COMPLETED
    [row] = sla.monthly_sla([dashboard], month=start.date(), now=start + timedelta(minutes=90))
    assert round(row.maintenance_minutes) == 30 and row.downtime_minutes == 0
    assert row.sla_percent == 100.0


def test_the_api_takes_and_shows_maintenance_statuses(api_client, staff, api, webhooks):
    response = api_client(staff).post(
        "/maintenances",
        {
            "title": "Kernel patching",
            "starts_at": "2030-06-01T02:00:00Z",
            "ends_at": "2030-06-01T03:00:00Z",
            "components": [webhooks.pk],
            "component_statuses": {str(api.pk): "degraded_performance"},
        },
    )
    assert response.status_code == 201, response.content
    expected = {str(webhooks.pk): "under_maintenance", str(api.pk): "degraded_performance"}
    assert response.json()["component_statuses"] == expected
    [shown] = Client().get("/api/v1/status").json()["maintenance"]
    assert shown["component_statuses"] == expected


def test_the_staff_form_takes_a_status_per_component(client_for, staff, api, webhooks):
    response = client_for(staff).post(
        "/status/maintenance/new/",
        {
            "title": "Kernel patching",
            "starts_at": "2030-06-01T02:00",
            "ends_at": "2030-06-01T03:00",
            "components": [webhooks.pk],
            f"status-{api.pk}": "degraded_performance",
        },
    )
    assert response.status_code == 302
    assert Maintenance.objects.get().component_statuses == {
        str(webhooks.pk): "under_maintenance",
        str(api.pk): "degraded_performance",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status-{api}", "sleeping", "is not a component status"),
        ("status-{api}", "operational", "would stay operational"),
        ("status-987654321", "degraded_performance", "There is no component #987654321"),
    ],
)
def test_the_staff_form_refuses_bad_statuses_and_stores_nothing(
    client_for, staff, api, field, value, message
):
    before = snapshot()
    response = client_for(staff).post(
        "/status/maintenance/new/",
        {
            "title": "Kernel patching",
            "starts_at": "2030-06-01T02:00",
            "ends_at": "2030-06-01T03:00",
            field.format(api=api.pk): value,
        },
        follow=True,
    )
    assert message in response.content.decode()
    assert snapshot() == before


def test_the_migration_fills_the_maps_of_existing_records(staff, incident, api, webhooks):
    window = _window(
        staff,
        start=timezone.now() + timedelta(days=1),
        components=[api.pk, webhooks.pk],
        statuses={},
    )
    Maintenance.objects.filter(pk=window.pk).update(component_statuses={})
    first = incident.updates.get()
    IncidentUpdate.objects.filter(pk=first.pk).update(component_statuses={})
    migration = importlib.import_module(
        "frankly.incidents.migrations.0004_maintenance_component_statuses"
    )
    migration.fill_component_statuses(apps, None)
    assert reload(window).component_statuses == {
        str(api.pk): "under_maintenance",
        str(webhooks.pk): "under_maintenance",
    }
    assert reload(first).component_statuses == {str(api.pk): "major_outage"}
