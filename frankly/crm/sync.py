"""What a CRM pulls from Frankly: changed users (and, with them, their contact
preferences and consents), as ``GET /api/v1/crm/changes`` and the webhook event
``contact.updated``."""

from frankly.accounts.models import User


def user_change(user: User) -> dict:
    return {
        "user_id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "is_active": user.is_active,
    }


def announce_user_change(user: User) -> None:
    """Send ``contact.updated`` to webhook listeners once the transaction commits."""
    from frankly.notify.events import webhook_event

    webhook_event("contact.updated", user_change(user))
