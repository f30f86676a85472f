"""Votes a merge moved: the voter is told where their vote went and can take it back
with one click, from the email (a signed link, no login) or from the post's page.

Moving a vote acts in the voter's name, so each withdrawal is on the public
moderation log next to the merge itself.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from frankly.access import require_signed_in
from frankly.errors import Conflict, NotFound
from frankly.feedback.models import Post, Vote
from frankly.feedback.services.checks import get_post
from frankly.feedback.services.votes import _lock_and_score_vote
from frankly.transparency.models import Action, ModerationAction
from frankly.transparency.modlog import log_moderation

WITHDRAW_SALT = "frankly.feedback.withdraw_merged_vote"


def withdraw_token(*, user, post: Post) -> str:
    """A token for one person's moved vote on one post (the post it was moved to)."""
    return signing.dumps({"u": user.pk, "p": post.pk}, salt=WITHDRAW_SALT, compress=True)


def withdraw_url(*, user, post: Post) -> str:
    token = withdraw_token(user=user, post=post)
    return settings.SITE_URL + reverse("feedback:withdraw_merged_vote", args=[token])


def read_withdraw_token(token: str) -> tuple:
    """The person and the post a withdraw link is for; NotFound for a forged link."""
    from frankly.accounts.models import User

    try:
        data = signing.loads(token, salt=WITHDRAW_SALT)
        user_id, post_id = int(data["u"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(
            _("This link is not valid. Open the post and withdraw your vote there.")
        ) from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    post = Post.objects.filter(pk=post_id).first()
    if user is None or post is None:
        raise NotFound(_("This link is not valid any more: the person or the post is gone."))
    return user, post


def moved_vote(*, user, post: Post) -> Vote | None:
    """The person's vote on ``post`` if a merge moved it there, else None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Vote.objects.select_related("merged_from")
        .filter(user=user, post=post, merged_from__isnull=False)
        .first()
    )


def _withdraw(*, user, post_id: int) -> ModerationAction:
    post = get_post(post_id, for_update=True)
    vote = Vote.objects.filter(user=user, post=post, merged_from__isnull=False).first()
    if vote is None:
        raise Conflict(
            _(
                "There is no vote of yours here that a merge moved: it was already "
                "withdrawn, or you voted on this post yourself."
            )
        )
    duplicate_id = vote.merged_from_id
    vote.delete()
    _lock_and_score_vote(post, delta=-1, voted_at=vote.created_at)
    return log_moderation(
        action=Action.WITHDRAW,
        actor=user,
        object_type="post",
        object_id=post.pk,
        object_url=post.get_absolute_url(),
        reason=f"A voter took back the vote that the merge of #{duplicate_id} moved here.",
        extra={"from": {"type": "post", "id": str(duplicate_id)}},
    )


@transaction.atomic
def withdraw_merged_vote(*, user, post_id: int) -> ModerationAction:
    """The signed-in voter takes back a vote a merge moved to this post (logged)."""
    require_signed_in(user)
    return _withdraw(user=user, post_id=post_id)


@transaction.atomic
def withdraw_merged_vote_by_token(*, token: str) -> ModerationAction:
    """The same from the email's link: the signed token says who and which post."""
    user, post = read_withdraw_token(token)
    return _withdraw(user=user, post_id=post.pk)
