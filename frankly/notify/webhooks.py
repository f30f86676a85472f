"""Signed webhooks: JSON events POSTed to staff-registered URLs.

Each request carries ``X-Frankly-Signature: t=<unix time>,v1=<hex>`` where v1 is
HMAC-SHA256 of ``"<t>.<body>"`` with the endpoint's secret; receivers recompute it
and refuse old timestamps, which stops replays. Deliveries are retried with
backoff and logged per endpoint. URLs that resolve to loopback, private, link-local
or otherwise non-public addresses are refused (at registration and again at every
delivery, against DNS rebinding) unless settings.WEBHOOKS_ALLOW_PRIVATE is on.
Redirects are never followed: a public receiver could otherwise bounce the request
to an internal address.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from frankly.errors import Invalid
from frankly.notify.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

MAX_ATTEMPTS = 6
BACKOFF = [timedelta(seconds=s) for s in (30, 120, 600, 3600, 6 * 3600)]
SIGNATURE_HEADER = "X-Frankly-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> str:
    """Refuse URLs that are not http(s) or that point at non-public addresses."""
    try:
        parts = urllib.parse.urlsplit(url or "")
        hostname = parts.hostname
    except ValueError:
        parts, hostname = None, None
    if parts is None or parts.scheme not in ("http", "https") or not hostname:
        raise Invalid(
            "A webhook URL starts with https:// (or http://) and names a host.", field="url"
        )
    try:
        port = parts.port
    except ValueError:
        raise Invalid(
            "The port in that URL is not a number from 1 to 65535.", field="url"
        ) from None
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return url
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise Invalid(
            f"The host {hostname} does not resolve. Check the spelling of the URL.",
            field="url",
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not _is_public(address):
            raise Invalid(
                f"{hostname} resolves to {address}, which is not a public address. "
                "Webhooks to internal networks are refused; use a URL your receiver "
                "answers on from the internet.",
                field="url",
            )
    return url


def event_body(
    event: str, payload: dict, *, event_id: str | None = None, created_at: str | None = None
) -> dict:
    """The JSON body of one event, as receivers get it."""
    return json.loads(
        json.dumps(
            {
                "id": event_id or uuid.uuid4().hex,
                "event": event,
                "created_at": created_at or timezone.now().isoformat(),
                "data": payload,
            },
            cls=DjangoJSONEncoder,
        )
    )


def dispatch(
    event: str, payload: dict, *, event_id: str | None = None, created_at: str | None = None
) -> int:
    """Create a delivery per active endpoint that wants ``event`` and queue it.

    The event id is chosen when the event happens (see ``events.webhook_event``), so
    a dispatch task that runs twice creates no second delivery for an endpoint.
    """
    from frankly.notify.tasks import deliver_webhook

    body = event_body(event, payload, event_id=event_id, created_at=created_at)
    count = 0
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if event not in endpoint.events:
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint, event=event, event_id=body["id"], payload=body
                )
        except IntegrityError:
            continue
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.enqueue(pk))
        count += 1
    return count


def _refuse_private_peer(connection: http.client.HTTPConnection) -> None:
    """check_url looked the host up once; the connection may have looked it up again
    and got another answer (DNS rebinding). Check the address actually connected to,
    before a byte of the request is sent."""
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    address = ipaddress.ip_address(connection.sock.getpeername()[0].split("%")[0])
    if not _is_public(address):
        connection.close()
        raise Invalid(
            f"{connection.host} resolved to {address} when connecting, which is not a "
            "public address. Webhooks to internal networks are refused.",
            field="url",
        )


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _refuse_private_peer(self)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _refuse_private_peer(self)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx code


# No proxies from the environment either: the address checked is the one connected to.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _CheckedHTTPHandler, _CheckedHTTPSHandler, _NoRedirects
)


@dataclass
class _Outcome:
    response_code: int | None = None
    error: str = ""


def _post(url: str, *, secret: str, event: str, event_id: str, body: bytes) -> _Outcome:
    """POST one signed body; never raises for anything the receiver or network does."""
    try:
        check_url(url)
        request = urllib.request.Request(  # noqa: S310 - scheme checked by check_url
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Frankly-Webhooks/1",
                "X-Frankly-Event": event,
                "X-Frankly-Delivery": event_id,
                SIGNATURE_HEADER: sign(secret, body, int(time.time())),
            },
        )
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as answer:
            return _Outcome(response_code=answer.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        if 300 <= exc.code < 400:
            return _Outcome(exc.code, f"HTTP {exc.code}: redirects are not followed.")
        return _Outcome(exc.code, f"HTTP {exc.code}")
    except Invalid as exc:
        return _Outcome(error=f"Not sent: {exc.message}")
    except TimeoutError:
        return _Outcome(error=f"No answer within {settings.WEBHOOK_TIMEOUT:g} seconds.")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return _Outcome(error=f"No answer within {settings.WEBHOOK_TIMEOUT:g} seconds.")
        return _Outcome(error=f"Could not connect: {reason}")
    except (http.client.HTTPException, OSError, ValueError) as exc:
        return _Outcome(error=f"{type(exc).__name__}: {exc}")


def _claim(delivery_id: int) -> WebhookDelivery | str:
    """Take one due delivery for an attempt, in a short transaction of its own.

    The attempt is counted and the next one scheduled before the request goes out,
    so the row lock is not held while a slow receiver answers, and a second worker
    (or the retry sweep) never sends the same delivery while this one is in flight.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status != DeliveryStatus.PENDING or delivery.next_attempt_at > timezone.now():
            return delivery.status
        if not delivery.endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = "Not sent: the endpoint was deactivated."
            delivery.save(update_fields=["status", "last_error"])
            return delivery.status
        delivery.attempts += 1
        # A lease: if this worker dies mid-request, the sweep retries after it.
        delivery.next_attempt_at = timezone.now() + max(
            BACKOFF[0], timedelta(seconds=settings.WEBHOOK_TIMEOUT * 3 + 5)
        )
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return delivery


def deliver(delivery_id: int) -> str:
    """POST one delivery if it is pending and due; record the answer; schedule a retry
    when it fails, and give up (status failed) after MAX_ATTEMPTS."""
    from frankly.notify.tasks import deliver_webhook, enqueue_after

    delivery = _claim(delivery_id)
    if isinstance(delivery, str):
        return delivery
    endpoint = delivery.endpoint
    outcome = _post(
        endpoint.url,
        secret=endpoint.secret,
        event=delivery.event,
        event_id=delivery.event_id,
        body=json.dumps(delivery.payload, separators=(",", ":")).encode(),
    )
    delivered = not outcome.error
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.response_code = outcome.response_code
        delivery.last_error = outcome.error[:2000]
        if delivered:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            wait = BACKOFF[min(delivery.attempts - 1, len(BACKOFF) - 1)]
            delivery.next_attempt_at = timezone.now() + wait
            transaction.on_commit(lambda: enqueue_after(deliver_webhook, wait, delivery.pk))
        delivery.save()
        return delivery.status


def retry_due() -> int:
    """Re-queue pending deliveries whose time has come (after a restart, or on a queue
    that cannot defer): the safety net the worker runs every minute."""
    from frankly.notify.tasks import deliver_webhook

    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        deliver_webhook.enqueue(pk)
    return len(due)
