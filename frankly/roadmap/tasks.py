"""Background work of the roadmap: telling people that what they asked for shipped.

Safe to run twice: each notification is keyed by entry and post, so nobody hears
about the same shipment twice, however often the entry is edited or re-published.
"""

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from frankly.notify.models import Kind
from frankly.notify.services import language_of, later, notify


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
                title=later(
                    gettext_lazy("You asked for “%(title)s”; it shipped"), title=post.title
                ),
                body=later(gettext_lazy("Read about it in “%(title)s”."), title=entry.title),
                url=entry.get_absolute_url(),
            )
        )
    return count


@task()
def email_product_news(entry_id: int) -> int:
    """Mail a published changelog entry to the people who opted in to product news,
    once each (keyed in the outbox); returns how many were queued."""
    from django.conf import settings
    from django.db import transaction

    from frankly.accounts.contact import Topic, stop_headers, stop_url
    from frankly.accounts.models import User
    from frankly.notify.outbox import queue_email
    from frankly.roadmap.models import ChangelogEntry

    entry = ChangelogEntry.objects.published().filter(pk=entry_id).first()
    if entry is None:
        return 0
    link = f"{settings.SITE_URL}{entry.get_absolute_url()}"
    people = User.objects.filter(
        is_active=True, deleted_at__isnull=True, contact_preferences__product_news=True
    ).order_by("pk")
    queued = 0
    with transaction.atomic():
        for person in people:
            with translation.override(language_of(person)):
                body = (
                    f"{entry.title}\n\n{entry.body}\n\n"
                    + _("Read it on the site: %(link)s") % {"link": link}
                    + "\n\n"
                    + _("You get this because you asked for product news from %(site)s.")
                    % {"site": settings.SITE_NAME}
                    + "\n"
                    + _("Stop with one click: %(link)s")
                    % {"link": stop_url(person, Topic.PRODUCT_NEWS)}
                    + "\n"
                )
            if queue_email(
                key=f"product-news:{entry.pk}:{person.pk}",
                to=person.email,
                user=person,
                subject=f"[{settings.SITE_NAME}] {entry.title}",
                body=body,
                headers=stop_headers(person, Topic.PRODUCT_NEWS),
                topic=Topic.PRODUCT_NEWS,
            ):
                queued += 1
    return queued
