"""What staff do on the board: statuses, official responses, merges, tags. Statuses
and official responses go on the public ledger; merges on the moderation log."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from frankly.access import require_staff
from frankly.errors import Conflict, Invalid
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Follow, OfficialResponse, Post, Status, StatusChange, Tag, Vote
from frankly.feedback.services.checks import clean_body, get_post, refuse_if_closed
from frankly.markdown import render_markdown
from frankly.notify import events
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.moderation import record_merge
from frankly.transparency.revisions import record_revision
from frankly.validation import full_clean_or_invalid


@transaction.atomic
def change_status(
    *, actor, post_id: int, status: str, note: str = "", tell_followers: bool = True
) -> StatusChange:
    """Move a post to a new status (staff), on the record: a public note and a ledger entry.

    ``tell_followers=False`` is for callers that tell them themselves (the changelog's
    "it shipped" message), so nobody gets two notifications for one event.
    """
    require_staff(actor)
    if status not in Status.values:
        raise Invalid(
            f"'{status}' is not a status. Choose one of: {', '.join(Status.values)}.",
            field="status",
        )
    post = get_post(post_id, for_update=True)
    refuse_if_closed(post)
    note = clean_body(note, limit=5_000, required=False, what="note")
    if status == post.status:
        raise Conflict(
            _("The post is already '%(status)s'.") % {"status": post.get_status_display()}
        )
    now = timezone.now()
    change = StatusChange.objects.create(
        post=post,
        actor=actor,
        from_status=post.status,
        to_status=status,
        note=note,
        note_html=render_markdown(note),
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(status=status, last_activity_at=now)
    append_to_ledger(
        kind="post.status_changed",
        object_type="post",
        object_id=post.pk,
        object_url=post.get_absolute_url(),
        body={"title": post.title, "from": change.from_status, "to": status, "note": note},
    )
    if tell_followers:
        events.status_changed(change)
    events.webhook_event(
        "post.status_changed",
        {
            "post": {"id": post.pk, "title": post.title, "url": post.get_absolute_url()},
            "from": change.from_status,
            "to": status,
            "note": note,
        },
    )
    bump_board_version()
    return change


@transaction.atomic
def set_official_response(*, actor, post_id: int, body: str, reason: str = "") -> OfficialResponse:
    """Give (or edit) the one official response on a post (staff). Both are on the
    ledger; an edit also keeps the old text in the response's public history."""
    require_staff(actor)
    post = get_post(post_id, for_update=True)
    if post.is_tombstone:
        raise Conflict(_("This post is hidden or deleted; it takes no official response."))
    if post.is_held:
        raise Conflict(_("This post is waiting for review. Approve it first, then respond."))
    body = clean_body(body, limit=10_000, required=True, what="response")
    now = timezone.now()
    response = OfficialResponse.objects.filter(post=post).first()
    if response is not None and response.body == body:
        return response
    if response is None:
        response = OfficialResponse.objects.create(
            post=post, author=actor, body=body, body_html=render_markdown(body), created_at=now
        )
        kind = "official_response.published"
        events.official_response_published(response)
    else:
        record_revision(
            object_type="official_response",
            object_id=response.pk,
            editor=actor,
            old={"body": response.body},
            new={"body": body},
            reason=reason,
        )
        response.body, response.body_html = body, render_markdown(body)
        response.author, response.edited_at = actor, now
        response.save()
        kind = "official_response.edited"
    Post.objects.filter(pk=post.pk).update(last_activity_at=now)
    append_to_ledger(
        kind=kind,
        object_type="official_response",
        object_id=response.pk,
        object_url=f"{post.get_absolute_url()}#official-response",
        body={"post": post.pk, "post_title": post.title, "text": body},
    )
    bump_board_version()
    return response


@transaction.atomic
def merge_posts(*, actor, duplicate_id: int, original_id: int) -> Post:
    """Merge a duplicate into an original (staff), on the public moderation log.

    Votes move to the original unless the voter already voted there (then the vote
    stays on the duplicate, so nobody counts twice and nothing is deleted); the
    duplicate's followers follow the original; the duplicate keeps its text and
    shows where it went. Each voter of the duplicate is told where their vote went,
    with a one-click way to take it back.
    """
    require_staff(actor)
    if duplicate_id == original_id:
        raise Invalid(_("A post cannot be merged into itself."), field="into")
    # Lock both rows in id order so two merges cannot deadlock.
    first, second = sorted([duplicate_id, original_id])
    locked = {first: get_post(first, for_update=True), second: get_post(second, for_update=True)}
    duplicate, original = locked[duplicate_id], locked[original_id]
    if duplicate.merged_into_id:
        raise Conflict(f"Post #{duplicate.pk} is already merged into #{duplicate.merged_into_id}.")
    if original.merged_into_id:
        raise Conflict(
            f"Post #{original.pk} is itself merged into #{original.merged_into_id}; "
            "merge into that one instead."
        )
    if original.is_tombstone:
        raise Conflict(f"Post #{original.pk} is hidden or deleted; merge into a visible post.")
    if duplicate.is_held or original.is_held:
        raise Conflict("A post waiting for review cannot be merged. Approve or reject it first.")
    already = Vote.objects.filter(post=original).values("user_id")
    Vote.objects.filter(post=duplicate).exclude(user_id__in=already).update(
        post=original, merged_from=duplicate
    )
    followers = Follow.objects.filter(post=duplicate).exclude(
        user_id__in=Follow.objects.filter(post=original).values("user_id")
    )
    Follow.objects.bulk_create(
        [Follow(user_id=uid, post=original) for uid in followers.values_list("user_id", flat=True)]
    )
    now = timezone.now()
    for post in (duplicate, original):
        times = list(Vote.objects.filter(post=post).values_list("created_at", flat=True))
        post.vote_count = len(times)
        post.trending = trending.from_scratch(post.created_at, times)
    duplicate.merged_into, duplicate.merged_at = original, now
    duplicate.save(update_fields=["vote_count", "trending", "merged_into", "merged_at"])
    original.last_activity_at = now
    original.save(update_fields=["vote_count", "trending", "last_activity_at"])
    record_merge(actor=actor, duplicate=duplicate, original=original)
    bump_board_version()
    events.post_merged(duplicate)
    return original


@transaction.atomic
def create_tag(*, actor, name: str, slug: str = "", description: str = "") -> Tag:
    """Define a tag (staff)."""
    require_staff(actor)
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("The tag name is empty."), field="name")
    tag = Tag(name=name, slug=(slug or slugify(name))[:40], description=description.strip())
    if not tag.slug:
        raise Invalid(_("Give the tag a name with letters or digits in it."), field="name")
    if Tag.objects.filter(slug=tag.slug).exists() or Tag.objects.filter(name=name).exists():
        raise Conflict(f"There is already a tag called '{name}'.")
    full_clean_or_invalid(tag)
    tag.save()
    bump_board_version()
    return tag
