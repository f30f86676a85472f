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
