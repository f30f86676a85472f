"""CRM API (staff only): stale contacts, posts by customer value, one post's backers.
Nothing here is public; every endpoint refuses customers with 403."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from frankly.accounts.auth import SIGNED_IN
from frankly.crm import queries, stale, sync
from frankly.errors import NotFound
from frankly.validation import is_valid_id

router = Router(tags=["crm"])


class ReasonOut(Schema):
    code: str = Field(
        description="email_moved, bounced, inactive, duplicate or preference_conflict"
    )
    detail: str
    suggested_fix: str


class StaleContactOut(Schema):
    id: int
    email: str
    name: str
    company: str
    owner: str
    user_id: int | None
    reasons: list[ReasonOut]


class StaleListOut(Schema):
    items: list[StaleContactOut]
    next: str | None


class BackerOut(Schema):
    name: str
    domain: str = Field(description="Empty for a person without a company (free mail)")
    plans: list[str]
    value: float | None
    voters: int


class WantedByOut(Schema):
    companies: list[BackerOut]
    people: list[BackerOut]
    unknown_voters: int = Field(description="Voters with no CRM record")
    plans: list[str]
    total_value: float


class ContactOut(Schema):
    email: str
    name: str
    company: str
    plan: str
    value: float | None
    owner: str


class ValuedPostOut(Schema):
    id: int
    title: str
    url: str
    vote_count: int
    weighted_value: float = Field(description="Each voting company's value once, plus others'")
    wanted_by: WantedByOut


class ValuedPostDetailOut(ValuedPostOut):
    author: ContactOut | None = Field(description="The author's CRM record, if any")


class ValuedPostListOut(Schema):
    items: list[ValuedPostOut]
    next: str | None


class PreferencesOut(Schema):
    product_news: bool
    surveys: bool
    incident_notices: bool
    sales_contact: str = Field(description="never or when_asked")
    updated_at: datetime | None = Field(description="null while the defaults apply")


class ConsentOut(Schema):
    id: int
    kind: str = Field(description="testimonial")
    state: str
    placement: str
    until: date
    object_url: str
    decided_at: datetime | None
    updated_at: datetime


class UserChangeOut(Schema):
    user_id: int
    email: str
    name: str
    is_active: bool
    deleted: bool
    updated_at: datetime
    changed_at: str = Field(
        description="ISO 8601 time of the latest change (user, preferences or consents), "
        "to the microsecond: pass it as the next `since`"
    )
    preferences: PreferencesOut
    consents: list[ConsentOut]


class ChangeListOut(Schema):
    items: list[UserChangeOut]
    next: str | None


def _company_label(contact) -> str:
    if contact.company is not None:
        return contact.company.name or contact.company_name or contact.company.domain
    return contact.company_name


def _stale_out(contact) -> dict:
    return {
        "id": contact.pk,
        "email": contact.email,
        "name": contact.name,
        "company": _company_label(contact),
        "owner": contact.owner,
        "user_id": contact.user_id,
        "reasons": [vars(r) for r in contact.reasons],
    }


def _number(value):
    return float(value) if value is not None else None


def _backer_out(backer) -> dict:
    return {
        "name": backer.name,
        "domain": backer.domain,
        "plans": sorted(backer.plans),
        "value": _number(backer.value),
        "voters": backer.voters,
    }


def _wanted_out(wanted) -> dict:
    return {
        "companies": [_backer_out(b) for b in wanted.companies],
        "people": [_backer_out(b) for b in wanted.people],
        "unknown_voters": wanted.unknown_voters,
        "plans": wanted.plans,
        "total_value": float(wanted.total_value),
    }


def _post_out(post, wanted) -> dict:
    return {
        "id": post.pk,
        "title": post.title,
        "url": post.get_absolute_url(),
        "vote_count": post.vote_count,
        "weighted_value": post.weighted_value,
        "wanted_by": _wanted_out(wanted),
    }


@router.get(
    "/crm/stale",
    response=StaleListOut,
    auth=SIGNED_IN,
    summary="Contacts that look out of date, with reasons and suggested fixes (staff)",
)
def list_stale(
    request,
    months: Query[str | None] = None,
    cursor: Query[str | None] = None,
    limit: Query[int] = 50,
) -> dict:
    page = stale.stale_contacts(
        viewer=request.user, months=stale.check_months(months), cursor=cursor, limit=limit
    )
    return {"items": [_stale_out(c) for c in page.items], "next": page.next}


@router.get(
    "/crm/posts",
    response=ValuedPostListOut,
    auth=SIGNED_IN,
    summary="Posts by the value of the customers who want them, or by votes (staff)",
)
def list_valued_posts(
    request,
    sort: Query[str] = "value",
    cursor: Query[str | None] = None,
    limit: Query[int] = 20,
) -> dict:
    page = queries.posts_by_value(viewer=request.user, sort=sort, cursor=cursor, limit=limit)
    return {"items": [_post_out(p, p.wanted) for p in page.items], "next": page.next}


@router.get(
    "/crm/posts/{post_id}",
    response=ValuedPostDetailOut,
    auth=SIGNED_IN,
    summary="Who wants one post, and its author's CRM record (staff)",
)
def valued_post(request, post_id: int) -> dict:
    if not is_valid_id(post_id):
        raise NotFound("There is no such post.")
    post, author, wanted = queries.post_crm(post_id, viewer=request.user)
    out = _post_out(post, wanted)
    out["author"] = (
        {
            "email": author.email,
            "name": author.name,
            "company": _company_label(author),
            "plan": author.plan or (author.company.plan if author.company else ""),
            "value": _number(author.customer_value),
            "owner": author.owner,
        }
        if author
        else None
    )
    return out


@router.get(
    "/crm/changes",
    response=ChangeListOut,
    auth=SIGNED_IN,
    summary="Customers whose account, contact preferences or consents changed (staff)",
    description=(
        "For a CRM to pull: users changed after `since` (ISO 8601 with a time zone), "
        "oldest change first. Keep the last item's `changed_at` as the next `since`. "
        "The webhook event `contact.updated` sends the same shape as each change happens."
    ),
)
def list_changes(
    request,
    since: Query[str | None] = None,
    cursor: Query[str | None] = None,
    limit: Query[int] = 100,
) -> dict:
    page = sync.changes(
        viewer=request.user, since=sync.parse_since(since), cursor=cursor, limit=limit
    )
    items = [{**sync.user_change(u), "changed_at": u.changed_at.isoformat()} for u in page.items]
    return {"items": items, "next": page.next}
