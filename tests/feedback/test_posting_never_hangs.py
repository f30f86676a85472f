"""Posting never hangs: with the mail server down and a webhook receiver that accepts
connections but never answers, creating a post and a comment over real HTTP still
answers at once, because mail, webhooks and sentiment wait on the database queue
for the worker. The worker then records the failures and keeps everything for retry.
"""

import json
import socket
import time
import urllib.request

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from frankly.accounts.services import create_api_token
from frankly.notify import services as notify
from frankly.notify import webhook_admin
from frankly.notify.models import Kind, OutboxMessage, OutboxStatus, WebhookDelivery
from tests.conftest import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_port():
    """A local port whose listener never accepts: connections open (the kernel queues
    them) and then nothing is ever said, like a hung mail server or webhook receiver."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def send(live_server, path: str, token: str, payload: dict) -> tuple[int, dict, float]:
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        f"{live_server.url}/api/v1{path}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, json.load(response), time.monotonic() - started


def test_posting_and_commenting_answer_at_once_when_mail_and_webhooks_hang(
    live_server, settings, smtp_server, silent_port
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_TIMEOUT, settings.WEBHOOK_TIMEOUT = 20.0, 20.0
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    smtp_server.stop()  # the mail server is down ...
    settings.EMAIL_PORT = silent_port  # ... and its address swallows connections
    staff, author, follower = make_user(staff=True), make_user(), make_user()
    webhook_admin.register_endpoint(
        actor=staff,
        url=f"http://127.0.0.1:{silent_port}/hooks",
        events=["post.created", "comment.created"],
    )
    existing = make_post(author, title="Export to CSV")
    notify.set_email_preferences(user=author, choices={Kind.REPLY: "instant"})
    _, token = create_api_token(user=follower, name="tests")

    status, post, post_took = send(
        live_server, "/posts", token, {"kind": "idea", "title": "Dark mode", "body": "Please."}
    )
    assert status == 201
    status, _, comment_took = send(
        live_server, f"/posts/{existing.pk}/comments", token, {"body": "Me too, for reports."}
    )
    assert status == 201

    # Well under either timeout: neither request waited for mail or a webhook.
    assert post_took < settings.EMAIL_TIMEOUT / 4, post_took
    assert comment_took < settings.EMAIL_TIMEOUT / 4, comment_took
    waiting = set(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list(
            "task_path", flat=True
        )
    )
    assert {
        "frankly.notify.tasks.dispatch_webhook_event",
        "frankly.notify.tasks.fan_out_comment",
    } <= waiting
    assert not OutboxMessage.objects.exists()  # not even the email is written yet

    # The worker does the slow part later; it gives up on each attempt after the
    # timeout and keeps the mail and the deliveries for retry, losing nothing.
    settings.EMAIL_TIMEOUT, settings.WEBHOOK_TIMEOUT = 0.5, 0.5
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    mail = OutboxMessage.objects.get(to=author.email)
    assert (mail.status, mail.attempts) == (OutboxStatus.PENDING, 1)
    assert mail.last_error
    deliveries = WebhookDelivery.objects.order_by("event")
    assert [d.event for d in deliveries] == ["comment.created", "post.created", "post.created"]
    assert all(d.status == "pending" and d.attempts == 1 for d in deliveries)
    assert post["title"] == "Dark mode"
