from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from frankly.access import require_staff
from frankly.accounts import contact, privacy, services, testimonials
from frankly.accounts.auth import ANYONE, SIGNED_IN
from frankly.accounts.models import TestimonialRequest
from frankly.cursor import Key, paginate
from frankly.errors import Invalid
from frankly.schemas import RequestBody

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    time_zone: str
    show_name: bool
    hide_profile: bool


def _me(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.public_name,
        "role": str(user.role),
        "time_zone": user.time_zone,
        "show_name": user.show_name,
        "hide_profile": user.hide_profile,
    }


@router.get("/me", response=MeOut, auth=SIGNED_IN, summary="Who am I")
def me(request):
    return _me(request.user)


class PrivacyIn(RequestBody):
    show_name: bool
    hide_profile: bool


@router.put("/me/privacy", response=MeOut, auth=SIGNED_IN, summary="Set my privacy choices")
def set_privacy(request, payload: PrivacyIn):
    return _me(services.set_privacy(user=request.user, **payload.model_dump()))


class ContactPreferencesOut(Schema):
    product_news: bool
    surveys: bool
    incident_notices: bool
    sales_contact: str
    updated_at: datetime | None


class ContactIn(RequestBody):
    product_news: bool | None = None
    surveys: bool | None = None
    incident_notices: bool | None = None
    sales_contact: Literal["never", "when_asked"] | None = None


def _contact_out(preferences) -> dict:
    out = {f: getattr(preferences, f) for f in contact.FIELDS}
    out["updated_at"] = preferences.updated_at if preferences.pk else None
    return out


@router.get(
    "/me/contact-preferences",
    response=ContactPreferencesOut,
    auth=SIGNED_IN,
    summary="What the company may contact me about",
)
def get_contact(request):
    return _contact_out(contact.preferences_for(request.user))


@router.patch(
    "/me/contact-preferences",
    response=ContactPreferencesOut,
    auth=SIGNED_IN,
    summary="Change some of my contact preferences (each change is kept in my history)",
)
def patch_contact(request, payload: ContactIn):
    changes = {k: v for k, v in payload.model_dump().items() if v is not None}
    return _contact_out(contact.set_contact_preferences(user=request.user, **changes))


class ChangeOut(Schema):
    field: str
    old_value: str
    new_value: str
    changed_at: datetime


class ContactChangeListOut(Schema):
    items: list[ChangeOut]
    next: str | None


@router.get(
    "/me/contact-preferences/history",
    response=ContactChangeListOut,
    auth=SIGNED_IN,
    summary="My contact preference changes, newest first",
)
def contact_history(request, cursor: Query[str | None] = None, limit: Query[int] = 50):
    _check_limit(limit)
    page = paginate(
        request.user.contact_preference_changes.all(),
        keys=[Key("changed_at"), Key("id")],
        cursor=cursor,
        limit=limit,
    )
    return {"items": page.items, "next": page.next}


class DoNotContactOut(Schema):
    email: str
    topic: str
    sales_contact: str
    product_news: bool
    surveys: bool
    incident_notices: bool


class DoNotContactListOut(Schema):
    items: list[DoNotContactOut]
    next: str | None


@router.get(
    "/contacts/do-not-contact",
    response=DoNotContactListOut,
    auth=SIGNED_IN,
    summary="People who must not be contacted about a topic (staff), for a CRM or mail tool",
)
def do_not_contact(
    request,
    topic: Query[str] = "sales",
    cursor: Query[str | None] = None,
    limit: Query[int] = 100,
):
    require_staff(request.user)
    _check_limit(limit, most=1000)
    page = paginate(
        contact.do_not_contact(topic),
        keys=[Key("id", descending=False)],
        cursor=cursor,
        limit=limit,
    )
    items = []
    for person in page.items:
        prefs = contact.preferences_for(person)
        items.append({"email": person.email, "topic": topic} | _contact_out(prefs))
    return {"items": items, "next": page.next}


class TestimonialOut(Schema):
    id: int
    quote: str
    attribution: str
    source_url: str | None = Field(description="None when the customer chose to be anonymous.")
    until: date


class TestimonialListOut(Schema):
    items: list[TestimonialOut]
    next: str | None = Field(description="Always null: at most 100 quotes are served.")


@router.get(
    "/testimonials",
    response=TestimonialListOut,
    auth=ANYONE,
    summary="Quotes customers agreed to show; a revoked or edited one is gone at once",
)
def list_testimonials(request, limit: Query[int] = 20):
    _check_limit(limit)
    items = [
        {
            "id": t.pk,
            "quote": t.quote,
            "attribution": t.attribution,
            "source_url": None if t.is_anonymous else t.object_url,
            "until": t.until,
        }
        for t in testimonials.live_testimonials(limit=limit)
    ]
    return {"items": items, "next": None}


class RequestIn(RequestBody):
    object_type: Literal["post", "comment"]
    object_id: int
    quote: str = Field(max_length=100_000)
    placement: str = Field(max_length=10_000)
    until: date
    message: str = Field("", max_length=100_000)


class RequestOut(Schema):
    id: int
    author_id: int
    object_type: str
    object_id: int
    object_url: str
    quote: str
    placement: str
    until: date
    message: str
    state: str
    is_anonymous: bool
    attribution: str
    requested_at: datetime
    decided_at: datetime | None
    ended_at: datetime | None
    end_reason: str


class RequestListOut(Schema):
    items: list[RequestOut]
    next: str | None


@router.post(
    "/testimonials/requests",
    response={201: RequestOut},
    auth=SIGNED_IN,
    summary="Ask a customer for consent to quote their words (staff)",
)
def create_request(request, payload: RequestIn):
    return 201, testimonials.request_testimonial(actor=request.user, **payload.model_dump())


@router.get(
    "/testimonials/requests",
    response=RequestListOut,
    auth=SIGNED_IN,
    summary="Testimonial requests: all of them for staff, your own otherwise",
)
def list_requests(request, cursor: Query[str | None] = None, limit: Query[int] = 50):
    _check_limit(limit)
    requests = TestimonialRequest.objects.all()
    if not request.user.is_staff:
        requests = requests.filter(author=request.user)
    page = paginate(requests, keys=[Key("requested_at"), Key("id")], cursor=cursor, limit=limit)
    return {"items": page.items, "next": page.next}


class DecisionIn(RequestBody):
    decision: Literal["accept", "accept_anonymously", "decline"]


@router.post(
    "/testimonials/requests/{request_id}/decision",
    response=RequestOut,
    auth=SIGNED_IN,
    summary="Answer a request to quote you: accept, accept_anonymously or decline",
)
def decide(request, request_id: int, payload: DecisionIn):
    return testimonials.decide_testimonial(
        actor=request.user, request_id=request_id, decision=payload.decision
    )


@router.post(
    "/testimonials/requests/{request_id}/revoke",
    response=RequestOut,
    auth=SIGNED_IN,
    summary="Take your consent back; the quote stops being served at once",
)
def revoke(request, request_id: int):
    return testimonials.revoke_testimonial(actor=request.user, request_id=request_id)


@router.post(
    "/testimonials/requests/{request_id}/withdraw",
    response=RequestOut,
    auth=SIGNED_IN,
    summary="Stop using a quote or cancel a request (staff)",
)
def withdraw(request, request_id: int):
    return testimonials.withdraw_testimonial(actor=request.user, request_id=request_id)


class ExportOut(Schema):
    id: int
    state: str
    requested_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    size: int


@router.post(
    "/me/exports",
    response={202: ExportOut},
    auth=SIGNED_IN,
    summary="Ask for a copy of all my data; it is emailed as a link when ready",
)
def request_export(request):
    return 202, privacy.request_export(user=request.user)


@router.get("/me/exports", response=list[ExportOut], auth=SIGNED_IN, summary="My data exports")
def list_exports(request):
    return list(request.user.data_exports.all()[:20])


def _check_limit(limit: int, most: int = 100) -> None:
    if not 1 <= limit <= most:
        raise Invalid(
            _("Ask for between 1 and %(most)s items at a time.") % {"most": most}, field="limit"
        )
