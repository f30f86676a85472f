"""Votes: one per person per post, exact under concurrency, with a trending score."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from frankly.access import require_signed_in
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Post, Vote
from frankly.feedback.services.checks import follow, get_post, refuse_if_closed


def _lock_and_score_vote(post: Post, *, delta: int, voted_at) -> None:
    """Update the count and trending score of a locked post by one vote."""
    if delta > 0:
        score = trending.add(post.trending, voted_at)
    else:
        score = trending.remove(post.trending, voted_at)
        if score is None:
            times = Vote.objects.filter(post=post).values_list("created_at", flat=True)
            score = trending.from_scratch(post.created_at, times)
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + delta, trending=score)
    bump_board_version()


@transaction.atomic
def add_vote(*, user, post_id: int) -> Post:
    """Vote for a post. Voting twice changes nothing; the voter follows the post."""
    require_signed_in(user)
    post = get_post(post_id, for_update=True)
    refuse_if_closed(post)
    now = timezone.now()
    try:
        with transaction.atomic():
            Vote.objects.create(user=user, post=post, created_at=now)
    except IntegrityError:
        return Post.objects.get(pk=post.pk)  # already voted
    _lock_and_score_vote(post, delta=1, voted_at=now)
    follow(user, post)
    return Post.objects.get(pk=post.pk)


@transaction.atomic
def remove_vote(*, user, post_id: int) -> Post:
    """Withdraw a vote. Withdrawing one that is not there changes nothing."""
    require_signed_in(user)
    post = get_post(post_id, for_update=True)
    vote = Vote.objects.filter(user=user, post=post).first()
    if vote is not None:
        vote.delete()
        _lock_and_score_vote(post, delta=-1, voted_at=vote.created_at)
    return Post.objects.get(pk=post.pk)


def toggle_vote(*, user, post_id: int) -> tuple[Post, bool]:
    """Vote, or withdraw the vote when there is one. Returns the post and has_voted."""
    require_signed_in(user)
    if Vote.objects.filter(user=user, post_id=post_id).exists():
        return remove_vote(user=user, post_id=post_id), False
    return add_vote(user=user, post_id=post_id), True
