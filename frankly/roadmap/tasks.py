"""Background work of the roadmap: telling people that what they asked for shipped.

Safe to run twice: each notification is keyed by entry and post, so nobody hears
about the same shipment twice, however often the entry is edited or re-published.
"""

from django.db.models import Q
from django_tasks import task

from frankly.notify.models import Kind
from frankly.notify.services import notify


def shipped_key(entry_id: int, post_id: int) -> str:
    return f"shipped:{entry_id}:{post_id}"


@task()
def close_loop_on_ship(entry_id: int, post_ids: list[int]) -> int:
    """Notify the voters and followers of each shipped post; returns how many were told."""
    from frankly.accounts.models import User
    from frankly.feedback.models import Follow, Vote
    from frankly.roadmap.models import ChangelogEntry

    entry = ChangelogEntry.objects.published().filter(pk=entry_id).first()
    if entry is None:
        return 0
    count = 0
    for post in entry.posts.filter(pk__in=post_ids).order_by("pk"):
        if post.is_tombstone:
            continue  # its title is not public any more
        people = User.objects.filter(is_active=True).filter(
            Q(pk__in=Vote.objects.filter(post=post).values("user_id"))
            | Q(pk__in=Follow.objects.filter(post=post).values("user_id"))
        )
        if entry.published_by_id:
            people = people.exclude(pk=entry.published_by_id)
        count += len(
            notify(
                people,
                kind=Kind.SHIPPED,
                key=shipped_key(entry.pk, post.pk),
                title=f"You asked for “{post.title}”; it shipped",
                body=f"Read about it in “{entry.title}”.",
                url=entry.get_absolute_url(),
            )
        )
    return count
