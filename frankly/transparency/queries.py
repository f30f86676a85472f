"""Reads of the transparency app."""

import re
from datetime import datetime

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from frankly.cursor import Key, Page, paginate
from frankly.errors import Invalid, NotFound
from frankly.transparency.models import Action, ModerationAction, Revision
from frankly.transparency.moderation import MAX_ID

HISTORY_TYPES = {
    "post": "feedback.Post",
    "comment": "feedback.Comment",
    "official_response": "feedback.OfficialResponse",
    "incident_update": "incidents.IncidentUpdate",
    "postmortem": "incidents.Postmortem",
    "changelog_entry": "roadmap.ChangelogEntry",
}
OBJECT_REF = re.compile(r"^([a-z_]+):(\d{1,19})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_object_ref(ref: str, types=HISTORY_TYPES) -> tuple[str, int]:
    match = OBJECT_REF.match(ref or "")
    if not match or match.group(1) not in types:
        raise Invalid(
            "Name the object as type:id, e.g. post:123. Types: " + ", ".join(types) + ".",
            field="object",
        )
    object_id = int(match.group(2))
    if not 0 < object_id <= MAX_ID:
        raise NotFound(f"There is no {match.group(1)} #{object_id}.")
    return match.group(1), object_id


def get_history_object(object_type: str, object_id: int):
    from django.apps import apps

    model = apps.get_model(HISTORY_TYPES[object_type])
    found = model.objects.filter(pk=object_id).first()
    if found is None:
        raise NotFound(f"There is no {object_type.replace('_', ' ')} #{object_id}.")
    return found


def texts_visible_to(obj, viewer) -> bool:
    """Hidden or deleted content keeps its history private (author and staff only)."""
    tombstone = getattr(obj, "is_tombstone", False)
    if hasattr(obj, "post") and getattr(obj.post, "is_tombstone", False):
        tombstone = True
    if getattr(obj, "published_at", True) is None:  # a draft (changelog): staff's work
        tombstone = True
    if getattr(getattr(obj, "incident", None), "private_page_id", None):
        tombstone = True  # a private status page's incident: not for the public
    if not tombstone:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.is_staff or getattr(obj, "author_id", None) == viewer.pk


def revisions_for(object_type: str, object_id: int, *, viewer) -> list[dict]:
    obj = get_history_object(object_type, object_id)
    visible = texts_visible_to(obj, viewer)
    revisions = Revision.objects.filter(object_type=object_type, object_id=object_id)
    return [
        {
            "id": r.pk,
            "object": f"{object_type}:{object_id}",
            "editor": {"name": r.editor.public_name, "is_staff": r.editor_was_staff}
            if r.editor
            else None,
            "created_at": r.created_at,
            "reason": r.reason,
            "old": r.old if visible else None,
            "new": r.new if visible else None,
            "withheld": not visible,
        }
        for r in revisions.select_related("editor")
    ]


def _month_range(month: str) -> tuple[datetime, datetime]:
    match = MONTH.match(month)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise Invalid("Give the month as YYYY-MM, e.g. 2026-03.", field="month")
    year, mon = int(match.group(1)), int(match.group(2))
    start = datetime(year, mon, 1, tzinfo=timezone.get_current_timezone())
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=start.tzinfo)
    return start, end


def moderation_log(*, action: str = "", month: str = "", cursor=None, limit: int = 50) -> Page:
    if action and action not in Action.values:
        raise Invalid(
            f"'{action}' is not an action. Choose one of: {', '.join(Action.values)}.",
            field="action",
        )
    if not 1 <= limit <= 200:
        raise Invalid("Ask for between 1 and 200 actions at a time.", field="limit")
    actions = ModerationAction.objects.all()
    if settings.MODLOG_SHOWS_NAMES:
        actions = actions.select_related("actor")
    if action:
        actions = actions.filter(action=action)
    if month:
        start, end = _month_range(month)
        actions = actions.filter(created_at__gte=start, created_at__lt=end)
    return paginate(actions, keys=[Key("created_at"), Key("id")], cursor=cursor, limit=limit)


def moderation_counts() -> dict:
    """Actions per month and per rule, for the small tables on the log page."""
    per_month = (
        ModerationAction.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "action")
        .annotate(n=Count("id"))
        .order_by("-month", "action")
    )
    months: dict = {}
    for row in per_month:
        months.setdefault(row["month"], {})[row["action"]] = row["n"]
    per_rule = (
        ModerationAction.objects.exclude(rule_title="")
        .values("rule_title")
        .annotate(n=Count("id"))
        .order_by("-n", "rule_title")
    )
    return {"months": months, "rules": list(per_rule)}


def action_out(action: ModerationAction) -> dict:
    return {
        "id": action.pk,
        "action": action.action,
        "object_type": action.object_type,
        "object_id": action.object_id,
        "object_url": action.object_url,
        "rule": action.rule_title,
        "reason": action.reason,
        "actor_role": action.actor_role,
        "actor": actor_name(action),
        "created_at": action.created_at,
    }


def actor_name(action: ModerationAction) -> str | None:
    """The moderator's public name, only where the site chose to show names."""
    if not settings.MODLOG_SHOWS_NAMES or action.actor is None:
        return None
    return action.actor.public_name


def rules_for_staff(viewer) -> list:
    """The active rules, for the moderation forms staff see (nothing for others)."""
    from frankly.transparency.models import Rule

    if viewer is None or not viewer.is_authenticated or not viewer.is_staff:
        return []
    return list(Rule.objects.filter(is_active=True))


def appeal_of(content, viewer):
    """The author's appeal against hiding ``content``, if they are its author."""
    from frankly.transparency.models import Appeal

    if not content.is_hidden or viewer is None or not viewer.is_authenticated:
        return None
    if content.author_id != viewer.pk:
        return None
    return Appeal.objects.filter(action_id=content.hidden_by_id).first()
