"""Monthly SLA per component on a known history: maintenance excluded but shown,
time before a component existed not counted, "no data" rather than 100%."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from frankly.incidents import sla
from frankly.incidents.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    Maintenance,
    MaintenanceState,
)

OCT = date(2026, 10, 1)
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
S = ComponentStatus


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def history(component, *changes) -> None:
    for started_at, status in changes:
        ComponentStatusChange.objects.create(
            component=component, status=status, started_at=started_at
        )


@pytest.fixture
def known(db):
    api = Component.objects.create(name="API")
    history(
        api,
        (datetime(2026, 9, 20, tzinfo=UTC), S.OPERATIONAL),
        (at(10, 10), S.MAJOR_OUTAGE),  # 120 minutes down
        (at(10, 12), S.OPERATIONAL),
        (at(15, 2), S.UNDER_MAINTENANCE),  # the maintenance window, 02:00-04:00
        (at(15, 3), S.PARTIAL_OUTAGE),  # an outage inside it: excluded, not downtime
        (at(15, 3, 30), S.UNDER_MAINTENANCE),
        (at(15, 4), S.OPERATIONAL),
        (at(20, 8), S.DEGRADED),  # slow, not down
        (at(20, 9), S.OPERATIONAL),
    )
    window = Maintenance.objects.create(
        title="Database upgrade",
        starts_at=at(15, 2),
        ends_at=at(15, 4),
        state=MaintenanceState.COMPLETED,
    )
    window.components.add(api)
    cancelled = Maintenance.objects.create(
        title="Cancelled move", starts_at=at(25, 1), ends_at=at(25, 5),
        state=MaintenanceState.CANCELLED,
    )  # fmt: skip
    cancelled.components.add(api)
    web = Component.objects.create(name="Website")
    history(web, (at(16), S.OPERATIONAL))  # created half-way through October
    Component.objects.create(name="Never watched")
    return api, web


def test_the_sla_of_a_known_month_excludes_maintenance_and_shows_it(known):
    api_row, web_row, empty_row = sla.monthly_sla(
        list(Component.objects.order_by("id")), month=OCT, now=NOW
    )
    month_minutes = 31 * 24 * 60
    assert api_row.observed_minutes == month_minutes
    assert api_row.maintenance_minutes == 120
    assert api_row.downtime_minutes == 120
    assert api_row.sla_percent == round(100 * (1 - 120 / (month_minutes - 120)), 3) == 99.73
    assert [m.title for m in api_row.maintenances] == ["Database upgrade"]
    # Half a month of data, all up: 100% of what was observed, not of the month.
    assert web_row.observed_minutes == 16 * 24 * 60
    assert web_row.sla_percent == 100.0
    assert empty_row.sla_percent is None


def test_the_current_month_counts_only_up_to_now(known):
    (api_row,) = sla.monthly_sla([known[0]], month=OCT, now=datetime(2026, 10, 11, tzinfo=UTC))
    assert api_row.observed_minutes == 10 * 24 * 60
    assert api_row.downtime_minutes == 120
    assert api_row.maintenance_minutes == 0


def test_the_sla_page_and_csv_show_the_same_figures(known, client):
    page = client.get("/status/sla/?month=2026-10").content.decode()
    assert "99.730%" in page and "Database upgrade" in page and "no data" in page
    response = client.get("/status/sla.csv?month=2026-10")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="sla-2026-10.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0] == {
        "month": "2026-10",
        "component": "API",
        "observed_minutes": "44640",
        "maintenance_minutes_excluded": "120",
        "downtime_minutes": "120",
        "sla_percent": "99.730",
    }
    assert rows[2]["sla_percent"] == "no data"


@pytest.mark.parametrize("month", ["2026-13", "october", "2026-1-1", "x" * 50])
def test_a_bad_month_is_a_clear_error(db, client, month):
    page = client.get("/status/sla/", {"month": month})
    assert page.status_code == 422
    assert "Write it as YYYY-MM" in page.content.decode()
    assert client.get("/status/sla.csv", {"month": month}).status_code == 422


def test_the_sla_page_reads_a_fixed_number_of_queries(known, client, django_assert_num_queries):
    with django_assert_num_queries(4):  # components, their history, maintenance + links
        client.get("/status/sla/?month=2026-10")


def test_the_status_page_links_the_sla(db, client):
    assert "/status/sla/" in client.get("/status/").content.decode()
