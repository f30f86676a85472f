"""Stale contacts ("you don't know Jack"): CRM records that look out of date, each with
the reason and a suggested fix. Nothing here changes a record; staff decide."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from frankly.access import require_staff
from frankly.crm.emails import canonical_email, company_domain, domain_of
from frankly.crm.models import Contact, EmailBounce
from frankly.cursor import BAD_CURSOR, Key, Page, _decode, _encode
from frankly.errors import Invalid

KEYS = [Key("email", descending=False), Key("id", descending=False)]


class Why:
    EMAIL_MOVED = "email_moved"
    BOUNCED = "bounced"
    INACTIVE = "inactive"
    DUPLICATE = "duplicate"
    PREFERENCE_CONFLICT = "preference_conflict"


@dataclass
class Reason:
    code: str
    detail: str
    suggested_fix: str


def _email_moved(found) -> None:
    linked = Contact.objects.filter(user__isnull=False).select_related("user")
    for contact in linked.iterator(chunk_size=2000):
        new_email = contact.user.email.lower()
        new_domain = company_domain(new_email)
        if new_email == contact.email or new_domain is None:
            continue
        if new_domain == domain_of(contact.email):
            continue
        found[contact.pk].append(
            Reason(
                Why.EMAIL_MOVED,
                f"The person now uses {new_email} in Frankly: another company's domain "
                f"({new_domain}), not {domain_of(contact.email)}.",
                f"Check whether they moved to {new_domain}; if so, change the email to "
                f"{new_email} and the company, or close this contact.",
            )
        )


def _bounced(found) -> None:
    bounces = {}
    for bounce in EmailBounce.objects.order_by("created_at", "id"):
        bounces[bounce.email] = bounce  # the latest per address wins
    if not bounces:
        return
    emails = list(bounces)
    bounced = []
    for start in range(0, len(emails), 500):  # SQLite limits parameters per query
        batch = Contact.objects.filter(email__in=emails[start : start + 500])
        bounced.extend(batch.only("pk", "email"))
    for contact in bounced:
        bounce = bounces[contact.email]
        found[contact.pk].append(
            Reason(
                Why.BOUNCED,
                f"Mail to {contact.email} bounced on {bounce.created_at:%Y-%m-%d}: "
                f"{bounce.code} {bounce.message[:200]}".rstrip(),
                "Find the person's current address, or mark the contact as unreachable.",
            )
        )


def _inactive(found, months: int) -> None:
    from frankly.feedback.models import Comment, Post, Vote

    since = timezone.now() - timedelta(days=30 * months)
    user = OuterRef("user")
    active = (
        Q(user__last_login__gte=since)
        | Exists(Post.objects.filter(author=user, created_at__gte=since))
        | Exists(Comment.objects.filter(author=user, created_at__gte=since))
        | Exists(Vote.objects.filter(user=user, created_at__gte=since))
    )
    quiet = (
        Contact.objects.filter(Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=since))
        .exclude(Q(user__isnull=False) & active)
        .only("pk", "last_contacted_at")
    )
    for contact in quiet.iterator(chunk_size=2000):
        last = (
            f"last CRM contact {contact.last_contacted_at:%Y-%m-%d}"
            if contact.last_contacted_at
            else "no CRM contact on record"
        )
        found[contact.pk].append(
            Reason(
                Why.INACTIVE,
                f"No activity in Frankly for {months} months and {last}.",
                "Reach out to confirm the contact is still current, or archive it.",
            )
        )


def _duplicates(found) -> None:
    groups = defaultdict(list)
    for pk, email, user_id in Contact.objects.values_list("pk", "email", "user_id"):
        groups[("email", canonical_email(email))].append((pk, email))
        if user_id is not None:
            groups[("user", user_id)].append((pk, email))
    flagged = set()
    for (kind, _), members in groups.items():
        if len(members) < 2:
            continue
        for pk, _email in members:
            others = ", ".join(e for p, e in members if p != pk)
            if (pk, others) in flagged:
                continue
            flagged.add((pk, others))
            why = "the same Frankly account" if kind == "user" else "the same mailbox"
            found[pk].append(
                Reason(
                    Why.DUPLICATE,
                    f"Probably the same person as {others} ({why}).",
                    "Merge the duplicates in the CRM, keeping the address the person uses now.",
                )
            )


def _preference_conflicts(found) -> None:
    """The CRM plans a sales contact, but the person said never (or never said yes:
    sales contact is opt-in, and "never" is the default)."""
    from frankly.accounts.models import SalesContact

    planned = Contact.objects.filter(plans_sales_contact=True, user__isnull=False).select_related(
        "user__contact_preferences"
    )
    for contact in planned:
        preferences = getattr(contact.user, "contact_preferences", None)
        if preferences is not None and preferences.sales_contact != SalesContact.NEVER:
            continue
        said = (
            'chose "never" for sales contact'
            if preferences is not None
            else "never agreed to sales contact (Frankly's default is never)"
        )
        found[contact.pk].append(
            Reason(
                Why.PREFERENCE_CONFLICT,
                f"The CRM plans a sales call or contact, but the person {said} in Frankly.",
                "Cancel the planned sales contact and record the opt-out in the CRM.",
            )
        )


def stale_reasons(*, months: int | None = None) -> dict[int, list[Reason]]:
    months = settings.CRM_STALE_MONTHS if months is None else months
    found: dict[int, list[Reason]] = defaultdict(list)
    _email_moved(found)
    _bounced(found)
    _inactive(found, months)
    _duplicates(found)
    _preference_conflicts(found)
    return found


def check_months(raw) -> int:
    if raw in (None, ""):
        return settings.CRM_STALE_MONTHS
    try:
        months = int(raw)
    except (TypeError, ValueError):
        months = -1
    if not 1 <= months <= 120:
        raise Invalid("Months is a whole number from 1 to 120.", field="months")
    return months


def _load(ids: list[int]) -> list[Contact]:
    """The contacts with these ids, in this order, fetched in batches (SQLite limits
    the number of parameters in one query)."""
    loaded: dict[int, Contact] = {}
    for start in range(0, len(ids), 500):
        batch = Contact.objects.filter(pk__in=ids[start : start + 500])
        loaded.update((c.pk, c) for c in batch.select_related("company", "user"))
    return [loaded[pk] for pk in ids if pk in loaded]


def stale_contacts(
    *, viewer, months: int | None = None, cursor: str | None = None, limit: int | None = 50
) -> Page:
    """Contacts that look out of date, each with ``reasons``, by email. Staff only.
    ``limit=None`` returns them all (for the CSV export)."""
    require_staff(viewer)
    if limit is not None and not 1 <= limit <= 500:
        raise Invalid("Ask for between 1 and 500 contacts at a time.", field="limit")
    found = stale_reasons(months=months)
    order = [
        (email, pk)
        for email, pk in Contact.objects.order_by("email", "id").values_list("email", "id")
        if pk in found
    ]
    next_cursor = None
    if cursor:
        after = _decode(cursor, KEYS)
        if not (isinstance(after[0], str) and isinstance(after[1], int)):
            raise Invalid(BAD_CURSOR, field="cursor")
        order = [row for row in order if row > (after[0], after[1])]
    if limit is not None and len(order) > limit:
        order = order[:limit]
        next_cursor = _encode(list(order[-1]))
    contacts = _load([pk for _, pk in order])
    for contact in contacts:
        contact.reasons = found[contact.pk]
    return Page(items=contacts, next=next_cursor)
