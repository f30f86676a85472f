"""Who sees what of hidden or deleted content, and what the tombstone says."""


def can_see_text(content, viewer) -> bool:
    """Deleted text is gone for everyone; hidden text stays visible to its author
    and to staff (to review appeals), and to nobody else."""
    if content.is_deleted:
        return False
    if not content.is_hidden:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.is_staff or content.author_id == viewer.pk


def tombstone(content) -> dict | None:
    """What stands in place of hidden or deleted content, or None."""
    if content.is_deleted:
        return {
            "kind": "deleted",
            "text": "Deleted by its author.",
            "rule": None,
            "reason": None,
            "at": content.deleted_at,
        }
    if content.is_hidden:
        action = content.hidden_by
        return {
            "kind": "hidden",
            "text": f"Hidden by a moderator under rule '{action.rule_title}': {action.reason}",
            "rule": action.rule_title,
            "reason": action.reason,
            "at": action.created_at,
        }
    return None


def prepare(contents, viewer) -> None:
    """Set ``show_text``, ``tombstone`` and ``viewer_appeal`` (the viewer's own appeal
    against hiding it, so they can read the answer) on each item for the templates.

    One query for the appeals, and only when the viewer wrote something hidden."""
    from frankly.transparency.models import Appeal

    is_signed_in = viewer is not None and viewer.is_authenticated
    own_hidden = {}
    for content in contents:
        content.show_text = can_see_text(content, viewer)
        content.tombstone = tombstone(content)
        content.viewer_appeal = None
        if content.is_hidden and is_signed_in and content.author_id == viewer.pk:
            own_hidden[content.hidden_by_id] = content
    if own_hidden:
        for appeal in Appeal.objects.filter(action_id__in=own_hidden):
            own_hidden[appeal.action_id].viewer_appeal = appeal
