"""Factories for the status page: components made by staff, and a snapshot of every
table a status write touches (to show that a refused write changed nothing)."""

import pytest

from frankly.incidents import services
from frankly.incidents.models import (
    AffectedReport,
    Component,
    ComponentStatusChange,
    Incident,
    IncidentComment,
    IncidentUpdate,
    Maintenance,
    Postmortem,
    StatusSubscription,
    StatusVersion,
)
from frankly.transparency.models import LedgerEntry, Revision

STATUS_TABLES = (
    Component,
    ComponentStatusChange,
    Incident,
    IncidentUpdate,
    Postmortem,
    Maintenance,
    IncidentComment,
    AffectedReport,
    StatusSubscription,
    StatusVersion,
    LedgerEntry,
    Revision,
)


def snapshot() -> dict:
    """Every row of every table a status write can touch, with its many-to-many links."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in STATUS_TABLES}
    state["incident components"] = sorted(
        Incident.components.through.objects.values_list("incident_id", "component_id")
    )
    state["maintenance components"] = sorted(
        Maintenance.components.through.objects.values_list("maintenance_id", "component_id")
    )
    return state


def make_component(actor, name: str, *, group: str = "") -> Component:
    return services.create_component(actor=actor, name=name, group=group)


def reload(instance):
    instance.refresh_from_db()
    return instance


@pytest.fixture
def api(staff) -> Component:
    return make_component(staff, "REST API", group="API")


@pytest.fixture
def webhooks(staff) -> Component:
    return make_component(staff, "Webhooks", group="API")


@pytest.fixture
def dashboard(staff) -> Component:
    return make_component(staff, "Web dashboard")


@pytest.fixture
def incident(staff, api, webhooks) -> Incident:
    """An open incident: the REST API is down, webhooks are listed but still fine."""
    return services.open_incident(
        actor=staff,
        title="Elevated error rates on the REST API",
        impact="major",
        body="About 5% of API requests fail. We are investigating.",
        components=[api.pk, webhooks.pk],
        component_statuses={str(api.pk): "major_outage"},
    )
