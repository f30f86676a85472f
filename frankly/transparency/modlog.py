"""Writing the public moderation log: each action is a log line and a ledger entry,
in the transaction of the action itself."""

from django.conf import settings

from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.models import ModerationAction, Rule


def role_of(user) -> str:
    if user is None:
        return "system"
    if user.is_superuser:
        return "admin"
    return "staff" if user.is_staff else "member"


def log_moderation(
    *,
    action: str,
    actor,
    object_type: str,
    object_id: int,
    object_url: str,
    reason: str,
    rule: Rule | None = None,
    extra: dict | None = None,
) -> ModerationAction:
    """Record a moderation action publicly: in the log and on the ledger."""
    entry = ModerationAction.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_url=object_url,
        rule=rule,
        rule_title=rule.title if rule else "",
        reason=reason,
        actor=actor,
        actor_role=role_of(actor),
    )
    body = {
        "action": action,
        "rule": rule.title if rule else None,
        "reason": reason,
        "actor_role": entry.actor_role,
        **(extra or {}),
    }
    if settings.MODLOG_SHOWS_NAMES and actor is not None:
        body["actor"] = actor.public_name
    append_to_ledger(
        kind=f"moderation.{action}",
        object_type=object_type,
        object_id=object_id,
        object_url=object_url,
        body=body,
    )
    return entry
