"""Writing posts: create, edit (with public history), follow."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in
from frankly.errors import Conflict, Invalid, NotAllowed, NotFound
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Follow, Kind, Post
from frankly.feedback.services.checks import (
    clean_body,
    clean_title,
    follow,
    get_post,
    resolve_tags,
)
from frankly.insights import events as insights
from frankly.markdown import render_markdown
from frankly.notify import events
from frankly.transparency.revisions import record_revision
from frankly.validation import full_clean_or_invalid


@transaction.atomic
def create_post(*, author, kind: str, title: str, body: str = "", tags: Iterable[str] = ()) -> Post:
    """Publish a post; its author follows it from then on."""
    require_signed_in(author)
    if kind not in Kind.values:
        raise Invalid(
            f"'{kind}' is not a kind of post. Choose one of: {', '.join(Kind.values)}.",
            field="kind",
        )
    title = clean_title(title)
    body = clean_body(body, limit=20_000, required=False, what="description")
    tag_objects = resolve_tags(tags)
    now = timezone.now()
    post = Post(
        kind=kind,
        title=title,
        body=body,
        body_html=render_markdown(body),
        author=author,
        author_was_staff=author.is_staff,
        created_at=now,
        last_activity_at=now,
        trending=trending.initial(now),
    )
    full_clean_or_invalid(post, exclude=["author", "merged_into", "accepted_comment", "hidden_by"])
    post.held_at = now if must_wait_for_review(author) else None
    post.save()
    if tag_objects:
        post.tags.set(tag_objects)
    follow(author, post)
    if not post.is_held:
        announce_post(post, tags=tag_objects)
    return post


def must_wait_for_review(author) -> bool:
    """Whether a new post of ``author`` is held: customers' posts are, until
    FRANKLY_HOLD_FIRST_POSTS of theirs have been published (approved or never held)."""
    needed = settings.HOLD_FIRST_POSTS
    if needed <= 0 or author.is_staff:
        return False
    published = Post.objects.filter(author=author, held_at__isnull=True, hidden_by__isnull=True)
    return published.count() < needed


def announce_post(post: Post, *, tags: list | None = None) -> None:
    """What publishing a post sets off: sentiment scoring, the post.created webhook, a
    fresh board. Called once per post: at creation, or when staff approve a held one."""
    insights.post_written(post)
    events.webhook_event(
        "post.created",
        {
            "post": {
                "id": post.pk,
                "kind": post.kind,
                "title": post.title,
                "body": post.body,
                "url": post.get_absolute_url(),
                "tags": [t.slug for t in (post.tags.all() if tags is None else tags)],
                "author": post.author.public_name if post.author else None,
            },
        },
    )
    bump_board_version()


@transaction.atomic
def edit_post(
    *,
    actor,
    post_id: int,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    reason: str = "",
) -> Post:
    """Change a post's text (its author or staff), keeping the old text in its public
    history, or its tags (staff)."""
    require_signed_in(actor)
    post = get_post(post_id, for_update=True)
    is_author = post.author_id == actor.pk
    if (title is not None or body is not None) and not (is_author or actor.is_staff):
        raise NotAllowed(_("Only the author or staff can edit this post."))
    if tags is not None and not actor.is_staff:
        raise NotAllowed(_("Only staff can change a post's tags."))
    if post.is_deleted:
        raise Conflict(_("Its author deleted this post; it cannot be edited."))
    old = {"title": post.title, "body": post.body}
    changed = []
    if title is not None:
        title = clean_title(title)
        if title != post.title:
            post.title = title
            changed.append("title")
    if body is not None:
        body = clean_body(body, limit=20_000, required=False, what="description")
        if body != post.body:
            post.body = body
            post.body_html = render_markdown(body)
            changed += ["body", "body_html"]
    if changed:
        post.edited_at = timezone.now()
        post.save(update_fields=[*changed, "edited_at"])
        record_revision(
            object_type="post",
            object_id=post.pk,
            editor=actor,
            old=old,
            new={"title": post.title, "body": post.body},
            reason=reason,
        )
        if not post.is_held:
            insights.post_written(post)
    if tags is not None:
        post.tags.set(resolve_tags(tags))
    bump_board_version()
    return post


@transaction.atomic
def follow_post(*, user, post_id: int) -> None:
    """Follow a post to hear about its changes."""
    require_signed_in(user)
    post = get_post(post_id)
    if not post.is_visible_to(user):
        raise NotFound(f"There is no post #{post_id}.")
    follow(user, post)


@transaction.atomic
def unfollow_post(*, user, post_id: int) -> None:
    """Stop following a post."""
    require_signed_in(user)
    Follow.objects.filter(user=user, post=get_post(post_id)).delete()
