"""Contact preferences: what the company may contact a person about.

Every email Frankly sends names its topic (``Topic``); the outbox asks
``may_contact`` before queueing, so no sender can forget to check.
"""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in
from frankly.accounts.models import (
    ContactPreferenceChange,
    ContactPreferences,
    SalesContact,
    User,
)
from frankly.errors import Invalid


class Topic(models.TextChoices):
    """Why an email is sent. Account and notification mails have their own switches
    (the person asked for them: a password reset, a data export, replies they follow)."""

    ACCOUNT = "account", "About your account (always sent)"
    NOTIFICATIONS = "notifications", "Notifications you chose per kind"
    INCIDENT_NOTICES = "incident_notices", "Incident notices"
    PRODUCT_NEWS = "product_news", "Product news"
    SURVEYS = "surveys", "Surveys and research"
    SALES = "sales", "Sales contact"


BOOLEAN_FIELDS = ("product_news", "surveys", "incident_notices")
FIELDS = (*BOOLEAN_FIELDS, "sales_contact")


def preferences_for(user: User) -> ContactPreferences:
    """The person's preferences; defaults (and no row written) when never set."""
    try:
        return user.contact_preferences
    except ContactPreferences.DoesNotExist:
        return ContactPreferences(user=user)


def may_contact(*, email: str, topic: str, user: User | None = None) -> bool:
    """Whether an email about ``topic`` may go to this address.

    Addresses with no account (e.g. a status page subscriber) are governed only by
    what they subscribed to; an account's contact preferences can only narrow that.
    Deleted or deactivated accounts get nothing but account mail.
    """
    if topic in (Topic.ACCOUNT, Topic.NOTIFICATIONS):
        return True
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return topic == Topic.INCIDENT_NOTICES
    if not user.is_active or user.deleted_at is not None:
        return False
    preferences = preferences_for(user)
    if topic == Topic.SALES:
        # "Only when I ask" means a sales person may answer the person's own request,
        # which Frankly never sends on its own.
        return False
    return bool(getattr(preferences, topic))


def _coerce(field: str, value) -> str | bool:
    if field == "sales_contact":
        if value not in SalesContact.values:
            raise Invalid(
                f"'{value}' is not a choice for sales contact. Use never or when_asked.",
                field=field,
            )
        return value
    if isinstance(value, bool):
        return value
    if value in ("true", "on", "1", "yes"):
        return True
    if value in ("false", "off", "0", "no", "", None):
        return False
    raise Invalid(f"Say yes or no for {field.replace('_', ' ')}.", field=field)


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@transaction.atomic
def set_contact_preferences(*, user: User, **changes) -> ContactPreferences:
    """Change some of the person's contact preferences; each change is kept, with
    its time, in their history."""
    require_signed_in(user)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(
            f"'{unknown[0]}' is not a contact preference. Use: {', '.join(FIELDS)}.",
            field=unknown[0],
        )
    values = {field: _coerce(field, value) for field, value in changes.items()}
    preferences, _created = ContactPreferences.objects.select_for_update().get_or_create(user=user)
    now = timezone.now()
    changed = []
    for field, value in values.items():
        old = getattr(preferences, field)
        if old == value:
            continue
        changed.append(
            ContactPreferenceChange(
                user=user, field=field, old_value=_text(old), new_value=_text(value), changed_at=now
            )
        )
        setattr(preferences, field, value)
    if changed:
        preferences.updated_at = now
        preferences.save()
        ContactPreferenceChange.objects.bulk_create(changed)
        from frankly.crm.sync import announce_user_change  # the CRM hears of it

        announce_user_change(user)
    return preferences


def do_not_contact(topic: str):
    """People who must not be contacted about ``topic`` (for a CRM or mail tool):
    active accounts whose preferences say no, with their preferences row if any."""
    if topic not in (Topic.PRODUCT_NEWS, Topic.SURVEYS, Topic.INCIDENT_NOTICES, Topic.SALES):
        raise Invalid(
            f"'{topic}' is not a topic for the do-not-contact list. "
            "Use sales, product_news, surveys or incident_notices.",
            field="topic",
        )
    people = User.objects.filter(is_active=True, deleted_at__isnull=True).select_related(
        "contact_preferences"
    )
    if topic == Topic.SALES:
        # "Only when I ask" people may be called back about their own request.
        return people.exclude(contact_preferences__sales_contact=SalesContact.WHEN_ASKED)
    if topic == Topic.INCIDENT_NOTICES:
        return people.filter(contact_preferences__incident_notices=False)
    # No row means the default, which is "no" for product news and surveys.
    return people.exclude(**{f"contact_preferences__{topic}": True})


STOP_SALT = "frankly.accounts.contact.stop"


def stop_token(user: User, topic: str) -> str:
    from django.core import signing

    return signing.dumps({"u": user.pk, "t": topic}, salt=STOP_SALT, compress=True)


def stop_url(user: User, topic: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("accounts:contact_stop", args=[stop_token(user, topic)])


def stop_headers(user: User, topic: str) -> dict:
    """RFC 8058 one-click unsubscribe for mails about a contact topic."""
    return {
        "List-Unsubscribe": f"<{stop_url(user, topic)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def read_stop_token(token: str) -> tuple[User, str]:
    from django.core import signing

    from frankly.errors import NotFound

    try:
        data = signing.loads(token, salt=STOP_SALT)
        user = User.objects.filter(pk=int(data["u"]), deleted_at__isnull=True).first()
        topic = data["t"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        user, topic = None, None
    if user is None or topic not in BOOLEAN_FIELDS:
        raise NotFound(
            _(
                "This link is not valid (any more). Change your choices in your contact "
                "preferences instead."
            )
        )
    return user, topic


@transaction.atomic
def stop_by_token(*, token: str) -> tuple[User, str]:
    """One click, no login: turn one topic off for the person the mail was for."""
    user, topic = read_stop_token(token)
    set_contact_preferences(user=user, **{topic: False})
    return user, topic
