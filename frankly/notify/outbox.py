"""The email outbox: queue a message once, send it at most once, retry with backoff,
and give up visibly (staff see failed messages) instead of losing it.

Sending holds the message's row lock, so two workers never send the same message.
A worker killed between the SMTP server accepting the mail and the commit would
send it again on retry: SMTP gives no way to do better than at least once there.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from frankly.notify.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]
# How long a claimed attempt is held before another worker may retry it: longer than
# EMAIL_TIMEOUT, so a send in progress is never started twice.
CLAIM = timedelta(minutes=2)


def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    topic: str,
    headers: dict | None = None,
    user=None,
) -> OutboxMessage | None:
    """Queue one email under an idempotency key; a key seen before queues nothing,
    and neither does a topic the recipient said no to (their contact preferences).

    Call inside the transaction of the event; the send starts after it commits.
    """
    from frankly.accounts.contact import may_contact

    if not may_contact(email=to, topic=topic, user=user):
        return None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key[:160],
                to=to,
                subject=subject[:300],
                body=body,
                headers=headers or {},
                user=user,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int, *, delay: timedelta | None = None) -> None:
    from frankly.notify.tasks import enqueue_after, send_outbox_message

    if delay:
        enqueue_after(send_outbox_message, delay, message_id)
    else:
        send_outbox_message.enqueue(message_id)


def send_now(message_id: int) -> str:
    """Send one queued message if it is still pending and due; returns its status.

    The attempt is claimed in a short transaction (moving next_attempt_at past the
    SMTP timeout, so no other worker takes it meanwhile), the mail is sent with no
    transaction open (SQLite's write lock is never held across the network), and the
    result is recorded in a second short transaction.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return message.status if message else "missing"
        if message.next_attempt_at > timezone.now():
            return message.status
        message.attempts += 1
        message.next_attempt_at = timezone.now() + CLAIM
        message.save(update_fields=["attempts", "next_attempt_at"])
    error, refusal = "", None
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers=message.headers,
        ).send()
    except smtplib.SMTPRecipientsRefused as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        refusal = _permanent_refusal(exc)
    except Exception as exc:  # any failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        if refusal is not None:
            # The server refused the address for good (5xx): retrying cannot help, and
            # the CRM side shows the bounce on the stale-contacts page.
            from frankly.crm.services import record_bounce

            record_bounce(email=message.to, code=refusal[0], message=refusal[1])
            message.status, message.last_error = OutboxStatus.FAILED, error
            log.warning("Outbox message %s bounced: %s", message.pk, error)
        elif not error:
            message.status, message.sent_at, message.last_error = (
                OutboxStatus.SENT,
                timezone.now(),
                "",
            )
        elif message.attempts >= MAX_ATTEMPTS:
            message.status, message.last_error = OutboxStatus.FAILED, error
            log.warning("Gave up on outbox message %s: %s", message.pk, error)
        else:
            wait = BACKOFF[min(message.attempts - 1, len(BACKOFF) - 1)]
            message.last_error, message.next_attempt_at = error, timezone.now() + wait
            transaction.on_commit(lambda: _enqueue(message.pk, delay=wait))
        message.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    return message.status


def _permanent_refusal(exc: smtplib.SMTPRecipientsRefused) -> tuple[int, str] | None:
    """(code, text) when the server refused the recipient permanently (5xx)."""
    for code, text in exc.recipients.values():
        if 500 <= code < 600:
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            return code, text
    return None


def retry_due() -> int:
    """Re-enqueue pending messages whose time has come (after a worker restart, or a
    lost task): the safety net the worker runs now and then."""
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        _enqueue(pk)
    return len(due)
