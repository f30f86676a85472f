"""Claiming what one wrote or voted on the tool used before.

An imported post, comment or vote carries the email its author or voter had there.
A person whose *verified* address here matches sees those items on their account and
may claim them, with an explicit click; nothing is attached to an account otherwise
(the consent rule in DESIGN.md). A claim makes them the author (the attribution line
stays, as history) and turns an imported vote into a real vote, counts kept exact.
"""

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from frankly.access import require_signed_in
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Comment, Post, Vote
from frankly.feedback.services.checks import follow
from frankly.portability.models import ImportedItem, ImportedKind


def verified_emails(user) -> list[str]:
    return [
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def claimable_items(user) -> QuerySet:
    """The unclaimed imported items whose email is one of the person's verified ones."""
    emails = verified_emails(user)
    if not emails:
        return ImportedItem.objects.none()
    return ImportedItem.objects.filter(claimed_by__isnull=True, person_email__in=emails)


@transaction.atomic
def claim_imported_items(*, user) -> dict[str, int]:
    """Make the person the author of their imported posts and comments and turn their
    imported votes into votes; returns how many of each. Claiming twice changes nothing."""
    require_signed_in(user)
    # No joins: PostgreSQL cannot lock the nullable side of an outer join (comment).
    items = list(claimable_items(user).select_for_update().order_by("pk"))
    claimed = {"posts": 0, "comments": 0, "votes": 0}
    now = timezone.now()
    for item in items:
        if item.kind == ImportedKind.POST:
            if Post.objects.filter(pk=item.post_id, author__isnull=True).update(author=user):
                follow(user, item.post)
                claimed["posts"] += 1
        elif item.kind == ImportedKind.COMMENT:
            if Comment.objects.filter(pk=item.comment_id, author__isnull=True).update(author=user):
                claimed["comments"] += 1
        else:
            _claim_vote(user, item)
            claimed["votes"] += 1
        item.claimed_by, item.claimed_at = user, now
        item.save(update_fields=["claimed_by", "claimed_at"])
    if items:
        bump_board_version()
    return claimed


def _claim_vote(user, item: ImportedItem) -> None:
    """One imported vote leaves imported_vote_count; it becomes a Vote unless the person
    already voted here (then they are counted once, as before)."""
    post = Post.objects.select_for_update().get(pk=item.post_id)
    updates = {"imported_vote_count": F("imported_vote_count") - 1}
    try:
        with transaction.atomic():
            Vote.objects.create(user=user, post=post, created_at=item.original_at)
    except IntegrityError:
        pass  # already voted here
    else:
        updates["vote_count"] = F("vote_count") + 1
        updates["trending"] = trending.add(post.trending, item.original_at)
        follow(user, post)
    Post.objects.filter(pk=post.pk).update(**updates)


def forget_imported_person(user) -> None:
    """On account deletion: the name and email the old tool had for this person go, and
    so do the attribution lines naming them (claimed or not)."""
    emails = {user.email.lower(), *verified_emails(user)}
    items = ImportedItem.objects.filter(claimed_by=user) | ImportedItem.objects.filter(
        person_email__in=emails
    )
    items = list(items)
    post_ids = [i.post_id for i in items if i.kind == ImportedKind.POST]
    comment_ids = [i.comment_id for i in items if i.kind == ImportedKind.COMMENT]
    Post.objects.filter(pk__in=post_ids).update(imported_from="")
    Comment.objects.filter(pk__in=comment_ids).update(imported_from="")
    ImportedItem.objects.filter(pk__in=[i.pk for i in items]).update(
        person_name="", person_email=""
    )
