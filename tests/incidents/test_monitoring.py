"""Built-in component checks against a real local HTTP server (and a TCP listener)
that goes down and comes back: the component is degraded then recovered, staff are
alerted with a one-click incident draft, nothing is published unless the component's
check auto-publishes, and time with no check is "no data"."""

import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from frankly.incidents import monitoring
from frankly.incidents.models import CheckRun, ComponentStatus, Incident, IncidentState
from frankly.notify.models import Notification, OutboxMessage
from frankly.transparency.models import LedgerEntry
from tests.incidents.conftest import make_component, reload


class Service:
    """A local HTTP server whose health we switch: up (200 "all good"), down (503),
    wrong (200 without the expected text) or slow (answers after 2 s)."""

    def __init__(self):
        self.mode = "up"
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if service.mode == "slow":
                    time.sleep(2)
                status = 503 if service.mode == "down" else 200
                body = b"all good" if service.mode in ("up", "slow") else b"meh"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/health"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    running = Service()
    yield running
    running.close()


@pytest.fixture
def component(staff):
    return make_component(staff, "Dashboard")


def add_check(staff, component, url, **options):
    return monitoring.create_check(
        actor=staff, component_id=component.pk, kind="http", target=url,
        expected_body="all good", **options,
    )  # fmt: skip


def run(check):
    return monitoring.run_check(reload(check))


@pytest.mark.django_db
def test_a_failing_check_degrades_the_component_and_alerts_staff_with_a_draft(
    service, staff, component, client_for, customer
):
    check = add_check(staff, component, service.url)
    assert run(check).is_ok
    assert reload(component).status == ComponentStatus.OPERATIONAL

    service.mode = "down"
    failed = run(check)
    assert not failed.is_ok and failed.detail == "HTTP 503, expected 200"
    assert reload(component).status == ComponentStatus.DEGRADED
    alert = Notification.objects.get(user=staff)
    assert alert.title == "Dashboard is failing its check: HTTP 503, expected 200"
    assert alert.url == f"/status/checks/{check.pk}/draft/"
    assert OutboxMessage.objects.filter(to=staff.email, subject__contains="failing").exists()
    assert not Notification.objects.filter(user=customer).exists()
    # Publishing stays a human decision.
    assert Incident.objects.count() == 0

    draft = client_for(staff).get(alert.url).content.decode()
    assert 'value="Dashboard is not responding as expected"' in draft
    assert "HTTP 503, expected 200" in draft
    assert f'name="status-{component.pk}"' in draft
    assert client_for(customer).get(alert.url).status_code == 403

    # A second failure does not alert again.
    run(check)
    assert Notification.objects.filter(user=staff).count() == 1

    service.mode = "up"
    assert run(check).is_ok
    assert reload(component).status == ComponentStatus.OPERATIONAL
    assert Notification.objects.filter(user=staff, title__contains="passes its check again")


@pytest.mark.django_db
def test_one_click_on_the_draft_publishes_the_incident(service, staff, component, client_for):
    check = add_check(staff, component, service.url)
    service.mode = "down"
    run(check)
    client = client_for(staff)
    page = client.get(f"/status/checks/{check.pk}/draft/").content.decode()
    assert 'action="/status/incidents/new/"' in page
    response = client.post(
        "/status/incidents/new/",
        {
            "title": "Dashboard is not responding as expected",
            "impact": "minor",
            "state": "investigating",
            "body": "Our automatic check of Dashboard is failing.",
            f"status-{component.pk}": "degraded_performance",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().title == "Dashboard is not responding as expected"


@pytest.mark.django_db
def test_an_auto_publishing_check_opens_and_resolves_a_public_incident(service, staff, component):
    check = add_check(staff, component, service.url, auto_publish=True)
    service.mode = "down"
    run(check)
    incident = Incident.objects.get()
    assert incident.state == IncidentState.INVESTIGATING
    assert list(incident.components.all()) == [component]
    assert LedgerEntry.objects.filter(kind="incident.update").count() == 1
    assert Notification.objects.get(user=staff).url == incident.get_absolute_url()

    service.mode = "up"
    run(check)
    assert reload(incident).state == IncidentState.RESOLVED
    assert reload(component).status == ComponentStatus.OPERATIONAL


@pytest.mark.django_db
def test_recovery_leaves_a_status_staff_set_alone(service, staff, component):
    from frankly.incidents import services

    check = add_check(staff, component, service.url)
    service.mode = "down"
    run(check)
    services.change_component_status(
        actor=staff, component_id=component.pk, status=ComponentStatus.MAJOR_OUTAGE
    )
    service.mode = "up"
    run(check)
    assert reload(component).status == ComponentStatus.MAJOR_OUTAGE


@pytest.mark.django_db
def test_a_page_without_the_expected_text_or_too_slow_fails(service, staff, component):
    check = add_check(staff, component, service.url, timeout_seconds=1, interval_seconds=10)
    service.mode = "wrong"
    assert run(check).detail == "HTTP 200, but the body does not contain 'all good'"
    service.mode = "slow"
    assert run(check).detail == "timed out"


@pytest.mark.django_db
def test_a_tcp_check_follows_a_listener_that_closes_and_reopens(staff, component):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    check = monitoring.create_check(
        actor=staff, component_id=component.pk, kind="tcp", target=f"127.0.0.1:{port}"
    )
    assert run(check).is_ok
    listener.close()
    assert not run(check).is_ok
    assert reload(component).status == ComponentStatus.DEGRADED
    listener = socket.create_server(("127.0.0.1", port), reuse_port=False)
    try:
        assert run(check).is_ok
    finally:
        listener.close()
    assert reload(component).status == ComponentStatus.OPERATIONAL


@pytest.mark.django_db
def test_due_checks_run_on_their_interval(service, staff, component):
    check = add_check(staff, component, service.url, interval_seconds=60)
    now = timezone.now()
    assert monitoring.run_due_checks(now) == 1
    assert monitoring.run_due_checks(now + timedelta(seconds=30)) == 0
    assert monitoring.run_due_checks(now + timedelta(seconds=61)) == 1
    assert CheckRun.objects.filter(monitor=check).count() == 2


@pytest.mark.django_db
def test_time_when_no_check_ran_is_no_data_never_up(service, staff, component, client_for):
    check = add_check(staff, component, service.url)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=6)
    # The worker ran for two hours (one failure in the second), then was stopped.
    for minutes in range(0, 120, 10):
        service.mode = "down" if minutes == 70 else "up"
        monitoring.run_check(reload(check), now=start + timedelta(minutes=minutes))
    spans = monitoring.availability(
        check, start=start, end=start + timedelta(hours=5), step=timedelta(hours=1)
    )
    assert [s.state for s in spans] == ["up", "down", "no data", "no data", "no data"]
    page = client_for(staff).get("/status/checks/").content.decode()
    assert "no data" in page and "span-down" in page


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_checks_and_nothing_runs_once_it_stops(service, staff):
    from frankly.notify.scheduler import start_periodic_jobs

    component = make_component(staff, "API")
    check = add_check(staff, component, service.url, interval_seconds=10)
    stop = start_periodic_jobs(interval=3600, check_interval=0.1)
    try:
        deadline = time.monotonic() + 15
        while not CheckRun.objects.filter(monitor=check).exists():
            assert time.monotonic() < deadline, "the worker never ran the check"
            time.sleep(0.1)
    finally:
        stop.set()
    time.sleep(0.5)
    count = CheckRun.objects.count()
    time.sleep(0.5)
    assert CheckRun.objects.count() == count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "http", "target": "ftp://x"}, "target"),
        ({"kind": "tcp", "target": "db.example.com"}, "target"),
        ({"kind": "smtp", "target": "x"}, "kind"),
        ({"kind": "http", "target": "http://x", "interval_seconds": 5}, "interval_seconds"),
        ({"kind": "http", "target": "http://x", "timeout_seconds": 0}, "timeout_seconds"),
    ],
)
def test_bad_checks_are_refused_with_a_reason(api_client, staff, component, payload, field):
    response = api_client(staff).post("/checks", {"component": component.pk, **payload})
    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.django_db
def test_only_staff_manage_checks(api_client, customer, staff, component):
    body = {"component": component.pk, "target": "http://127.0.0.1:9/"}
    assert api_client(customer).post("/checks", body).status_code == 403
    assert api_client(staff).post("/checks", body).status_code == 201
    assert api_client(staff).get("/checks").json()[0]["target"] == "http://127.0.0.1:9/"
