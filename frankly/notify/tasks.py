"""Background work, run by `frankly worker` (django-tasks' database backend).

Every task is safe to run twice: notifications and emails are keyed, so a retry or
a restarted worker never notifies or emails anyone twice.
"""

import re

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from frankly.notify import outbox
from frankly.notify.models import Kind
from frankly.notify.services import later, notify

_lower = lazy(lambda text: str(text).lower(), str)


def enqueue_after(task_, delay, *args) -> None:
    """Queue ``task_`` to run after ``delay``. A backend that cannot defer (the
    immediate one used in tests) gets nothing: the periodic retry sweep picks the
    work up when it is due."""
    from django.utils import timezone

    if task_.get_backend().supports_defer:
        task_.using(run_after=timezone.now() + delay).enqueue(*args)


MENTION = re.compile(r"(?<![\w@])@([\w.\-]{2,80})", re.UNICODE)


def _handle(name: str) -> str:
    return name.lower().rstrip(".-")


def _followers(post, *, exclude=()):
    from frankly.accounts.models import User

    return User.objects.filter(follows__post=post, is_active=True).exclude(pk__in=exclude)


def _mentioned(comment) -> list:
    """People in the thread named as @DisplayNameWithoutSpaces in the comment."""
    from frankly.accounts.models import User

    # "Thanks @OscarOther." ends a sentence: the dot is not part of the name.
    handles = {_handle(h) for h in MENTION.findall(comment.body)}
    if not handles:
        return []
    post = comment.post
    participants = (
        User.objects.filter(is_active=True)
        .filter(pk__in=[post.author_id, *post.comments.values_list("author_id", flat=True)])
        .exclude(pk=comment.author_id)
    )
    return [
        u
        for u in participants
        if u.display_name and _handle(u.display_name.replace(" ", "")) in handles
    ]


@task()
def send_outbox_message(message_id: int) -> str:
    return outbox.send_now(message_id)


@task()
def retry_due_messages() -> int:
    return outbox.retry_due()


@task()
def fan_out_comment(comment_id: int) -> int:
    from frankly.feedback.models import Comment

    comment = (
        Comment.objects.select_related("post", "author", "parent__author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.is_tombstone:
        return 0
    post, author = comment.post, comment.author
    name = author.public_name if author else _("Someone")
    count = 0
    mentioned = _mentioned(comment)
    count += len(
        notify(
            mentioned,
            kind=Kind.MENTION,
            key=f"mention:{comment.pk}",
            title=later(_("%(name)s mentioned you on “%(title)s”"), name=name, title=post.title),
            body=comment.body[:300],
            url=comment.get_absolute_url(),
            post_id=post.pk,
        )
    )
    skip = {comment.author_id, *(u.pk for u in mentioned)}
    if comment.parent and comment.parent.author and comment.parent.author_id not in skip:
        count += len(
            notify(
                [comment.parent.author],
                kind=Kind.REPLY,
                key=f"comment:{comment.pk}",
                title=later(
                    _("%(name)s replied to you on “%(title)s”"), name=name, title=post.title
                ),
                body=comment.body[:300],
                url=comment.get_absolute_url(),
                post_id=post.pk,
            )
        )
        skip.add(comment.parent.author_id)
    count += len(
        notify(
            _followers(post, exclude=skip),
            kind=Kind.REPLY,
            key=f"comment:{comment.pk}",
            title=later(_("%(name)s commented on “%(title)s”"), name=name, title=post.title),
            body=comment.body[:300],
            url=comment.get_absolute_url(),
            post_id=post.pk,
        )
    )
    return count


@task()
def fan_out_status_change(change_id: int) -> int:
    from frankly.feedback.models import StatusChange

    change = StatusChange.objects.select_related("post").filter(pk=change_id).first()
    if change is None:
        return 0
    post = change.post
    return len(
        notify(
            _followers(post, exclude=[change.actor_id]),
            kind=Kind.STATUS,
            key=f"status:{change.pk}",
            title=later(
                _("“%(title)s” is now %(status)s"),
                title=post.title,
                status=_lower(change.get_to_status_display()),
            ),
            body=change.note[:300],
            url=post.get_absolute_url(),
            post_id=post.pk,
        )
    )


@task()
def fan_out_official_response(response_id: int) -> int:
    from frankly.feedback.models import OfficialResponse

    response = OfficialResponse.objects.select_related("post").filter(pk=response_id).first()
    if response is None:
        return 0
    post = response.post
    return len(
        notify(
            _followers(post, exclude=[response.author_id]),
            kind=Kind.RESPONSE,
            key=f"response:{response.pk}",
            title=later(_("Official response on “%(title)s”"), title=post.title),
            body=response.body[:300],
            url=f"{post.get_absolute_url()}#official-response",
            post_id=post.pk,
        )
    )


@task()
def tell_voters_of_merge(duplicate_id: int) -> int:
    """Tell each voter of a merged post where their vote went; those whose vote moved
    get a one-click link to take it back."""
    from frankly.feedback.models import Post, Vote
    from frankly.feedback.services.merged_votes import withdraw_url

    duplicate = Post.objects.select_related("merged_into").filter(pk=duplicate_id).first()
    if duplicate is None or duplicate.merged_into is None:
        return 0
    original = duplicate.merged_into
    moved = Vote.objects.filter(post=original, merged_from=duplicate).select_related("user")
    stayed = Vote.objects.filter(post=duplicate).select_related("user")
    title = later(
        _("“%(duplicate)s” was merged into “%(original)s”"),
        duplicate=duplicate.title,
        original=original.title,
    )
    stayed_body = later(
        _("You had voted for both, so your vote on #%(id)s counts once and nothing was moved."),
        id=original.pk,
    )
    told = [
        (
            vote.user,
            later(
                _(
                    "Staff merged a post you voted for into #%(id)s, so your vote now counts "
                    "for “%(title)s”. If that is not what you want, take your vote back with "
                    "one click:\n%(link)s"
                ),
                id=original.pk,
                title=original.title,
                link=withdraw_url(user=vote.user, post=original),
            ),
        )
        for vote in moved
    ] + [(vote.user, stayed_body) for vote in stayed]
    count = 0
    for user, body in told:
        count += len(
            notify(
                [user],
                kind=Kind.MERGE,
                key=f"merge:{duplicate.pk}",
                title=title,
                body=body,
                url=original.get_absolute_url(),
            )
        )
    return count


@task()
def send_daily_digests() -> int:
    from frankly.notify.services import send_daily_digests as send

    return send()


@task()
def dispatch_webhook_event(
    event: str, payload: dict, event_id: str | None = None, created_at: str | None = None
) -> int:
    from frankly.notify import webhooks

    return webhooks.dispatch(event, payload, event_id=event_id, created_at=created_at)


@task()
def deliver_webhook(delivery_id: int) -> str:
    from frankly.notify import webhooks

    return webhooks.deliver(delivery_id)


@task()
def retry_due_webhooks() -> int:
    from frankly.notify import webhooks

    return webhooks.retry_due()
