"""What staff do with webhooks: register endpoints, choose their events, rotate
secrets, read the delivery log and send a failed delivery again.

A secret is shown once, when it is made (on registration or rotation); lists and
logs show only its first characters.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from frankly.access import require_staff
from frankly.cursor import Key, Page, paginate
from frankly.errors import Conflict, Invalid, NotFound
from frankly.notify.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from frankly.notify.webhooks import check_url
from frankly.validation import full_clean_or_invalid, is_valid_id, refuse_nul


def secret_hint(endpoint: WebhookEndpoint) -> str:
    """Enough of a secret to tell two apart, not enough to sign with."""
    return endpoint.secret[:10] + "…"


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    refuse_nul(url, field="url", what="URL")
    if len(url) > 500:
        raise Invalid(f"The URL is {len(url)} characters long; keep it under 500.", field="url")
    return check_url(url)


def _clean_events(events: Iterable[str]) -> list[str]:
    if isinstance(events, str):
        events = [events]
    chosen = []
    for event in events or ():
        if event not in Event.values:
            raise Invalid(
                f"'{str(event)[:60]}' is not an event. Choose from: {', '.join(Event.values)}.",
                field="events",
            )
        if event not in chosen:
            chosen.append(event)
    if not chosen:
        raise Invalid(
            "Choose at least one event to send to this URL, for example post.created.",
            field="events",
        )
    return [e for e in Event.values if e in chosen]


def _clean_description(description: str) -> str:
    description = " ".join((description or "").split())
    refuse_nul(description, field="description", what="description")
    if len(description) > 200:
        raise Invalid(
            f"The description is {len(description)} characters long; keep it under 200.",
            field="description",
        )
    return description


def get_endpoint(endpoint_id, *, for_update: bool = False) -> WebhookEndpoint:
    if not is_valid_id(endpoint_id):
        raise NotFound(f"There is no webhook endpoint #{endpoint_id}.")
    endpoints = WebhookEndpoint.objects.all()
    if for_update:
        endpoints = endpoints.select_for_update()
    endpoint = endpoints.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(f"There is no webhook endpoint #{endpoint_id}.")
    return endpoint


def endpoint_id_of_delivery(delivery_id) -> int:
    endpoint_id = None
    if is_valid_id(delivery_id):
        endpoint_id = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("endpoint_id", flat=True)
            .first()
        )
    if endpoint_id is None:
        raise NotFound(f"There is no webhook delivery #{delivery_id}.")
    return endpoint_id


def endpoints_for(actor):
    """Every endpoint with counts of its deliveries by status, in one query (staff)."""
    require_staff(actor)
    return WebhookEndpoint.objects.annotate(
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        delivered_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
    )


def endpoint_for(actor, endpoint_id) -> WebhookEndpoint:
    require_staff(actor)
    return get_endpoint(endpoint_id)


@transaction.atomic
def register_endpoint(
    *, actor, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Register a URL for the chosen events (staff). The returned endpoint carries its
    new secret: show it now, as it is not shown again."""
    require_staff(actor)
    endpoint = WebhookEndpoint(
        url=_clean_url(url),
        events=_clean_events(events),
        description=_clean_description(description),
        created_by=actor,
    )
    full_clean_or_invalid(endpoint, exclude=["created_by"])
    endpoint.save()
    return endpoint


@transaction.atomic
def update_endpoint(
    *,
    actor,
    endpoint_id: int,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's URL, events, description or whether it is active (staff)."""
    require_staff(actor)
    endpoint = get_endpoint(endpoint_id, for_update=True)
    if url is not None:
        endpoint.url = _clean_url(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = _clean_description(description)
    if is_active is not None:
        endpoint.is_active = bool(is_active)
    full_clean_or_invalid(endpoint, exclude=["created_by"])
    endpoint.save()
    return endpoint


@transaction.atomic
def deactivate_endpoint(*, actor, endpoint_id: int) -> WebhookEndpoint:
    """Stop sending to an endpoint (staff). Its delivery log stays; waiting deliveries
    are not sent."""
    require_staff(actor)
    endpoint = get_endpoint(endpoint_id, for_update=True)
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
    return endpoint


@transaction.atomic
def rotate_secret(*, actor, endpoint_id: int) -> WebhookEndpoint:
    """Give an endpoint a new signing secret (staff); the old one stops working at once.
    The returned endpoint carries the new secret: show it now."""
    require_staff(actor)
    endpoint = get_endpoint(endpoint_id, for_update=True)
    endpoint.secret = WebhookEndpoint._meta.get_field("secret").get_default()
    endpoint.save(update_fields=["secret"])
    return endpoint


@transaction.atomic
def redeliver(*, actor, delivery_id: int) -> WebhookDelivery:
    """Queue a failed delivery to be sent again now (staff), with a fresh set of
    attempts. A delivered one is never sent twice; a waiting one retries by itself."""
    from frankly.notify.tasks import deliver_webhook

    require_staff(actor)
    if not is_valid_id(delivery_id):
        raise NotFound(f"There is no webhook delivery #{delivery_id}.")
    delivery = (
        WebhookDelivery.objects.select_for_update()
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise NotFound(f"There is no webhook delivery #{delivery_id}.")
    if delivery.status == DeliveryStatus.DELIVERED:
        raise Conflict("This delivery already reached the endpoint; it is not sent twice.")
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict(
            "This delivery is still being retried; the next attempt is at "
            f"{delivery.next_attempt_at:%Y-%m-%d %H:%M} UTC."
        )
    if not delivery.endpoint.is_active:
        raise Conflict("The endpoint is deactivated. Turn it back on before sending again.")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return delivery


def delivery_log(
    actor, endpoint_id, *, cursor: str | None = None, limit: int = 50
) -> tuple[WebhookEndpoint, Page]:
    """One endpoint and a page of its deliveries, newest first (staff)."""
    require_staff(actor)
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 deliveries at a time.", field="limit")
    endpoint = get_endpoint(endpoint_id)
    page = paginate(
        endpoint.deliveries.all(),
        keys=[Key("created_at"), Key("id")],
        cursor=cursor,
        limit=limit,
    )
    return endpoint, page
