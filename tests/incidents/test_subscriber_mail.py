"""Confirmed status subscribers get each incident update by email, once, through a
real SMTP server; unconfirmed, unsubscribed and other-component subscribers do not."""

import pytest
from django.utils import timezone

from frankly.incidents import services
from frankly.incidents.models import StatusSubscription
from frankly.incidents.tasks import email_incident_update

pytestmark = pytest.mark.django_db


def subscriber(email: str, *, components=(), confirmed=True, unsubscribed=False):
    subscription = StatusSubscription.objects.create(
        email=email,
        all_components=not components,
        confirmed_at=timezone.now() if confirmed else None,
        unsubscribed_at=timezone.now() if unsubscribed else None,
    )
    subscription.components.set(components)
    return subscription


def test_incident_updates_reach_the_right_subscribers_once(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    api = services.create_component(actor=staff, name="REST API")
    billing = services.create_component(actor=staff, name="Billing")
    everything = subscriber("all@example.com")
    api_only = subscriber("api@example.com", components=[api])
    subscriber("billing@example.com", components=[billing])
    subscriber("pending@example.com", confirmed=False)
    subscriber("gone@example.com", unsubscribed=True)

    with django_capture_on_commit_callbacks(execute=True):
        incident = services.open_incident(
            actor=staff,
            title="API errors",
            impact="major",
            body="Requests fail.",
            components=[api.pk],
            component_statuses={api.pk: "major_outage"},
        )

    assert sorted(m["To"] for m in smtp_server.messages) == ["all@example.com", "api@example.com"]
    message = next(m for m in smtp_server.messages if m["To"] == "api@example.com")
    assert "API errors" in message["Subject"] and "Investigating" in message["Subject"]
    assert "Requests fail." in message.get_content()
    assert api_only.token in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Running the task again (a retry, a restarted worker) sends nothing more.
    update = incident.updates.get()
    with django_capture_on_commit_callbacks(execute=True):
        email_incident_update.call(update.pk)
    assert len(smtp_server.messages) == 2
    assert everything.is_active


def test_posting_an_update_answers_even_when_mail_is_down(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    from frankly.notify.models import OutboxMessage

    api = services.create_component(actor=staff, name="REST API")
    subscriber("all@example.com")
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.open_incident(
            actor=staff,
            title="API errors",
            impact="minor",
            body="Slow.",
            components=[api.pk],
        )
    assert incident.updates.count() == 1
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.last_error


def test_an_update_changing_five_components_sends_each_subscriber_one_mail(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    from frankly.incidents.models import IncidentSubscription

    parts = [services.create_component(actor=staff, name=f"Region {n}") for n in "ABCDE"]
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.open_incident(
            actor=staff, title="Network trouble", impact="minor", body="Looking.", components=[]
        )
    subscriber("all@example.com")
    subscriber("three@example.com", components=parts[:3])
    subscriber("one@example.com", components=parts[4:])
    for email in ["three@example.com", "follower@example.com"]:
        IncidentSubscription.objects.create(
            email=email, incident=incident, confirmed_at=timezone.now()
        )
    statuses = ["major_outage", "partial_outage", "degraded_performance", "major_outage"]
    services.change_component_status(actor=staff, component_id=parts[4].pk, status="major_outage")

    with django_capture_on_commit_callbacks(execute=True):
        services.post_incident_update(
            actor=staff,
            incident_id=incident.pk,
            state="identified",
            body="A core router failed.",
            component_statuses={
                **{str(p.pk): s for p, s in zip(parts, statuses, strict=False)},
                str(parts[4].pk): "major_outage",
            },
        )

    assert sorted(m["To"] for m in smtp_server.messages) == [
        "all@example.com",
        "follower@example.com",
        "one@example.com",
        "three@example.com",
    ]
    message = next(m for m in smtp_server.messages if m["To"] == "three@example.com")
    body = message.get_content().replace("\r\n", "\n")
    assert "A core router failed." in body
    digest = body.split("Components:\n")[1].split("\n\n")[0].splitlines()
    assert digest == [
        "- Region A: Major outage (was operational)",
        "- Region B: Partial outage (was operational)",
        "- Region C: Degraded performance (was operational)",
        "- Region D: Major outage (was operational)",
        "- Region E: Major outage (unchanged)",
    ]
