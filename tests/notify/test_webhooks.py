"""Signed webhooks, end to end: a real HTTP receiver on 127.0.0.1 gets what the
services send, signed, once, retried with backoff, and internal URLs are refused."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frankly.errors import Invalid
from frankly.feedback import services as feedback
from frankly.incidents import services as incidents
from frankly.notify import webhook_admin, webhooks
from frankly.notify.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import make_post
from tests.notify.receiver import TIMEOUT, Receiver


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test here makes people; Argon2 would spend most of the run hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        yield receiver


def register(staff, receiver, *events: str) -> WebhookEndpoint:
    return webhook_admin.register_endpoint(
        actor=staff, url=receiver.url, events=list(events) or ["post.created"], description=""
    )


def signature_parts(header: str) -> dict:
    return dict(part.split("=", 1) for part in header.split(","))


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def only_delivery() -> WebhookDelivery:
    (delivery,) = WebhookDelivery.objects.all()
    return delivery


# Sending


def test_a_new_post_is_posted_once_as_signed_json(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(customer, title="Export to CSV", body="For the finance team.")

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.method == "POST"
    assert request.path == "/hooks"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json
    assert set(body) == {"id", "event", "created_at", "data"}
    assert body["event"] == "post.created"
    assert body["data"]["post"]["id"] == post.pk
    assert body["data"]["post"]["title"] == "Export to CSV"
    assert request.headers["X-Frankly-Event"] == "post.created"
    assert request.headers["X-Frankly-Delivery"] == body["id"]

    parts = signature_parts(request.headers["X-Frankly-Signature"])
    assert set(parts) == {"t", "v1"}
    assert abs(time.time() - int(parts["t"])) < 5
    assert hmac.compare_digest(
        parts["v1"], expected_signature(endpoint.secret, parts["t"], request.body)
    )
    assert parts["v1"] != expected_signature("some other secret", parts["t"], request.body)

    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_code, delivery.last_error) == (1, 200, "")
    assert delivery.event_id == body["id"]


def test_events_the_endpoint_did_not_choose_are_not_sent(
    customer, staff, receiver, post, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    with django_capture_on_commit_callbacks(execute=True):
        feedback.change_status(actor=staff, post_id=post.pk, status="planned")
        feedback.add_comment(author=customer, post_id=post.pk, body="Any news on this?")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_deactivated_endpoint_gets_nothing(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    webhook_admin.deactivate_endpoint(actor=staff, endpoint_id=endpoint.pk)
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    assert receiver.requests == []


def test_a_status_change_is_sent_by_change_status(
    staff, receiver, post, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.status_changed")
    with django_capture_on_commit_callbacks(execute=True):
        feedback.change_status(actor=staff, post_id=post.pk, status="planned", note="Next month.")
    assert [r.headers["X-Frankly-Event"] for r in receiver.requests] == ["post.status_changed"]
    data = receiver.requests[0].json["data"]
    assert (data["post"]["id"], data["from"], data["to"]) == (post.pk, "open", "planned")


def test_a_comment_is_sent_by_add_comment(
    customer, staff, receiver, post, django_capture_on_commit_callbacks
):
    register(staff, receiver, "comment.created")
    with django_capture_on_commit_callbacks(execute=True):
        comment = feedback.add_comment(author=customer, post_id=post.pk, body="Please, yes.")
    assert [r.headers["X-Frankly-Event"] for r in receiver.requests] == ["comment.created"]
    data = receiver.requests[0].json["data"]["comment"]
    assert (data["id"], data["post"], data["body"]) == (comment.pk, post.pk, "Please, yes.")


def test_an_incident_update_is_sent_by_post_incident_update(
    staff, receiver, django_capture_on_commit_callbacks
):
    component = incidents.create_component(actor=staff, name="REST API")
    incident = incidents.open_incident(
        actor=staff,
        title="Elevated error rates",
        impact="minor",
        body="We are looking into it.",
        components=[component.pk],
    )
    register(staff, receiver, "incident.updated")
    with django_capture_on_commit_callbacks(execute=True):
        update = incidents.post_incident_update(
            actor=staff, incident_id=incident.pk, state="identified", body="A bad deploy."
        )
    assert [r.headers["X-Frankly-Event"] for r in receiver.requests] == ["incident.updated"]
    data = receiver.requests[0].json["data"]
    assert data["incident"]["id"] == incident.pk
    assert data["incident"]["state"] == "identified"
    assert data["update"]["id"] == update.pk


def test_a_published_changelog_entry_is_sent_by_publish_entry(
    staff, receiver, post, django_capture_on_commit_callbacks
):
    from frankly.roadmap import services as roadmap

    entry = roadmap.create_entry(actor=staff, title="Dark mode", post_ids=[post.pk])
    register(staff, receiver, "changelog.published")
    with django_capture_on_commit_callbacks(execute=True):
        roadmap.publish_entry(actor=staff, entry_id=entry.pk)
    assert [r.headers["X-Frankly-Event"] for r in receiver.requests] == ["changelog.published"]
    data = receiver.requests[0].json["data"]["entry"]
    assert (data["id"], data["title"]) == (entry.pk, "Dark mode")
    assert [p["id"] for p in data["posts"]] == [post.pk]


def test_dispatching_the_same_event_twice_delivers_it_once(staff, receiver):
    register(staff, receiver, "post.created")
    body = webhooks.event_body("post.created", {"post": {"id": 1}})
    for _ in range(2):
        webhooks.dispatch(
            "post.created", body["data"], event_id=body["id"], created_at=body["created_at"]
        )
    assert WebhookDelivery.objects.count() == 1


def test_a_new_secret_signs_from_then_on(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    old_secret = endpoint.secret
    rotated = webhook_admin.rotate_secret(actor=staff, endpoint_id=endpoint.pk)
    assert rotated.secret != old_secret
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    request = receiver.requests[0]
    parts = signature_parts(request.headers["X-Frankly-Signature"])
    assert parts["v1"] == expected_signature(rotated.secret, parts["t"], request.body)
    assert parts["v1"] != expected_signature(old_secret, parts["t"], request.body)


# Failures and retries


def test_an_error_answer_leaves_the_delivery_waiting_for_a_later_retry(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)

    assert len(receiver.requests) == 1
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.response_code) == (1, 500)
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at > timezone.now()

    # Not due yet: nothing is sent.
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.PENDING
    assert len(receiver.requests) == 1


def test_a_due_retry_delivers_and_nothing_is_sent_twice(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()

    make_due(delivery)
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    assert delivery.last_error == ""
    assert delivery.delivered_at is not None
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["X-Frankly-Delivery"] == second.headers["X-Frankly-Delivery"]

    make_due(delivery)
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.DELIVERED
    assert webhooks.retry_due() == 0
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_the_retry_sweep_sends_due_deliveries(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()
    assert webhooks.retry_due() == 0  # waiting for its backoff

    make_due(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2


def test_a_waiting_delivery_is_not_sent_once_its_endpoint_is_deactivated(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    webhook_admin.deactivate_endpoint(actor=staff, endpoint_id=endpoint.pk)
    delivery = only_delivery()
    make_due(delivery)
    assert webhooks.retry_due() == 0
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert "deactivated" in delivery.last_error
    assert len(receiver.requests) == 1


def test_after_max_attempts_the_delivery_fails_and_the_log_shows_it(
    customer, staff, receiver, client_for, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    receiver.answers = [500] * webhooks.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        make_due(delivery)
        webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert (delivery.attempts, delivery.response_code) == (webhooks.MAX_ATTEMPTS, 500)
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS
    make_due(delivery)
    assert webhooks.deliver(delivery.pk) == DeliveryStatus.FAILED
    assert webhooks.retry_due() == 0
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS

    page = client_for(staff).get(f"/notifications/webhooks/{endpoint.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="delivery-{delivery.pk}" data-status="failed"' in html
    assert "Failed (gave up)" in html
    assert "HTTP 500" in html
    assert f"/notifications/webhooks/deliveries/{delivery.pk}/redeliver/" in html


def test_staff_can_send_a_failed_delivery_again(
    customer, staff, receiver, client_for, django_capture_on_commit_callbacks
):
    endpoint = register(staff, receiver, "post.created")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(staff).post(
            f"/notifications/webhooks/deliveries/{delivery.pk}/redeliver/"
        )
    assert answer.status_code == 302
    assert answer["Location"] == f"/notifications/webhooks/{endpoint.pk}/"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert len(receiver.requests) == 2

    # Delivered now: sending it again is refused and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(staff).post(
            f"/notifications/webhooks/deliveries/{delivery.pk}/redeliver/", follow=True
        )
    assert "already reached the endpoint" in answer.content.decode()
    assert len(receiver.requests) == 2


def test_a_receiver_that_hangs_past_the_timeout_is_an_error_not_a_crash(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = ["hang"]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    assert time.monotonic() - started < TIMEOUT + 2
    delivery = only_delivery()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.response_code is None
    assert "No answer within 0.3 seconds" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()


def test_a_receiver_answering_garbage_is_an_error_not_a_crash(
    customer, staff, receiver, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = ["garbage"]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("BadStatusLine")


def test_redirects_are_not_followed(customer, staff, receiver, django_capture_on_commit_callbacks):
    register(staff, receiver, "post.created")
    receiver.answers = ["redirect"]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    assert [(r.method, r.path) for r in receiver.requests] == [("POST", "/hooks")]
    delivery = only_delivery()
    assert (delivery.status, delivery.response_code) == ("pending", 302)
    assert "redirects are not followed" in delivery.last_error


# Refusing internal addresses

REFUSED_URLS = [
    ("http://127.0.0.1:8000/hooks", "not a public address"),
    ("http://localhost/", "not a public address"),
    ("http://10.0.0.1/", "not a public address"),
    ("http://169.254.169.254/latest/meta-data/", "not a public address"),
    ("http://[::1]/", "not a public address"),
    ("http://[::ffff:127.0.0.1]/", "not a public address"),
    ("http://0.0.0.0/", "not a public address"),
    ("https://192.168.1.20:8443/", "not a public address"),
    ("ftp://x", "starts with https://"),
    ("http:///no-host", "starts with https://"),
    ("hooks.example.com/frankly", "starts with https://"),
    ("http://example.com:99999/", "port"),
    ("http://[::1/", "starts with https://"),
]


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(("url", "reason"), REFUSED_URLS)
def test_the_api_refuses_internal_and_malformed_urls(
    staff, api_client, private_refused, url, reason
):
    answer = api_client(staff).post("/webhooks", {"url": url, "events": ["post.created"]})
    assert answer.status_code == 422, answer.content
    assert reason in answer.json()["detail"]
    assert answer.json()["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/hooks", "http://localhost/", "http://169.254.169.254/", "ftp://x"],
)
def test_the_page_shows_a_form_error_for_an_internal_url(staff, client_for, private_refused, url):
    answer = client_for(staff).post(
        "/notifications/webhooks/", {"url": url, "events": ["post.created"]}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'class="error" role="alert"' in html
    assert "not a public address" in html or "starts with https://" in html
    assert not WebhookEndpoint.objects.exists()


def test_a_url_that_now_resolves_privately_is_refused_at_send_time(
    customer, staff, receiver, settings, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")  # allowed when registered
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    assert receiver.requests == []
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, None)
    assert "Not sent" in delivery.last_error
    assert "127.0.0.1, which is not a public address" in delivery.last_error


def test_a_host_that_rebinds_to_a_private_address_between_check_and_connect_gets_nothing(
    customer, staff, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """DNS rebinding: the check sees a public address, the connection gets 127.0.0.1."""
    import socket

    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    webhook_admin.register_endpoint(
        actor=staff, url=f"http://rebind.example:{port}/hooks", events=["post.created"]
    )
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    real_getaddrinfo, lookups = socket.getaddrinfo, []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = "93.184.215.14" if len(lookups) == 1 else "127.0.0.1"
        return real_getaddrinfo(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    assert len(lookups) == 2  # the check, then the connection
    assert receiver.requests == []
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "resolved to 127.0.0.1 when connecting" in delivery.last_error


def test_check_url_allows_private_addresses_only_when_the_setting_is_on(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(Invalid):
        webhooks.check_url("http://127.0.0.1:9/")
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert webhooks.check_url("http://127.0.0.1:9/") == "http://127.0.0.1:9/"
    with pytest.raises(Invalid):
        webhooks.check_url("file:///etc/passwd")


# The API


def test_staff_register_list_and_read_the_log_through_the_api(
    customer, staff, receiver, api_client, django_capture_on_commit_callbacks
):
    client = api_client(staff)
    created = client.post(
        "/webhooks",
        {
            "url": receiver.url,
            "events": ["comment.created", "post.created", "post.created"],
            "description": "  CRM   sync ",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["events"] == ["post.created", "comment.created"]
    assert body["description"] == "CRM sync"
    assert body["secret"].startswith("whsec_")
    assert body["secret"] == WebhookEndpoint.objects.get().secret

    listed = client.get("/webhooks").json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]
    assert listed["next"] is None
    assert "secret" not in listed["items"][0]
    assert body["secret"].startswith(listed["items"][0]["secret_hint"].rstrip("…"))
    assert "secret" not in client.get(f"/webhooks/{body['id']}").json()

    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    log = client.get(f"/webhooks/{body['id']}/deliveries").json()
    assert log["next"] is None
    (item,) = log["items"]
    assert item["event"] == "post.created"
    assert (item["status"], item["attempts"], item["response_code"]) == ("pending", 1, 500)
    assert item["last_error"] == "HTTP 500"
    assert item["next_attempt_at"] is not None

    changed = client.patch(f"/webhooks/{body['id']}", {"events": ["incident.updated"]})
    assert changed.status_code == 200
    assert changed.json()["events"] == ["incident.updated"]

    rotated = client.post(f"/webhooks/{body['id']}/rotate-secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (body["secret"], "")

    assert client.delete(f"/webhooks/{body['id']}").status_code == 204
    assert WebhookEndpoint.objects.get().is_active is False
    assert client.get(f"/webhooks/{body['id']}").json()["is_active"] is False


def test_the_api_redelivers_a_failed_delivery(
    customer, staff, receiver, api_client, django_capture_on_commit_callbacks
):
    register(staff, receiver, "post.created")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer)
    delivery = only_delivery()
    client = api_client(staff)

    still_waiting = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver")
    assert still_waiting.status_code == 409
    assert "still being retried" in still_waiting.json()["detail"]

    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver")
    assert answer.status_code == 202, answer.content
    assert (answer.json()["status"], answer.json()["attempts"]) == ("pending", 0)  # queued
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert len(receiver.requests) == 2

    again = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver")
    assert again.status_code == 409
    assert len(receiver.requests) == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "https://example.com/h", "events": []}, "events"),
        ({"url": "https://example.com/h", "events": ["post.deleted"]}, "events"),
        ({"url": "https://example.com/h", "events": "post.created"}, None),
        ({"url": "https://example.com/h"}, None),
        ({"url": "https://exa mple.com/h", "events": ["post.created"]}, "url"),
        ({"url": "https://example.com/" + "a" * 600, "events": ["post.created"]}, "url"),
        ({"url": "https://example.com/\x00", "events": ["post.created"]}, "url"),
        (
            {"url": "https://example.com/h", "events": ["post.created"], "description": "x" * 300},
            "description",
        ),
        ("{not json", None),
        ([1, 2], None),
    ],
)
def test_the_api_answers_bad_input_with_a_4xx(staff, api_client, settings, payload, field):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # no DNS lookups: the input is what is wrong
    answer = api_client(staff).post("/webhooks", payload)
    # A body that is not JSON at all is refused by ninja with 400 before validation.
    assert answer.status_code == (400 if isinstance(payload, str) else 422), answer.content
    assert answer.json()["detail"]
    if field:
        assert answer.json()["field"] == field
    assert not WebhookEndpoint.objects.exists()


def test_unknown_ids_and_bad_cursors_are_4xx(staff, api_client):
    client = api_client(staff)
    for path in ("/webhooks/999", "/webhooks/99999999999999999999999", "/webhooks/999/deliveries"):
        answer = client.get(path)
        assert answer.status_code in (404, 422), path
        assert answer.json()["detail"]
    assert client.delete("/webhooks/999").status_code == 404
    assert client.post("/webhooks/deliveries/999/redeliver").status_code == 404
    assert client.get("/webhooks?cursor=nonsense").status_code == 422
    assert client.get("/webhooks?limit=0").status_code == 422


# Who may do what

API_CALLS = [
    ("get", "/webhooks", None),
    ("post", "/webhooks", {"url": "https://example.com/h", "events": ["post.created"]}),
    ("get", "/webhooks/{endpoint}", None),
    ("patch", "/webhooks/{endpoint}", {"events": ["comment.created"]}),
    ("delete", "/webhooks/{endpoint}", None),
    ("post", "/webhooks/{endpoint}/rotate-secret", None),
    ("get", "/webhooks/{endpoint}/deliveries", None),
    ("post", "/webhooks/deliveries/{delivery}/redeliver", None),
]


@pytest.fixture
def existing(staff, receiver):
    """An endpoint with one failed delivery."""
    endpoint = register(staff, receiver, "post.created")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="post.created",
        event_id="e1",
        payload={},
        status=DeliveryStatus.FAILED,
        attempts=6,
    )
    return endpoint, delivery


def _call(client, method: str, url: str, data):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, data)


def _state():
    return (
        list(WebhookEndpoint.objects.order_by("pk").values()),
        list(WebhookDelivery.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize(("method", "path", "data"), API_CALLS)
@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("customer", 403)])
def test_only_staff_may_use_the_webhooks_api(
    request, api_client, existing, method, path, data, who, status
):
    endpoint, delivery = existing
    user = None if who == "anonymous" else request.getfixturevalue(who)
    before = _state()
    answer = _call(
        api_client(user), method, path.format(endpoint=endpoint.pk, delivery=delivery.pk), data
    )
    assert answer.status_code == status, answer.content
    assert answer.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "data"), API_CALLS)
def test_staff_may_use_the_webhooks_api(staff, api_client, existing, method, path, data):
    endpoint, delivery = existing
    url = path.format(endpoint=endpoint.pk, delivery=delivery.pk)
    answer = _call(api_client(staff), method, url, data)
    assert answer.status_code in (200, 201, 202, 204), answer.content


PAGE_WRITES = [
    ("/notifications/webhooks/", {"url": "https://example.com/h", "events": ["post.created"]}),
    ("/notifications/webhooks/{endpoint}/", {"url": "https://example.com/x", "events": []}),
    ("/notifications/webhooks/{endpoint}/deactivate/", {}),
    ("/notifications/webhooks/{endpoint}/rotate/", {}),
    ("/notifications/webhooks/deliveries/{delivery}/redeliver/", {}),
]


@pytest.mark.parametrize(("path", "data"), PAGE_WRITES)
def test_the_pages_refuse_writes_from_anyone_but_staff(client_for, customer, existing, path, data):
    endpoint, delivery = existing
    url = path.format(endpoint=endpoint.pk, delivery=delivery.pk)
    before = _state()
    anonymous = client_for(None).post(url, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_for(customer).post(url, data).status_code == 403
    assert client_for(customer).get("/notifications/webhooks/").status_code == 403
    assert _state() == before


# The staff pages


def test_staff_register_an_endpoint_on_the_page_and_see_the_secret_once(
    staff, client_for, receiver
):
    client = client_for(staff)
    page = client.get("/notifications/webhooks/")
    assert page.status_code == 200
    html = page.content.decode()
    for event in ("post.created", "post.status_changed", "comment.created", "incident.updated"):
        assert f'value="{event}"' in html
    assert 'type="checkbox"' in html

    answer = client.post(
        "/notifications/webhooks/",
        {"url": receiver.url, "events": ["post.created", "incident.updated"], "description": "CI"},
    )
    assert answer.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["post.created", "incident.updated"]
    assert endpoint.created_by == staff
    assert endpoint.secret in answer.content.decode()

    for later in (f"/notifications/webhooks/{endpoint.pk}/", "/notifications/webhooks/"):
        html = client.get(later).content.decode()
        assert endpoint.url in html
        assert endpoint.secret not in html

    rotated = client.post(f"/notifications/webhooks/{endpoint.pk}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()

    client.post(f"/notifications/webhooks/{endpoint.pk}/deactivate/")
    endpoint.refresh_from_db()
    assert endpoint.is_active is False

    edited = client.post(
        f"/notifications/webhooks/{endpoint.pk}/",
        {"url": receiver.url, "events": ["comment.created"], "is_active": "on"},
    )
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.is_active) == (["comment.created"], True)


def test_the_page_asks_for_at_least_one_event(staff, client_for, receiver):
    answer = client_for(staff).post("/notifications/webhooks/", {"url": receiver.url})
    assert answer.status_code == 400
    assert "Choose at least one event" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_list_page_costs_the_same_queries_for_many_endpoints(staff, client_for, settings):
    from django.db import connection

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    client = client_for(staff)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/webhooks/").status_code == 200
        return len(queries)

    webhook_admin.register_endpoint(actor=staff, url="https://a.example/h", events=["post.created"])
    one = queries_for_list()
    for n in range(5):
        endpoint = webhook_admin.register_endpoint(
            actor=staff, url=f"https://{n}.example/h", events=["post.created"]
        )
        WebhookDelivery.objects.create(
            endpoint=endpoint, event="post.created", event_id="x", payload={}
        )
    assert queries_for_list() == one


def test_the_delivery_log_pages_with_a_cursor(staff, client_for, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = webhook_admin.register_endpoint(
        actor=staff, url="https://a.example/h", events=["post.created"]
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event="post.created", event_id=f"e{n}", payload={})
        for n in range(55)
    )
    client = client_for(staff)
    first = client.get(f"/notifications/webhooks/{endpoint.pk}/")
    assert first.content.decode().count('id="delivery-') == 50
    assert first.context["next"]
    second = client.get(f"/notifications/webhooks/{endpoint.pk}/?cursor={first.context['next']}")
    assert second.content.decode().count('id="delivery-') == 5
    bad = client.get(f"/notifications/webhooks/{endpoint.pk}/?cursor=nonsense", follow=True)
    assert "cursor is not valid" in bad.content.decode()
    assert client.get("/notifications/webhooks/999999/").status_code == 404
