"""Uptime from known status histories, checked against minutes counted by hand.

Each test writes ComponentStatusChange rows with fixed times and passes a fixed
``now``, so the expected numbers do not depend on when the test runs.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from frankly.incidents import uptime
from frankly.incidents.models import Component, ComponentStatusChange

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)  # the window is 21 Dec 2024 to 20 Mar 2025
FIRST_DAY = date(2024, 12, 21)
DAY = 24 * 60
TODAY_SO_FAR = 12 * 60  # minutes from midnight to NOW


def at(day: int, hour: int, minute: int = 0, *, month: int = 3, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def component(name: str, *changes: tuple[datetime, str]) -> Component:
    """A component whose status history is exactly ``changes``."""
    made = Component.objects.create(name=name)
    for started_at, status in changes:
        ComponentStatusChange.objects.create(component=made, status=status, started_at=started_at)
    return made


def history(made: Component, *, now: datetime = NOW) -> uptime.History:
    [result] = uptime.histories([made], now=now)
    return result


def on(result: uptime.History, day: date) -> uptime.Day:
    [found] = [d for d in result.days if d.day == day]
    return found


def test_the_window_is_ninety_utc_days_ending_today():
    result = history(component("API", (at(1, 0, year=2024, month=1), "operational")))
    assert len(result.days) == 90
    assert (result.days[0].day, result.days[-1].day) == (FIRST_DAY, date(2025, 3, 20))


def test_a_fully_operational_day_has_no_outage():
    result = history(component("API", (at(1, 0, year=2024, month=1), "operational")))
    day = on(result, date(2025, 3, 10))
    assert day.has_data
    assert (day.worst, day.outage_minutes, day.minutes) == ("operational", 0, {"operational": DAY})
    assert on(result, date(2025, 3, 20)).minutes == {"operational": TODAY_SO_FAR}
    assert result.uptime_percent == 100.0


def test_a_ninety_minute_major_outage():
    result = history(
        component(
            "API",
            (at(1, 0, year=2024, month=1), "operational"),
            (at(10, 10, 0), "major_outage"),
            (at(10, 11, 30), "operational"),
        )
    )
    day = on(result, date(2025, 3, 10))
    assert (day.worst, day.outage_minutes) == ("major_outage", 90)
    assert day.minutes == {"operational": DAY - 90, "major_outage": 90}
    assert [d.day for d in result.days if d.outage_minutes] == [date(2025, 3, 10)]
    # 89 whole days and 12 hours observed, 90 minutes of them down.
    assert result.uptime_percent == round(100 * (1 - 90 / (89 * DAY + TODAY_SO_FAR)), 3)
    assert result.uptime_percent == 99.93


def test_an_outage_across_midnight_counts_on_both_days():
    result = history(
        component(
            "API",
            (at(1, 0, year=2024, month=1), "operational"),
            (at(14, 23, 30), "major_outage"),
            (at(15, 0, 45), "operational"),
        )
    )
    before, after = on(result, date(2025, 3, 14)), on(result, date(2025, 3, 15))
    assert (before.worst, before.outage_minutes) == ("major_outage", 30)
    assert (after.worst, after.outage_minutes) == ("major_outage", 45)
    assert before.observed_minutes == after.observed_minutes == DAY


def test_degraded_performance_is_the_worst_of_the_day_but_not_an_outage():
    result = history(
        component(
            "API",
            (at(1, 0, year=2024, month=1), "operational"),
            (at(12, 8, 0), "degraded_performance"),
            (at(12, 10, 0), "operational"),
            (at(13, 8, 0), "under_maintenance"),
            (at(13, 9, 0), "operational"),
        )
    )
    day = on(result, date(2025, 3, 12))
    assert (day.worst, day.outage_minutes) == ("degraded_performance", 0)
    assert day.minutes["degraded_performance"] == 120
    assert on(result, date(2025, 3, 13)).worst == "under_maintenance"
    assert result.uptime_percent == 100.0


def test_a_partial_outage_counts_as_an_outage():
    result = history(
        component(
            "API",
            (at(1, 0, year=2024, month=1), "operational"),
            (at(12, 8, 0), "partial_outage"),
            (at(12, 8, 20), "degraded_performance"),
            (at(12, 9, 0), "operational"),
        )
    )
    day = on(result, date(2025, 3, 12))
    assert (day.worst, day.outage_minutes) == ("partial_outage", 20)


def test_days_before_the_first_status_are_no_data_and_do_not_count():
    result = history(
        component(
            "New API",
            (at(1, 6, 0), "operational"),
            (at(5, 10, 0), "partial_outage"),
            (at(5, 11, 0), "operational"),
        )
    )
    before = [d for d in result.days if d.day < date(2025, 3, 1)]
    assert len(before) == 70
    assert not any(d.has_data for d in before)
    assert {d.worst for d in before} == {None}
    assert {d.outage_minutes for d in before} == {0}
    assert on(result, date(2025, 3, 1)).observed_minutes == 18 * 60
    # Observed: 18 h on 1 March, 2 to 19 March whole (18 days), 12 h today.
    observed = 18 * 60 + 18 * DAY + TODAY_SO_FAR
    assert result.uptime_percent == round(100 * (1 - 60 / observed), 3) == 99.784


def test_a_component_with_no_history_has_no_uptime():
    result = history(component("Silent"))
    assert not any(d.has_data for d in result.days)
    assert result.uptime_percent is None


def test_an_ongoing_outage_counts_up_to_now():
    made = component(
        "API", (at(1, 0, year=2024, month=1), "operational"), (at(20, 9, 0), "major_outage")
    )
    assert on(history(made), date(2025, 3, 20)).outage_minutes == 180
    later = history(made, now=NOW + timedelta(minutes=30))
    assert on(later, date(2025, 3, 20)).outage_minutes == 210
    assert on(later, date(2025, 3, 20)).minutes == {"operational": 9 * 60, "major_outage": 210}


def test_an_outage_that_began_before_the_window_fills_its_first_days():
    result = history(
        component(
            "API",
            (at(1, 0, year=2024, month=1), "operational"),
            (at(20, 0, 0, month=12, year=2024), "major_outage"),
            (at(22, 6, 0, month=12, year=2024), "operational"),
        )
    )
    assert result.days[0].minutes == {"major_outage": DAY}
    assert result.days[1].minutes == {"major_outage": 6 * 60, "operational": 18 * 60}
    assert result.days[2].outage_minutes == 0


def test_components_are_kept_apart_and_read_in_two_queries(django_assert_num_queries):
    made = [
        component(f"C{i}", (at(1, 0, year=2024, month=1), "operational"), (at(10, 10), status))
        for i, status in enumerate(["major_outage", "operational", "degraded_performance"])
    ]
    with django_assert_num_queries(2):
        results = uptime.histories(made, now=NOW)
    assert [r.component for r in results] == made
    assert [on(r, date(2025, 3, 10)).worst for r in results] == [
        "major_outage",
        "operational",
        "degraded_performance",
    ]
