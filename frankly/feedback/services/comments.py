"""Comments: add, edit (with public history), and accepted answers on questions."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in
from frankly.errors import Conflict, NotAllowed
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Comment, Kind, Post
from frankly.feedback.services.checks import (
    clean_body,
    follow,
    get_any_comment,
    get_comment,
    get_post,
    refuse_if_closed,
)
from frankly.insights import events as insights
from frankly.markdown import render_markdown
from frankly.notify import events
from frankly.transparency.revisions import record_revision


@transaction.atomic
def add_comment(*, author, post_id: int, body: str, parent_id: int | None = None) -> Comment:
    """Comment on a post, or reply to a top-level comment. The author follows the post."""
    require_signed_in(author)
    post = get_post(post_id, for_update=True)
    refuse_if_closed(post, commenting=True)
    body = clean_body(body, limit=10_000, required=True, what="comment")
    parent = None
    if parent_id is not None:
        parent = get_comment(parent_id, post=post)
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer in the same thread
    now = timezone.now()
    comment = Comment.objects.create(
        post=post,
        author=author,
        author_was_staff=author.is_staff,
        parent=parent,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=now
    )
    follow(author, post)
    insights.comment_written(comment)
    events.comment_added(comment)
    events.webhook_event(
        "comment.created",
        {
            "comment": {
                "id": comment.pk,
                "post": post.pk,
                "parent": comment.parent_id,
                "body": comment.body,
                "url": comment.get_absolute_url(),
                "author": author.public_name,
                "author_is_staff": author.is_staff,
            },
        },
    )
    bump_board_version()
    return comment


@transaction.atomic
def edit_comment(*, actor, comment_id: int, body: str, reason: str = "") -> Comment:
    """Change a comment's text (its author or staff); the old text stays in its history."""
    require_signed_in(actor)
    comment = get_any_comment(comment_id, for_update=True)
    if not (comment.author_id == actor.pk or actor.is_staff):
        raise NotAllowed(_("Only the author or staff can edit this comment."))
    if comment.is_deleted:
        raise Conflict(_("Its author deleted this comment; it cannot be edited."))
    if comment.post.is_locked and not actor.is_staff:
        raise Conflict(f"This thread is locked: {comment.post.lock_reason}")
    body = clean_body(body, limit=10_000, required=True, what="comment")
    if body == comment.body:
        return comment
    old = comment.body
    comment.body, comment.body_html = body, render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    record_revision(
        object_type="comment",
        object_id=comment.pk,
        editor=actor,
        old={"body": old},
        new={"body": body},
        reason=reason,
    )
    insights.comment_written(comment)
    return comment


@transaction.atomic
def accept_answer(*, actor, post_id: int, comment_id: int | None) -> Post:
    """Mark one comment as the accepted answer of a question (its author or staff).

    ``comment_id=None`` clears the mark.
    """
    require_signed_in(actor)
    post = get_post(post_id, for_update=True)
    if post.kind != Kind.QUESTION:
        raise Conflict(_("Only questions have accepted answers."))
    if not (actor.is_staff or post.author_id == actor.pk):
        raise NotAllowed(_("Only the person who asked, or staff, can accept an answer."))
    answer = get_comment(comment_id, post=post) if comment_id else None
    if answer is not None and answer.is_tombstone:
        raise Conflict(_("A hidden or deleted comment cannot be the accepted answer."))
    post.accepted_comment = answer
    post.save(update_fields=["accepted_comment"])
    bump_board_version()
    return post
