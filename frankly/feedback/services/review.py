"""Staff review of posts held for review (FRANKLY_HOLD_FIRST_POSTS): approving
publishes a post and sets off what posting does, once; rejecting hides it behind a
tombstone on the public moderation log, as any moderation does."""

from django.db import transaction

from frankly.access import require_staff
from frankly.errors import Conflict
from frankly.feedback.models import Post
from frankly.feedback.services.checks import get_post
from frankly.feedback.services.posts import announce_post


def _held_post(post_id: int) -> Post:
    post = get_post(post_id, for_update=True)
    if not post.is_held:
        raise Conflict(f"Post #{post.pk} is not waiting for review; someone already decided.")
    if post.is_deleted:
        raise Conflict("Its author deleted this post; there is nothing to review.")
    return post


@transaction.atomic
def approve_post(*, actor, post_id: int) -> Post:
    """Publish a held post (staff); the row lock makes its announcement happen once."""
    require_staff(actor)
    post = _held_post(post_id)
    post.held_at = None
    post.save(update_fields=["held_at"])
    announce_post(post)
    return post


@transaction.atomic
def reject_post(*, actor, post_id: int, rule_id, reason: str):
    """Refuse a held post (staff): hidden with a rule and a public reason, like any
    moderation, and never announced."""
    from frankly.transparency.moderation import hide_content

    require_staff(actor)
    post = _held_post(post_id)
    action = hide_content(
        actor=actor, object_type="post", object_id=post.pk, rule_id=rule_id, reason=reason
    )
    Post.objects.filter(pk=post.pk).update(held_at=None)
    return action
