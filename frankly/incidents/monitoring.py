"""Built-in HTTP/TCP checks of components, run by the worker.

A failing check marks its component degraded (only if it was operational: a status
staff set by hand or through an incident is theirs) and alerts staff at once with a
link to a ready incident draft. Publishing stays a human decision unless the check is
set to auto-publish. When the check passes again, the component goes back to
operational if the check was what degraded it, and staff hear that too.

Availability from checks is honest: a span of time with no run is "no data".
"""

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frankly.access import require_staff
from frankly.accounts.contact import Topic
from frankly.errors import Invalid
from frankly.incidents import services
from frankly.incidents.caching import bump_status_version
from frankly.incidents.models import (
    CheckKind,
    CheckRun,
    Component,
    ComponentStatus,
    Impact,
    Incident,
    IncidentState,
    MonitorCheck,
)
from frankly.notify.models import Kind
from frankly.notify.outbox import queue_email
from frankly.notify.services import notify

BODY_LIMIT = 1_000_000


@transaction.atomic
def create_check(
    *,
    actor,
    component_id,
    kind: str,
    target: str,
    interval_seconds: int = 60,
    timeout_seconds: int = 10,
    expected_status: int = 200,
    expected_body: str = "",
    auto_publish: bool = False,
) -> MonitorCheck:
    """Add a check to a component (staff)."""
    require_staff(actor)
    component = services._get(Component, component_id, what="component")
    target = (target or "").strip()
    if kind == CheckKind.HTTP:
        parts = urllib.parse.urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Invalid("An HTTP check needs a full http:// or https:// address.", field="target")
    elif kind == CheckKind.TCP:
        host, _, port = target.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise Invalid("A TCP check needs host:port, e.g. db.example.com:5432.", field="target")
    else:
        raise Invalid(f"'{kind}' is not a check kind. Choose http or tcp.", field="kind")
    if not 10 <= interval_seconds <= 86_400:
        raise Invalid("Run a check every 10 seconds to once a day.", field="interval_seconds")
    if not 1 <= timeout_seconds <= min(60, interval_seconds):
        raise Invalid(
            "The timeout is 1 to 60 seconds, and no longer than the interval.",
            field="timeout_seconds",
        )
    if not 100 <= expected_status <= 599:
        raise Invalid("The expected status is an HTTP status, 100 to 599.", field="expected_status")
    check = MonitorCheck(
        component=component,
        kind=kind,
        target=target,
        interval_seconds=interval_seconds,
        timeout_seconds=timeout_seconds,
        expected_status=expected_status,
        expected_body=(expected_body or "")[:200],
        auto_publish=auto_publish,
    )
    check.full_clean()
    check.save()
    return check


# --- Probing ----------------------------------------------------------------------------


def probe(check: MonitorCheck) -> tuple[bool, str, int]:
    """Run the check once: (passed, what happened, milliseconds). Never raises."""
    started = time.monotonic()
    try:
        if check.kind == CheckKind.TCP:
            host, _, port = check.target.rpartition(":")
            with socket.create_connection((host.strip("[]"), int(port)), check.timeout_seconds):
                pass
            ok, detail = True, "connected"
        else:
            ok, detail = _probe_http(check)
    except (OSError, ValueError) as exc:
        ok, detail = False, _reason(exc)
    return ok, detail[:300], round((time.monotonic() - started) * 1000)


def _probe_http(check: MonitorCheck) -> tuple[bool, str]:
    request = urllib.request.Request(  # noqa: S310 (http/https only, checked on create)
        check.target, headers={"User-Agent": f"{settings.SITE_NAME} status check"}
    )
    try:
        with urllib.request.urlopen(request, timeout=check.timeout_seconds) as response:  # noqa: S310
            status, body = response.status, response.read(BODY_LIMIT)
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read(BODY_LIMIT) if exc.fp else b""
    if status != check.expected_status:
        return False, f"HTTP {status}, expected {check.expected_status}"
    if check.expected_body and check.expected_body.encode() not in body:
        return False, f"HTTP {status}, but the body does not contain {check.expected_body!r}"
    return True, f"HTTP {status}"


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, Exception) else exc
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return str(exc) or exc.__class__.__name__


# --- Running and reacting ---------------------------------------------------------------


def run_due_checks(now: datetime | None = None) -> int:
    """Run every active check whose interval has passed; return how many ran."""
    now = now or timezone.now()
    ran = 0
    for check in MonitorCheck.objects.filter(is_active=True).select_related("component"):
        if (
            check.last_run_at
            and check.last_run_at + timedelta(seconds=check.interval_seconds) > now
        ):
            continue
        run_check(check, now=now)
        ran += 1
    return ran


def run_check(check: MonitorCheck, *, now: datetime | None = None) -> CheckRun:
    """Probe once (outside any transaction), then record the run and react to it."""
    ok, detail, latency = probe(check)
    with transaction.atomic():
        check = MonitorCheck.objects.select_for_update().get(pk=check.pk)
        run = CheckRun.objects.create(
            monitor=check,
            started_at=now or timezone.now(),
            is_ok=ok,
            latency_ms=latency,
            detail=detail,
        )
        check.last_run_at = run.started_at
        if not ok and not check.is_failing:
            _start_failing(check, detail)
        elif ok and check.is_failing:
            _recover(check)
        check.last_error = "" if ok else detail
        check.save(update_fields=["last_run_at", "is_failing", "last_error", "incident"])
    return run


def _start_failing(check: MonitorCheck, detail: str) -> None:
    check.is_failing = True
    component = Component.objects.select_for_update().get(pk=check.component_id)
    at = timezone.now()
    if component.status == ComponentStatus.OPERATIONAL and services.set_status(
        component, ComponentStatus.DEGRADED, at=at
    ):
        bump_status_version()
    draft = reverse("incidents:check_draft", args=[check.pk])
    if check.auto_publish:
        check.incident = _publish_incident(check, component, detail)
        url = check.incident.get_absolute_url()
        what = "An incident was published automatically"
    else:
        url, what = draft, "Nothing is public yet: post an incident from the ready draft"
    _alert_staff(
        key=f"check:{check.pk}:failing:{int(at.timestamp())}",
        title=f"{component.name} is failing its check: {detail}",
        body=f"{check.get_kind_display()} check of {check.target} failed: {detail}. "
        f"{component.name} is now shown as degraded. {what}.",
        url=url,
    )


def _recover(check: MonitorCheck) -> None:
    check.is_failing = False
    component = Component.objects.select_for_update().get(pk=check.component_id)
    last = component.status_changes.order_by("-started_at", "-id").first()
    degraded_by_us = (
        component.status == ComponentStatus.DEGRADED
        and last is not None
        and last.incident_id is None
        and last.maintenance_id is None
    )
    if check.incident is not None and not check.incident.is_resolved:
        services._apply_update(
            check.incident,
            actor=None,
            state=IncidentState.RESOLVED,
            body=f"The automatic check of {component.name} passes again.",
            component_statuses=None,
        )
        check.incident = None
    elif degraded_by_us and services.set_status(
        component, ComponentStatus.OPERATIONAL, at=timezone.now()
    ):
        bump_status_version()
    _alert_staff(
        key=f"check:{check.pk}:recovered:{int(timezone.now().timestamp())}",
        title=f"{component.name} passes its check again",
        body=f"{check.get_kind_display()} check of {check.target} passes again.",
        url=reverse("incidents:status"),
    )


def _publish_incident(check: MonitorCheck, component: Component, detail: str) -> Incident:
    incident = Incident.objects.create(
        title=f"{component.name} is not responding as expected",
        impact=Impact.MINOR,
        private_page_id=component.private_page_id,  # a private component stays private
    )
    incident.components.add(component)
    services._apply_update(
        incident,
        actor=None,
        state=IncidentState.INVESTIGATING,
        body=f"Our automatic check of {component.name} is failing ({detail}). "
        "We are looking into it.",
        component_statuses={component.pk: ComponentStatus.DEGRADED},
    )
    return incident


def _alert_staff(*, key: str, title: str, body: str, url: str) -> None:
    """An inbox notification and an email to every staff member, at once."""
    staff = list(get_user_model().objects.filter(is_staff=True, is_active=True))
    for notification in notify(staff, kind=Kind.ALERT, key=key, title=title, url=url, body=body):
        queue_email(
            key=f"alert:{notification.pk}",
            to=notification.user.email,
            user=notification.user,
            subject=f"[{settings.SITE_NAME}] {title}"[:300],
            body=f"{body}\n\n{settings.SITE_URL}{url}\n",
            # Staff asked for these by being on call for the status page.
            topic=Topic.NOTIFICATIONS,
        )


def draft_for(check: MonitorCheck) -> dict:
    """The incident a staff member can publish in one click from an alert."""
    return {
        "title": f"{check.component.name} is not responding as expected",
        "impact": Impact.MINOR,
        "body": f"Our automatic check of {check.component.name} is failing "
        f"({check.last_error or 'see the check'}). We are looking into it.",
        "component": check.component,
        "status": ComponentStatus.DEGRADED,
    }


# --- Availability from checks ------------------------------------------------------------


@dataclass
class Span:
    start: datetime
    end: datetime
    runs: int
    failures: int

    @property
    def state(self) -> str:
        """ "no data" when no check ran in the span, never "up"."""
        if not self.runs:
            return "no data"
        return "down" if self.failures else "up"


def availability(
    check: MonitorCheck, *, start: datetime, end: datetime, step: timedelta
) -> list[Span]:
    """Spans of ``step`` from ``start`` to ``end``, each up, down or "no data"."""
    spans = []
    cursor = start
    while cursor < end:
        spans.append(Span(cursor, min(cursor + step, end), 0, 0))
        cursor += step
    for run in check.runs.filter(started_at__gte=start, started_at__lt=end).only(
        "started_at", "is_ok"
    ):
        span = spans[int((run.started_at - start) / step)]
        span.runs += 1
        span.failures += 0 if run.is_ok else 1
    return spans
