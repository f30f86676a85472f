"""Notifying people: the in-app inbox always, email only as each person chose.

``notify`` is idempotent per (person, key): the same event never reaches the same
person twice, however often it is processed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frankly.access import require_signed_in
from frankly.accounts.contact import Topic
from frankly.errors import Invalid, NotFound
from frankly.notify.inbound import reply_address
from frankly.notify.models import Delivery, EmailPreference, Kind, Notification
from frankly.notify.outbox import queue_email

UNSUBSCRIBE_SALT = "frankly.notify.unsubscribe"
ALL_KINDS = "all"


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user, kind: str) -> str:
    return settings.SITE_URL + reverse("notify:unsubscribe", args=[unsubscribe_token(user, kind)])


def email_headers(user, kind: str) -> dict:
    """RFC 8058 one-click unsubscribe: the mail client POSTs to the URL, no login."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def language_of(user) -> str:
    """The language a person's mail is written in: their choice, else the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _interpolate(message, params: dict) -> str:
    return str(message) % params


# A title or text translated when it is used, in the language active then: callers pass
# ``later(gettext_lazy("%(name)s commented"), name=...)`` and each recipient gets it
# in their own language.
_later = lazy(_interpolate, str)


def later(message, **params):
    return _later(message, params)


def _preferences(users: list, kind: str) -> dict[int, str]:
    rows = EmailPreference.objects.filter(user__in=users, kind=kind)
    return {row.user_id: row.delivery for row in rows}


def _email_body(user, notification: Notification) -> str:
    return (
        _("Hello %(name)s,") % {"name": user.public_name}
        + f"\n\n{notification.title}\n\n"
        + (f"{notification.body}\n\n" if notification.body else "")
        + f"{settings.SITE_URL}{notification.url}\n\n"
        + _("You get this because you chose it in your notification settings:")
        + f"\n{settings.SITE_URL}{reverse('notify:settings')}\n"
        + _("Stop these emails with one click: %(link)s")
        % {"link": unsubscribe_url(user, notification.kind)}
        + "\n"
    )


def notify(
    users: Iterable,
    *,
    kind: str,
    key: str,
    title: str,
    url: str,
    body: str = "",
    post_id: int | None = None,
) -> list[Notification]:
    """Put a notification in each person's inbox (once per key) and email those who
    asked for this kind right away; digest subscribers get it in the daily digest.

    With ``post_id``, the email's Reply-To is the person's own reply address for that
    post (when replies by email are on), so answering the email comments there."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if not people:
        return []
    already = set(
        Notification.objects.filter(user_id__in=people, key=key).values_list("user_id", flat=True)
    )
    preferences = _preferences(list(people.values()), kind)
    created = []
    for user_id, user in people.items():
        if user_id in already:
            continue
        delivery = preferences.get(user_id, Delivery.OFF)
        language = language_of(user)
        with translation.override(language):
            # A lazy title (see ``later``) is written in each person's language.
            user_title, user_body = str(title), str(body)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    kind=kind,
                    key=key[:120],
                    title=user_title[:300],
                    body=user_body[:2000],
                    url=url,
                    in_digest=delivery == Delivery.DIGEST,
                )
        except IntegrityError:
            continue  # a concurrent run got there first
        if delivery == Delivery.INSTANT:
            with translation.override(language):
                headers, text = email_headers(user, kind), _email_body(user, notification)
                reply_to = reply_address(user, post_id) if post_id else None
                if reply_to:
                    headers["Reply-To"] = reply_to
                    text = _("Reply to this email to comment on the post.") + "\n\n" + text
            queue_email(
                key=f"notification:{notification.pk}",
                to=user.email,
                user=user,
                subject=f"[{settings.SITE_NAME}] {user_title}"[:300],
                body=text,
                headers=headers,
                topic=Topic.NOTIFICATIONS,
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
        created.append(notification)
    return created


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark some (or, with None, all) of the person's notifications read."""
    require_signed_in(user)
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_email_preferences(*, user, choices: dict[str, str]) -> None:
    """Set, per kind, whether email comes right away, in a digest, or never."""
    require_signed_in(user)
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            raise Invalid(
                _("'%(kind)s' is not a kind of notification.") % {"kind": kind}, field="kind"
            )
        if delivery not in Delivery.values:
            raise Invalid(
                _("'%(choice)s' is not a choice. Use instant, digest or off.")
                % {"choice": delivery},
                field=kind,
            )
    for kind, delivery in choices.items():
        EmailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery, "changed_at": timezone.now()}
        )


def email_preferences(user) -> dict[str, str]:
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.OFF) for kind in Kind.values}


def read_unsubscribe_token(token: str) -> tuple:
    from frankly.accounts.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.filter(pk=int(data["u"])).first()
        kind = data["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(
            _(
                "This unsubscribe link is not valid. Change your choices in your "
                "notification settings instead."
            )
        ) from None
    if user is None or (kind not in Kind.values and kind != ALL_KINDS):
        raise NotFound(_("This unsubscribe link is not valid any more."))
    return user, kind


@transaction.atomic
def unsubscribe(*, token: str):
    """One click, no login: stop emails of this kind (or all kinds, from a digest) for
    the person the link was for."""
    user, kind = read_unsubscribe_token(token)
    for each in Kind.values if kind == ALL_KINDS else [kind]:
        EmailPreference.objects.update_or_create(
            user=user, kind=each, defaults={"delivery": Delivery.OFF, "changed_at": timezone.now()}
        )
    return user, kind


def send_daily_digests(now: datetime | None = None) -> int:
    """One email per person with everything waiting for their digest; returns how many."""
    now = now or timezone.now()
    day = now.date().isoformat()
    sent = 0
    user_ids = set(Notification.objects.filter(in_digest=True).values_list("user_id", flat=True))
    for user_id in user_ids:
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update()
                .select_related("user")
                .filter(user_id=user_id, in_digest=True)
                .order_by("created_at", "id")
            )
            if not items:
                continue
            user = items[0].user
            # Whoever turned email off since (or unsubscribed) gets no digest of it;
            # the items stay in their inbox.
            chosen = email_preferences(user)
            dropped = [n.pk for n in items if not user.is_active or chosen[n.kind] == Delivery.OFF]
            if dropped:
                Notification.objects.filter(pk__in=dropped).update(in_digest=False)
                items = [n for n in items if n.pk not in dropped]
            if not items:
                continue
            lines = [f"- {n.title}\n  {settings.SITE_URL}{n.url}" for n in items]
            with translation.override(language_of(user)):
                subject = ngettext(
                    "[%(site)s] Your daily digest: %(count)d update",
                    "[%(site)s] Your daily digest: %(count)d updates",
                    len(items),
                ) % {"site": settings.SITE_NAME, "count": len(items)}
                body = (
                    _("Hello %(name)s,") % {"name": user.public_name}
                    + "\n\n"
                    + _("What happened since yesterday:")
                    + "\n\n"
                    + "\n".join(lines)
                    + "\n\n"
                    + _("Change what you get: %(link)s")
                    % {"link": f"{settings.SITE_URL}{reverse('notify:settings')}"}
                    + "\n"
                )
            queue_email(
                key=f"digest:{user_id}:{day}:{items[-1].pk}",
                to=user.email,
                user=user,
                subject=subject,
                body=body,
                headers=email_headers(user, ALL_KINDS),
                topic=Topic.NOTIFICATIONS,
            )
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                in_digest=False, emailed_at=now
            )
            sent += 1
    return sent
