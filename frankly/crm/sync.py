"""What a CRM pulls from Frankly: changed users with their contact preferences and
consents, as ``GET /api/v1/crm/changes?since=…`` and the webhook event
``contact.updated`` (the same shape in both)."""

from datetime import datetime

from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Greatest

from frankly.access import require_staff
from frankly.accounts.contact import preferences_for
from frankly.accounts.models import TestimonialRequest, User
from frankly.cursor import Key, Page, paginate
from frankly.errors import Invalid

KEYS = [Key("changed_at", descending=False), Key("id", descending=False)]


def user_change(user: User) -> dict:
    """One user's record as a CRM sees it. Testimonial consents must be prefetched
    (or are fetched here, one query)."""
    preferences = preferences_for(user)
    return {
        "user_id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "is_active": user.is_active,
        "deleted": user.deleted_at is not None,
        "updated_at": user.updated_at,
        "preferences": {
            "product_news": preferences.product_news,
            "surveys": preferences.surveys,
            "incident_notices": preferences.incident_notices,
            "sales_contact": preferences.sales_contact,
            "updated_at": preferences.updated_at if preferences.pk else None,
        },
        "consents": [
            {
                "id": consent.pk,
                "kind": "testimonial",
                "state": consent.state,
                "placement": consent.placement,
                "until": consent.until,
                "object_url": consent.object_url,
                "decided_at": consent.decided_at,
                "updated_at": consent.updated_at,
            }
            for consent in user.testimonial_requests.all()
        ],
    }


def announce_user_change(user: User) -> None:
    """Send ``contact.updated`` to webhook listeners once the transaction commits."""
    from frankly.notify.events import webhook_event

    webhook_event("contact.updated", user_change(user))


def parse_since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        since = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        raise Invalid(
            "'since' is an ISO 8601 time with a time zone, like 2026-01-31T09:00:00Z.",
            field="since",
        )
    return since


def changes(*, viewer, since: datetime | None, cursor: str | None, limit: int = 100) -> Page:
    """Users whose account, contact preferences or consents changed after ``since``,
    oldest change first. Staff only. Pass the last item's ``changed_at`` as the next
    ``since`` (or follow ``next``) to pull only what is new."""
    require_staff(viewer)
    if not 1 <= limit <= 500:
        raise Invalid("Ask for between 1 and 500 changes at a time.", field="limit")
    latest_consent = (
        TestimonialRequest.objects.filter(author=OuterRef("pk"))
        .order_by()
        .values("author")
        .annotate(latest=Max("updated_at"))
        .values("latest")
    )
    users = User.objects.filter(is_staff=False).annotate(
        changed_at=Greatest(
            "updated_at",
            Coalesce("contact_preferences__updated_at", "updated_at"),
            Coalesce(Subquery(latest_consent), "updated_at"),
        )
    )
    if since is not None:
        users = users.filter(changed_at__gt=since)
    users = users.select_related("contact_preferences").prefetch_related(
        Prefetch("testimonial_requests", queryset=TestimonialRequest.objects.order_by("pk"))
    )
    return paginate(users, keys=KEYS, cursor=cursor, limit=limit)
