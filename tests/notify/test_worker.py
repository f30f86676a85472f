"""The real background queue: emails wait in the database until a worker runs, are
sent once however often the worker (re)starts, and are retried when the mail server
was down. Transactional tests, so commits and the worker behave as in production."""

import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from frankly.notify import outbox, webhook_admin
from frankly.notify.models import OutboxMessage, OutboxStatus, WebhookDelivery
from frankly.notify.tasks import send_outbox_message
from tests.conftest import make_post, make_user
from tests.notify.receiver import TIMEOUT, Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def queue(key: str = "welcome:1", to: str = "carol@example.com") -> OutboxMessage | None:
    with transaction.atomic():
        return outbox.queue_email(
            key=key,
            to=to,
            subject="Your idea shipped",
            body="Dark mode is live.",
            topic="account",
        )


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_queued_email_waits_for_the_worker_and_is_sent_once(smtp_server):
    with transaction.atomic():
        message = outbox.queue_email(
            key="welcome:1",
            to="carol@example.com",
            subject="Your idea shipped",
            body="Live.",
            topic="account",
        )
        assert not DBTaskResult.objects.exists()  # queued only when the event commits
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert smtp_server.messages == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)

    run_worker()
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "carol@example.com"
    assert mail["Subject"] == "Your idea shipped"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL

    # A restarted worker, and even the same task queued again, send nothing more.
    run_worker()
    send_outbox_message.enqueue(message.pk)
    run_worker()
    assert len(smtp_server.messages) == 1


def test_the_same_key_queued_twice_is_sent_once(smtp_server):
    assert queue(key="status:7") is not None
    assert queue(key="status:7") is None
    with transaction.atomic():
        outbox.queue_email(
            key="status:8", to="oscar@example.com", subject="Hi", body="One", topic="account"
        )
        outbox.queue_email(
            key="status:8", to="oscar@example.com", subject="Hi", body="Two", topic="account"
        )
    run_worker()
    run_worker()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "carol@example.com",
        "oscar@example.com",
    ]
    assert OutboxMessage.objects.count() == 2


def test_a_send_that_fails_waits_and_is_sent_once_when_the_server_is_back(smtp_server, settings):
    live_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()  # the mail server is down
    message = queue()
    run_worker()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at > timezone.now()
    assert smtp_server.messages == []
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now()  # the backoff, on the queue itself

    settings.EMAIL_PORT = live_port  # the server is back
    run_worker()
    assert smtp_server.messages == []  # the retry is not due yet
    assert outbox.retry_due() == 0

    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.retry_due() == 1
    run_worker()
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")

    # The deferred retry comes due later and finds the message already sent.
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    run_worker()
    assert outbox.retry_due() == 0
    run_worker()
    assert len(smtp_server.messages) == 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_frankly_worker_batch_runs_queued_tasks(smtp_server):
    queue(key="digest:1")
    assert smtp_server.messages == []
    call_command("worker", "--batch", verbosity=0)
    assert len(smtp_server.messages) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_webhook_goes_through_the_queue_and_its_retry_waits_on_the_queue(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WEBHOOKS_ALLOW_PRIVATE, settings.WEBHOOK_TIMEOUT = True, TIMEOUT
    staff, customer = make_user(staff=True), make_user()
    with Receiver() as receiver:
        webhook_admin.register_endpoint(actor=staff, url=receiver.url, events=["post.created"])
        receiver.answers = [500]
        make_post(customer)  # commits: the dispatch task is queued
        assert receiver.requests == []

        run_worker()  # dispatches, then delivers; the receiver answers 500
        assert len(receiver.requests) == 1
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert retry.run_after > timezone.now()

        run_worker()  # not due: nothing sent
        assert len(receiver.requests) == 1

        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        DBTaskResult.objects.filter(pk=retry.pk).update(
            run_after=timezone.now() - timedelta(seconds=1)
        )
        run_worker()
        run_worker()
        assert len(receiver.requests) == 2
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("delivered", 2)
