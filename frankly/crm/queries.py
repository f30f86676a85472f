"""Staff-only reads: who a post's author is in the CRM, who wants a post, and posts
sorted by the value of the customers who voted for them."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, FloatField, Func, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from frankly.access import require_staff
from frankly.crm.models import Company, Contact
from frankly.cursor import Key, Page, paginate
from frankly.errors import Invalid
from frankly.feedback.models import Post, Vote

SORTS = {
    "value": [Key("weighted_value"), Key("vote_count"), Key("id")],
    "votes": [Key("vote_count"), Key("id")],
}


def _sum(field_name: str):
    # SUM without GROUP BY, for a correlated subquery that yields one number.
    return Func(F(field_name), function="SUM")


def with_weighted_value(posts):
    """Annotate ``weighted_value``: each voting company's value counted once, plus the
    own value of voters with no company (free mail) or a company without a value."""
    voter_in_company = Vote.objects.filter(
        post=OuterRef(OuterRef("pk")), user__crm_contacts__company=OuterRef("pk")
    )
    companies = (
        Company.objects.filter(value__isnull=False)
        .filter(Exists(voter_in_company))
        .order_by()
        .annotate(total=_sum("value"))
        .values("total")
    )
    individuals = (
        Contact.objects.filter(Q(company__isnull=True) | Q(company__value__isnull=True))
        .filter(user__votes__post=OuterRef("pk"))
        .order_by()
        .annotate(total=_sum("value"))
        .values("total")
    )
    zero = Value(0.0, output_field=FloatField())
    return posts.annotate(
        weighted_value=Coalesce(Cast(Subquery(companies), FloatField()), zero)
        + Coalesce(Cast(Subquery(individuals), FloatField()), zero)
    )


@dataclass
class Backer:
    """A company (or a person without one) among a post's voters."""

    name: str
    domain: str = ""
    plans: set = field(default_factory=set)
    value: Decimal | None = None
    voters: int = 0


@dataclass
class WantedBy:
    companies: list[Backer]
    people: list[Backer]  # voters with a CRM record but no company (free mail)
    unknown_voters: int  # voters with no CRM record
    total_value: Decimal

    @property
    def plans(self) -> list[str]:
        return sorted({p for b in self.companies + self.people for p in b.plans})


def voter_prefetch() -> Prefetch:
    """Prefetch each vote's voter and their CRM contacts (three queries for any number)."""
    contacts = Contact.objects.select_related("company").order_by("pk")
    return Prefetch(
        "votes",
        queryset=Vote.objects.select_related("user").prefetch_related(
            Prefetch("user__crm_contacts", queryset=contacts)
        ),
    )


def wanted_by(post: Post) -> WantedBy:
    """Who wants this post, from its prefetched votes (see voter_prefetch)."""
    companies: dict[int, Backer] = {}
    people: list[Backer] = []
    unknown = 0
    for vote in post.votes.all():
        contacts = list(vote.user.crm_contacts.all())
        if not contacts:
            unknown += 1
            continue
        contact = next((c for c in contacts if c.company_id), contacts[0])
        if contact.company is not None:
            company = contact.company
            backer = companies.setdefault(
                company.pk,
                Backer(
                    name=company.name or contact.company_name or company.domain,
                    domain=company.domain,
                    value=company.value,
                ),
            )
            if backer.value is None and contact.value is not None:
                backer.value = contact.value
        else:
            backer = Backer(name=contact.name or contact.email, value=contact.value)
            people.append(backer)
        backer.voters += 1
        plan = contact.plan or (contact.company.plan if contact.company else "")
        if plan:
            backer.plans.add(plan)
    total = sum((b.value for b in [*companies.values(), *people] if b.value), Decimal(0))
    ranked = sorted(companies.values(), key=lambda b: (-(b.value or 0), b.name))
    return WantedBy(companies=ranked, people=people, unknown_voters=unknown, total_value=total)


def posts_by_value(
    *, viewer, sort: str = "value", cursor: str | None = None, limit: int = 20
) -> Page:
    """Posts sorted by the value of the customers who want them (or by plain votes),
    each with ``wanted`` (a WantedBy). Staff only."""
    require_staff(viewer)
    if sort not in SORTS:
        raise Invalid(f"'{sort}' is not a way to sort. Choose value or votes.", field="sort")
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 posts at a time.", field="limit")
    posts = with_weighted_value(Post.objects.listed()).prefetch_related(voter_prefetch())
    page = paginate(posts, keys=SORTS[sort], cursor=cursor, limit=limit)
    for post in page.items:
        post.wanted = wanted_by(post)
    return page


def author_contact(post: Post) -> Contact | None:
    if post.author_id is None:
        return None
    return (
        Contact.objects.filter(user_id=post.author_id)
        .select_related("company")
        .order_by(F("company").desc(nulls_last=True), "pk")
        .first()
    )


def post_crm(post_id: int, *, viewer) -> tuple[Post, Contact | None, WantedBy]:
    """One post's CRM view for staff: its author's contact and who wants it."""
    from frankly.feedback.services import get_post

    require_staff(viewer)
    get_post(post_id)
    post = with_weighted_value(Post.objects.filter(pk=post_id)).prefetch_related(voter_prefetch())[
        0
    ]
    return post, author_contact(post), wanted_by(post)
