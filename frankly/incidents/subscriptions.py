"""Email subscriptions to the status page: double opt-in, one-click unsubscribe."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frankly.errors import Invalid, NotFound
from frankly.incidents.models import IncidentSubscription, StatusSubscription
from frankly.incidents.services import _components, get_incident


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscription: StatusSubscription) -> str:
    return _absolute(reverse("incidents:unsubscribe", args=[subscription.token]))


def subscription_headers(subscription: StatusSubscription) -> dict:
    """RFC 8058 one-click unsubscribe headers for every status mail."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def subscribe(*, email: str, component_ids=()) -> StatusSubscription:
    """Ask for status mail; nothing is sent but the confirmation until it is confirmed,
    and an active subscription is left as it is."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid("That is not an email address we can write to.", field="email") from exc
    components = _components(component_ids)
    subscription, _ = StatusSubscription.objects.select_for_update().get_or_create(email=email)
    if subscription.is_active:
        # Anyone can type an address into the form, so it never changes what an
        # active subscriber gets: that takes the links in their own mail.
        return subscription
    # New, unconfirmed or unsubscribed: store the choice, and it takes a (new)
    # confirmation from the address itself before anything else is sent.
    subscription.all_components = not components
    subscription.confirmed_at = subscription.unsubscribed_at = None
    subscription.save()
    subscription.components.set(components)
    transaction.on_commit(lambda: send_confirmation(subscription))
    return subscription


def _validated_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid("That is not an email address we can write to.", field="email") from exc
    return email


@transaction.atomic
def subscribe_to_incident(*, email: str, incident_id) -> IncidentSubscription:
    """Ask for the updates of one incident only; confirmed from the address first, and
    an active follow is left as it is."""
    email = _validated_email(email)
    incident = get_incident(incident_id)
    if incident.private_page_id:
        # Mail goes to any address typed in: a private page's audience reads its page.
        raise NotFound(f"There is no incident #{incident.pk}.")
    subscription, _ = IncidentSubscription.objects.select_for_update().get_or_create(
        email=email, incident=incident
    )
    if subscription.is_active:
        return subscription
    subscription.confirmed_at = subscription.unsubscribed_at = None
    subscription.save()
    transaction.on_commit(lambda: send_confirmation(subscription))
    return subscription


def send_confirmation(subscription: StatusSubscription | IncidentSubscription) -> None:
    link = _absolute(reverse("incidents:confirm", args=[subscription.token]))
    what = (
        f"the updates of the incident “{subscription.incident.title}” on {settings.SITE_NAME}"
        if isinstance(subscription, IncidentSubscription)
        else f"{settings.SITE_NAME} status updates"
    )
    EmailMessage(
        subject=f"[{settings.SITE_NAME}] Confirm your status updates",
        body=(
            f"Someone, probably you, asked to get {what} at this "
            f"address.\n\nConfirm here:\n{link}\n\nIf it was not you, ignore this mail: "
            "without the confirmation we send nothing more.\n"
        ),
        to=[subscription.email],
        headers=subscription_headers(subscription),
    ).send()


def by_token(token: str) -> StatusSubscription | IncidentSubscription:
    """A status subscription or an incident follow: both use the same links."""
    found = None
    if token:
        found = (
            StatusSubscription.objects.filter(token=token).first()
            or IncidentSubscription.objects.filter(token=token).first()
        )
    if found is None:
        raise NotFound("This link is not valid (any more). Subscribe again on the status page.")
    return found


@transaction.atomic
def confirm(*, token: str) -> StatusSubscription:
    subscription = by_token(token)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    _allow_incident_notices(subscription.email)
    return subscription


def _allow_incident_notices(email: str) -> None:
    """Confirming from the address itself is the person asking for incident mail, so an
    account that had said no to incident notices says yes now (kept in its history)."""
    from frankly.accounts.contact import preferences_for, set_contact_preferences
    from frankly.accounts.models import User

    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None and not preferences_for(user).incident_notices:
        set_contact_preferences(user=user, incident_notices=True)


@transaction.atomic
def unsubscribe(*, token: str) -> StatusSubscription:
    subscription = by_token(token)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription
