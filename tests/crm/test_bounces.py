"""Bounces: a real SMTP server refuses a recipient for good; the outbox records it,
stops retrying, and the stale-contacts report shows it."""

import pytest

from frankly.crm.models import EmailBounce
from frankly.crm.services import ContactData, save_contact
from frankly.crm.stale import stale_reasons
from frankly.notify.models import OutboxMessage, OutboxStatus
from frankly.notify.outbox import queue_email, send_now


class RefusingInbox:
    """aiosmtpd handler: refuses some recipients (permanently or for now), takes the rest."""

    def __init__(self, refuse: dict[str, str]):
        self.refuse = refuse
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_smtp(smtp_server):
    """The shared smtp_server fixture's settings, with a server that refuses addresses."""
    from aiosmtpd.controller import Controller

    smtp_server.stop()
    from django.conf import settings

    inbox = RefusingInbox(
        {
            "gone@acme.example": "550 5.1.1 <gone@acme.example>: no such user",
            "full@acme.example": "452 4.2.2 Mailbox full, try later",
        }
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def _send(to: str) -> OutboxMessage:
    message = queue_email(
        key=f"test:{to}", to=to, subject="Hello", body="Hi there.", topic="account"
    )
    send_now(message.pk)
    message.refresh_from_db()
    return message


def test_a_permanent_refusal_is_recorded_and_not_retried(db, refusing_smtp):
    contact, _ = save_contact(email="gone@acme.example", data=ContactData())
    message = _send("gone@acme.example")
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    bounce = EmailBounce.objects.get()
    assert (bounce.email, bounce.code) == ("gone@acme.example", 550)
    assert "no such user" in bounce.message
    [reason] = [r for r in stale_reasons()[contact.pk] if r.code == "bounced"]
    assert "550" in reason.detail


def test_a_temporary_refusal_is_retried_and_not_a_bounce(db, refusing_smtp):
    message = _send("full@acme.example")
    assert message.status == OutboxStatus.PENDING
    assert "452" in message.last_error
    assert not EmailBounce.objects.exists()


def test_accepted_mail_is_no_bounce(db, refusing_smtp):
    assert _send("fine@acme.example").status == OutboxStatus.SENT
    assert len(refusing_smtp.messages) == 1
    assert not EmailBounce.objects.exists()
