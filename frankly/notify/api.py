"""Webhooks API (staff only): register endpoints, read their delivery logs, send a
failed delivery again. Every write calls the same service as the staff pages."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from frankly.accounts.auth import SIGNED_IN
from frankly.cursor import Key, paginate
from frankly.errors import Invalid
from frankly.notify import webhook_admin
from frankly.notify.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from frankly.schemas import RequestBody

router = Router(tags=["webhooks"])


class EndpointOut(Schema):
    id: int
    url: str
    events: list[str] = Field(examples=[["post.created"]])
    description: str
    is_active: bool
    secret_hint: str = Field(description="The first characters of the signing secret")
    created_at: datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(
        description="Signs every request (X-Frankly-Signature). Shown only this once."
    )


class EndpointListOut(Schema):
    items: list[EndpointOut]
    next: str | None


class DeliveryOut(Schema):
    id: int
    event: str
    event_id: str = Field(description="Sent as X-Frankly-Delivery; the same on every retry")
    status: DeliveryStatus
    attempts: int
    response_code: int | None
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="null once delivered or given up")
    delivered_at: datetime | None


class DeliveryListOut(Schema):
    items: list[DeliveryOut]
    next: str | None


class EndpointIn(RequestBody):
    url: str = Field(max_length=2000, examples=["https://example.com/hooks/frankly"])
    events: list[str] = Field(max_length=20, examples=[["post.created", "comment.created"]])
    description: str = Field("", max_length=2000)


class EndpointPatch(RequestBody):
    url: str | None = Field(None, max_length=2000)
    events: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=2000)
    is_active: bool | None = None


def _endpoint_out(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict:
    out = {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "secret_hint": webhook_admin.secret_hint(endpoint),
        "created_at": endpoint.created_at,
    }
    if with_secret:
        out["secret"] = endpoint.secret
    return out


def _delivery_out(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at
        if delivery.status == DeliveryStatus.PENDING
        else None,
        "delivered_at": delivery.delivered_at,
    }


@router.get(
    "/webhooks",
    response=EndpointListOut,
    auth=SIGNED_IN,
    summary="Webhook endpoints, oldest first (staff)",
)
def list_endpoints(request, cursor: Query[str | None] = None, limit: Query[int] = 50) -> dict:
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 endpoints at a time.", field="limit")
    page = paginate(
        webhook_admin.endpoints_for(request.user),
        keys=[Key("created_at", descending=False), Key("id", descending=False)],
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_endpoint_out(e) for e in page.items], "next": page.next}


@router.post(
    "/webhooks",
    response={201: EndpointWithSecretOut},
    auth=SIGNED_IN,
    summary="Register a webhook endpoint (staff); the answer shows its secret once",
    description=(
        "Events: " + ", ".join(Event.values) + ". URLs that resolve to loopback or private "
        "addresses are refused with 422."
    ),
)
def register(request, payload: EndpointIn):
    endpoint = webhook_admin.register_endpoint(
        actor=request.user,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return 201, _endpoint_out(endpoint, with_secret=True)


@router.get(
    "/webhooks/{endpoint_id}", response=EndpointOut, auth=SIGNED_IN, summary="One endpoint (staff)"
)
def get_endpoint(request, endpoint_id: int):
    return _endpoint_out(webhook_admin.endpoint_for(request.user, endpoint_id))


@router.patch(
    "/webhooks/{endpoint_id}",
    response=EndpointOut,
    auth=SIGNED_IN,
    summary="Change an endpoint's URL, events, description or whether it is active (staff)",
)
def update(request, endpoint_id: int, payload: EndpointPatch):
    endpoint = webhook_admin.update_endpoint(
        actor=request.user,
        endpoint_id=endpoint_id,
        url=payload.url,
        events=payload.events,
        description=payload.description,
        is_active=payload.is_active,
    )
    return _endpoint_out(endpoint)


@router.delete(
    "/webhooks/{endpoint_id}",
    response={204: None},
    auth=SIGNED_IN,
    summary="Deactivate an endpoint (staff); its delivery log is kept",
)
def deactivate(request, endpoint_id: int):
    webhook_admin.deactivate_endpoint(actor=request.user, endpoint_id=endpoint_id)
    return 204, None


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret",
    response=EndpointWithSecretOut,
    auth=SIGNED_IN,
    summary="Give an endpoint a new secret (staff); the answer shows it once",
)
def rotate(request, endpoint_id: int):
    endpoint = webhook_admin.rotate_secret(actor=request.user, endpoint_id=endpoint_id)
    return _endpoint_out(endpoint, with_secret=True)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response=DeliveryListOut,
    auth=SIGNED_IN,
    summary="An endpoint's delivery log, newest first (staff)",
)
def deliveries(
    request, endpoint_id: int, cursor: Query[str | None] = None, limit: Query[int] = 50
) -> dict:
    _, page = webhook_admin.delivery_log(request.user, endpoint_id, cursor=cursor, limit=limit)
    return {"items": [_delivery_out(d) for d in page.items], "next": page.next}


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut},
    auth=SIGNED_IN,
    summary="Send a failed delivery again (staff)",
)
def redeliver(request, delivery_id: int):
    delivery = webhook_admin.redeliver(actor=request.user, delivery_id=delivery_id)
    delivery.refresh_from_db()
    return 202, _delivery_out(delivery)
