"""Edit history: one mechanism that every service editing user-visible text calls.

``record_revision`` stores who changed which fields from what to what, and why.
``word_diff`` renders a readable word-level diff for the public history page.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frankly.transparency.models import Revision
from frankly.validation import refuse_nul

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def record_revision(
    *, object_type: str, object_id: int, editor, old: dict, new: dict, reason: str = ""
) -> Revision | None:
    """Store one edit of the given fields. Fields whose text did not change are left
    out; when nothing changed, nothing is stored and None is returned.

    Callers run it inside their transaction, so a refused reason undoes the edit too."""
    refuse_nul(reason or "", field="reason", what="reason")
    changed = [field for field in new if (old.get(field) or "") != (new.get(field) or "")]
    if not changed:
        return None
    # Consent to quote someone is for one text: any edit ends it (see accounts.testimonials).
    from frankly.accounts.testimonials import void_testimonials_for

    void_testimonials_for(
        object_type=object_type, object_id=object_id, reason="The quoted text was edited."
    )
    return Revision.objects.create(
        object_type=object_type,
        object_id=object_id,
        editor=editor,
        editor_was_staff=bool(editor and editor.is_staff),
        old={f: old.get(f) or "" for f in changed},
        new={f: new.get(f) or "" for f in changed},
        reason=(reason or "").strip()[:300],
    )


def history(object_type: str, object_id: int):
    """The revisions of one object, newest first, with their editors."""
    return Revision.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "editor"
    )


def forget_texts(object_type: str, object_id: int) -> None:
    """Wipe the texts of an object's revisions (its author deleted it) but keep the
    record that edits happened."""
    for revision in Revision.objects.filter(object_type=object_type, object_id=object_id):
        revision.old = {field: "" for field in revision.old}
        revision.new = {field: "" for field in revision.new}
        revision.save(update_fields=["old", "new"])


def word_diff(old: str, new: str) -> SafeString:
    """HTML with removed words in <del> and added words in <ins>; all text escaped."""
    before, after = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
