"""Moderation without silent deletion: hide (with a rule and a reason), show again,
lock, ban, appeal, and authors deleting their own words.

Works on any model that inherits ``Moderatable`` and is listed in MODERATABLE.
"""

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in, require_staff
from frankly.accounts.testimonials import void_testimonials_for
from frankly.errors import Conflict, Invalid, NotAllowed, NotFound
from frankly.feedback.caching import bump_board_version
from frankly.transparency.models import Action, Appeal, ModerationAction, Rule
from frankly.transparency.modlog import log_moderation
from frankly.transparency.revisions import forget_texts
from frankly.validation import MAX_ID, parse_id, refuse_nul

MODERATABLE = {
    "post": "feedback.Post",
    "comment": "feedback.Comment",
    "incident_comment": "incidents.IncidentComment",
    "changelog_comment": "roadmap.ChangelogComment",
}


def _model(object_type: str):
    if object_type not in MODERATABLE:
        raise Invalid(
            f"'{object_type}' cannot be moderated. Choose one of: {', '.join(MODERATABLE)}.",
            field="object_type",
        )
    return apps.get_model(MODERATABLE[object_type])


def get_content(object_type: str, object_id: int, *, for_update: bool = False):
    model = _model(object_type)
    if not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        raise NotFound(f"There is no {object_type} #{object_id}.")
    queryset = model.objects.select_for_update() if for_update else model.objects
    found = queryset.filter(pk=object_id).first()
    if found is None:
        raise NotFound(f"There is no {object_type} #{object_id}.")
    return found


def _rule(rule_id) -> Rule:
    if rule_id in (None, ""):
        raise Invalid(_("Choose the community rule this breaks."), field="rule")
    rule_id = parse_id(rule_id)
    rule = Rule.objects.filter(pk=rule_id, is_active=True).first() if rule_id else None
    if rule is None:
        raise Invalid(
            _("That rule does not exist or is retired. Choose a current rule."), field="rule"
        )
    return rule


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give a reason: it is shown publicly with the action."), field="reason")
    refuse_nul(reason, field="reason", what="reason")
    if len(reason) > 2_000:
        raise Invalid(_("Keep the reason under 2,000 characters."), field="reason")
    return reason


@transaction.atomic
def hide_content(*, actor, object_type: str, object_id: int, rule_id, reason: str):
    """Hide a post or comment behind a tombstone naming the rule and the reason."""
    require_staff(actor)
    rule, reason = _rule(rule_id), _reason(reason)
    content = get_content(object_type, object_id, for_update=True)
    if content.is_deleted:
        raise Conflict(_("Its author already deleted it; there is nothing to hide."))
    if content.is_hidden:
        raise Conflict(f"This {object_type} is already hidden.")
    action = log_moderation(
        action=Action.HIDE,
        actor=actor,
        object_type=object_type,
        object_id=content.pk,
        object_url=content.get_absolute_url(),
        reason=reason,
        rule=rule,
    )
    content.hidden_by = action
    content.save(update_fields=["hidden_by"])
    void_testimonials_for(
        object_type=object_type, object_id=content.pk, reason="Hidden by moderation."
    )
    bump_board_version()
    return action


@transaction.atomic
def unhide_content(*, actor, object_type: str, object_id: int, reason: str):
    """Show hidden content again, saying why."""
    require_staff(actor)
    reason = _reason(reason)
    content = get_content(object_type, object_id, for_update=True)
    if not content.is_hidden:
        raise Conflict(f"This {object_type} is not hidden.")
    action = log_moderation(
        action=Action.UNHIDE,
        actor=actor,
        object_type=object_type,
        object_id=content.pk,
        object_url=content.get_absolute_url(),
        reason=reason,
    )
    content.hidden_by = None
    content.save(update_fields=["hidden_by"])
    bump_board_version()
    return action


@transaction.atomic
def delete_own_content(*, actor, object_type: str, object_id: int) -> None:
    """The author deletes their own post or comment: the text is removed from the
    database (revisions included) and a tombstone "Deleted by its author" stays."""
    require_signed_in(actor)
    content = get_content(object_type, object_id, for_update=True)
    if content.author_id != actor.pk:
        raise NotAllowed(_("Only its author can delete this."))
    if content.is_deleted:
        return
    for field in content.TEXT_FIELDS:
        setattr(content, field, "")
    content.deleted_at = timezone.now()
    content.save(update_fields=[*content.TEXT_FIELDS, "deleted_at"])
    forget_texts(object_type, content.pk)
    void_testimonials_for(
        object_type=object_type, object_id=content.pk, reason="Deleted by its author."
    )
    bump_board_version()


@transaction.atomic
def set_lock(*, actor, post_id: int, locked: bool, reason: str):
    """Lock a thread (no new comments) or unlock it, with a public reason."""
    require_staff(actor)
    reason = _reason(reason)
    post = get_content("post", post_id, for_update=True)
    if bool(post.locked_at) == locked:
        raise Conflict(
            _("The thread is already locked.") if locked else _("The thread is not locked.")
        )
    action = log_moderation(
        action=Action.LOCK if locked else Action.UNLOCK,
        actor=actor,
        object_type="post",
        object_id=post.pk,
        object_url=post.get_absolute_url(),
        reason=reason,
    )
    post.locked_at = timezone.now() if locked else None
    post.lock_reason = reason if locked else ""
    post.save(update_fields=["locked_at", "lock_reason"])
    bump_board_version()
    return action


@transaction.atomic
def set_ban(*, actor, user_id: int, banned: bool, reason: str, rule_id=None):
    """Ban a person from writing (or lift the ban), naming a rule when banning."""
    from frankly.accounts.models import User

    require_staff(actor)
    reason = _reason(reason)
    rule = _rule(rule_id) if banned else None
    person = (
        User.objects.select_for_update().filter(pk=user_id).first()
        if isinstance(user_id, int) and 0 < user_id <= MAX_ID
        else None
    )
    if person is None:
        raise NotFound(f"There is no person #{user_id}.")
    if person.is_staff:
        raise Conflict(_("Staff cannot be banned; remove their staff role first."))
    if bool(person.banned_at) == banned:
        raise Conflict(_("They are already banned.") if banned else _("They are not banned."))
    action = log_moderation(
        action=Action.BAN if banned else Action.UNBAN,
        actor=actor,
        object_type="user",
        object_id=person.pk,
        object_url=person.get_absolute_url(),
        reason=reason,
        rule=rule,
    )
    person.banned_at = timezone.now() if banned else None
    person.save(update_fields=["banned_at"])
    return action


@transaction.atomic
def appeal_hiding(*, author, object_type: str, object_id: int, message: str) -> Appeal:
    """The author appeals once against their content being hidden."""
    require_signed_in(author)
    content = get_content(object_type, object_id)
    if content.author_id != author.pk:
        raise NotAllowed(_("Only the author can appeal."))
    if not content.is_hidden:
        raise Conflict(_("This is not hidden, so there is nothing to appeal."))
    message = (message or "").strip()
    if not message:
        raise Invalid(_("Say why it should be shown again."), field="message")
    refuse_nul(message, field="message", what="appeal")
    if len(message) > 2_000:
        raise Invalid(_("Keep the appeal under 2,000 characters."), field="message")
    if Appeal.objects.filter(action_id=content.hidden_by_id).exists():
        raise Conflict(_("You have already appealed this; staff will answer there."))
    return Appeal.objects.create(action_id=content.hidden_by_id, author=author, message=message)


@transaction.atomic
def decide_appeal(*, actor, appeal_id: int, reverse: bool, note: str) -> Appeal:
    """Staff answer an appeal: show the content again, or keep it hidden."""
    require_staff(actor)
    appeal = (
        Appeal.objects.select_for_update().select_related("action").filter(pk=appeal_id).first()
        if isinstance(appeal_id, int) and 0 < appeal_id <= MAX_ID
        else None
    )
    if appeal is None:
        raise NotFound(_("There is no such appeal."))
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise Conflict(_("This appeal was already decided."))
    note = _reason(note)
    if reverse:
        hidden = appeal.action
        content = get_content(hidden.object_type, hidden.object_id)
        if content.hidden_by_id == hidden.pk:
            unhide_content(
                actor=actor,
                object_type=hidden.object_type,
                object_id=hidden.object_id,
                reason=f"Appeal granted: {note}",
            )
    appeal.outcome = Appeal.Outcome.REVERSED if reverse else Appeal.Outcome.UPHELD
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, timezone.now(), note
    appeal.save()
    return appeal


def pending_appeals():
    return Appeal.objects.filter(outcome=Appeal.Outcome.PENDING).select_related("action", "author")


def record_merge(*, actor, duplicate, original, reason: str = "") -> ModerationAction:
    """Log a merge publicly (called inside merge_posts' transaction)."""
    return log_moderation(
        action=Action.MERGE,
        actor=actor,
        object_type="post",
        object_id=duplicate.pk,
        object_url=duplicate.get_absolute_url(),
        reason=reason or f"Duplicate of #{original.pk}: {original.title}",
        extra={
            "into": {"type": "post", "id": str(original.pk), "url": original.get_absolute_url()}
        },
    )
