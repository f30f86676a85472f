"""Testimonials only with consent.

Staff ask to quote a customer's words; the customer sees exactly the quote, where it
will appear and until when, and accepts (with their name or anonymously) or declines.
Only an accepted request that is still live, whose source text is unchanged and still
public, is ever served. Revoking, editing the source, hiding or deleting it ends the
consent at once: ``live_testimonials`` checks all of that on every request, and the
writes that change a source also mark its requests void for the record.
"""

import hashlib
import json
import re
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in, require_staff
from frankly.accounts.models import ConsentState, TestimonialRequest, User
from frankly.errors import Conflict, Invalid, NotAllowed, NotFound
from frankly.validation import parse_id, refuse_nul

# What can be quoted: a customer's own words on the board.
QUOTABLE = ("post", "comment")
MAX_YEARS = 3
DECISIONS = ("accept", "accept_anonymously", "decline")
_SPACE = re.compile(r"\s+")


def _text_fields(content) -> dict[str, str]:
    return {f: getattr(content, f) or "" for f in content.TEXT_FIELDS if not f.endswith("_html")}


def text_digest(content) -> str:
    """SHA-256 of the source's text fields: the version a consent is for."""
    data = json.dumps(_text_fields(content), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _source(object_type: str, object_id, *, for_update: bool = False):
    from frankly.transparency.moderation import get_content

    if object_type not in QUOTABLE:
        raise Invalid(
            f"Only posts and comments can be quoted, not '{object_type}'.", field="object_type"
        )
    pk = parse_id(object_id)
    if pk is None:
        raise NotFound(f"There is no {object_type} #{object_id}.")
    return get_content(object_type, pk, for_update=for_update)


def _is_public(content) -> bool:
    return not (content.is_hidden or content.is_deleted)


def _clean_until(until) -> date:
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until.strip())
        except ValueError:
            raise Invalid(
                _("Give the last day as a date like 2027-06-30."), field="until"
            ) from None
    if not isinstance(until, date):
        raise Invalid(_("Give the last day the quote may be shown."), field="until")
    today = timezone.localdate()
    if until < today:
        raise Invalid(_("That day has passed. Choose a last day from today on."), field="until")
    if until > today + timedelta(days=365 * MAX_YEARS):
        raise Invalid(f"Ask for at most {MAX_YEARS} years; you can ask again later.", field="until")
    return until


def _clean_text(value: str, *, field: str, limit: int, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(empty, field=field)
    refuse_nul(value, field=field, what=field)
    if len(value) > limit:
        raise Invalid(f"Keep the {field} under {limit:,} characters.", field=field)
    return value


@transaction.atomic
def request_testimonial(
    *,
    actor: User,
    object_type: str,
    object_id,
    quote: str,
    placement: str,
    until,
    message: str = "",
) -> TestimonialRequest:
    """Staff ask the author for consent to show an exact quote of their post or
    comment in one place until one day; nothing is shown until they accept."""
    from frankly.notify.models import Kind
    from frankly.notify.services import notify

    require_staff(actor)
    content = _source(object_type, object_id, for_update=True)
    author = content.author
    if not _is_public(content):
        raise Conflict(_("This is hidden or deleted, so it cannot be quoted."))
    if author is None or author.deleted_at is not None or not author.is_active:
        raise Conflict(_("Its author's account is gone, so nobody can consent to a quote."))
    if author.is_staff or content.author_was_staff:
        raise Conflict(_("This was written by staff; testimonials are customers' words."))
    quote = _clean_text(
        quote, field="quote", limit=2_000, empty="The quote is empty. Copy the words to feature."
    )
    source = " ".join(_squash(t) for t in _text_fields(content).values())
    if _squash(quote) not in source:
        raise Invalid(
            _(
                "The quote must be the customer's exact words, copied from what they wrote. "
                "Shorten it if you like, but do not change it."
            ),
            field="quote",
        )
    placement = _clean_text(
        placement,
        field="placement",
        limit=200,
        empty="Say where the quote will appear, e.g. “our pricing page”.",
    )
    message = (message or "").strip()
    refuse_nul(message, field="message", what="message")
    if len(message) > 2_000:
        raise Invalid(_("Keep the message under 2,000 characters."), field="message")
    until = _clean_until(until)
    if TestimonialRequest.objects.filter(
        object_type=object_type, object_id=content.pk, placement=placement, state="pending"
    ).exists():
        raise Conflict(_("A request to quote this in that place is already waiting for an answer."))
    request = TestimonialRequest(
        author=author,
        requested_by=actor,
        object_type=object_type,
        object_id=content.pk,
        object_url=content.get_absolute_url(),
        quote=quote,
        text_digest=text_digest(content),
        placement=placement,
        message=message,
        until=until,
    )
    request.save()
    notify(
        [author],
        kind=Kind.CONSENT,
        key=f"testimonial-request:{request.pk}",
        title="May we quote you? Staff asked to feature your words",
        body=f"“{quote[:200]}” — on {placement}, until {until:%d %B %Y}. "
        "Nothing is shown unless you accept.",
        url="/account/consents/",
    )
    return request


def _find(request_id, *, for_update: bool) -> TestimonialRequest:
    pk = parse_id(request_id)
    queryset = TestimonialRequest.objects
    if for_update:
        queryset = queryset.select_for_update()
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(f"There is no testimonial request #{request_id}.")
    return found


def _own_request(actor: User, request_id, *, for_update: bool = True) -> TestimonialRequest:
    require_signed_in(actor)
    found = _find(request_id, for_update=for_update)
    if found.author_id != actor.pk:
        raise NotAllowed(_("Only the person who wrote the words can answer for them."))
    return found


def _tell_crm(request: TestimonialRequest) -> None:
    """A consent changed: the CRM hears of it (webhook contact.updated, after commit)."""
    from frankly.crm.sync import announce_user_change

    announce_user_change(request.author)


def _end(request: TestimonialRequest, state: str, reason: str) -> None:
    now = timezone.now()
    request.state, request.ended_at, request.end_reason = state, now, reason[:200]
    request.updated_at = now
    request.save(update_fields=["state", "ended_at", "end_reason", "updated_at"])
    _tell_crm(request)


@transaction.atomic
def decide_testimonial(*, actor: User, request_id, decision: str) -> TestimonialRequest:
    """The author accepts (named or anonymous) or declines a request; the answer is
    recorded with its time and the text version it is for."""
    if decision not in DECISIONS:
        raise Invalid(
            f"'{decision}' is not an answer. Use accept, accept_anonymously or decline.",
            field="decision",
        )
    request = _own_request(actor, request_id)
    if request.state != ConsentState.PENDING:
        raise Conflict(f"This request is not waiting for an answer: it is {request.state}.")
    content = _source(request.object_type, request.object_id)
    if text_digest(content) != request.text_digest or not _is_public(content):
        _end(request, ConsentState.VOIDED, "The text changed before the answer.")
        raise Conflict(
            _(
                "The text changed since staff asked, so this request is void. "
                "Staff have to ask again about the new text."
            )
        )
    now = timezone.now()
    if decision == "decline":
        request.state = ConsentState.DECLINED
    else:
        request.state = ConsentState.ACCEPTED
        request.is_anonymous = decision == "accept_anonymously"
        request.attribution = ("A customer" if request.is_anonymous else actor.public_name)[:120]
    request.decided_at = request.updated_at = now
    request.save()
    _tell_crm(request)
    return request


@transaction.atomic
def revoke_testimonial(*, actor: User, request_id) -> TestimonialRequest:
    """The author takes consent back: the quote is not served anywhere from now on."""
    request = _own_request(actor, request_id)
    if request.state not in (ConsentState.ACCEPTED, ConsentState.PENDING):
        raise Conflict(f"There is no consent to revoke: this request is {request.state}.")
    _end(request, ConsentState.REVOKED, "Revoked by the author.")
    return request


@transaction.atomic
def withdraw_testimonial(*, actor: User, request_id) -> TestimonialRequest:
    """Staff stop using a quote (or cancel a request) themselves."""
    require_staff(actor)
    request = _find(request_id, for_update=True)
    if request.state not in (ConsentState.ACCEPTED, ConsentState.PENDING):
        raise Conflict(f"This request has already ended: it is {request.state}.")
    _end(request, ConsentState.WITHDRAWN, "Withdrawn by staff.")
    return request


def void_testimonials_for(*, object_type: str, object_id: int, reason: str) -> int:
    """End every pending or accepted request for this source (its text was edited,
    hidden or deleted); runs inside the caller's transaction."""
    if object_type not in QUOTABLE:
        return 0
    return TestimonialRequest.objects.filter(
        object_type=object_type,
        object_id=object_id,
        state__in=[ConsentState.PENDING, ConsentState.ACCEPTED],
    ).update(
        state=ConsentState.VOIDED,
        ended_at=timezone.now(),
        end_reason=reason[:200],
        updated_at=timezone.now(),
    )


@transaction.atomic
def revoke_all_for(user: User, *, reason: str) -> int:
    """End all of a person's consents (their account is being deleted)."""
    return TestimonialRequest.objects.filter(
        author=user, state__in=[ConsentState.PENDING, ConsentState.ACCEPTED]
    ).update(
        state=ConsentState.REVOKED,
        ended_at=timezone.now(),
        end_reason=reason[:200],
        updated_at=timezone.now(),
    )


def live_testimonials(limit: int | None = None) -> list[TestimonialRequest]:
    """What may be shown right now. Re-checks each source on every call, so nothing
    the author revoked, edited, deleted or had hidden is served even for a moment."""
    from frankly.feedback.models import Comment, Post

    candidates = list(
        TestimonialRequest.objects.live()
        .filter(author__is_active=True, author__deleted_at__isnull=True)
        .order_by("-decided_at", "-id")
    )
    ids = {kind: [c.object_id for c in candidates if c.object_type == kind] for kind in QUOTABLE}
    sources = {
        ("post", p.pk): p for p in Post.objects.filter(pk__in=ids["post"]).only(*_only(Post))
    }
    sources.update(
        {
            ("comment", c.pk): c
            for c in Comment.objects.filter(pk__in=ids["comment"]).only(*_only(Comment))
        }
    )
    live = []
    for candidate in candidates:
        source = sources.get((candidate.object_type, candidate.object_id))
        if source is None or not _is_public(source):
            continue
        if text_digest(source) != candidate.text_digest:
            continue
        live.append(candidate)
        if limit and len(live) >= limit:
            break
    return live


def _only(model) -> list[str]:
    return ["id", "hidden_by", "deleted_at", *model.TEXT_FIELDS]
