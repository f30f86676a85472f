"""Private status pages for named audiences: who may read them, and staff's writes.

A reader is staff, a named member (signed in), or anyone with the page's current
secret link. Every refusal looks like a page that does not exist (404), so a guess
learns nothing; and nothing here is ever cached for anyone else (see views).
"""

import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from frankly.access import require_staff
from frankly.errors import Conflict, Invalid, NotFound
from frankly.incidents.caching import bump_status_version
from frankly.incidents.models import Component, Incident, IncidentState, PrivateStatusPage

NOT_FOUND = "There is no such status page, or this link is not valid (any more)."


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def is_member_or_staff(page: PrivateStatusPage, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or page.members.filter(pk=user.pk).exists()


def has_valid_key(page: PrivateStatusPage, key: str | None) -> bool:
    if not key or not page.link_token:
        return False
    return hmac.compare_digest(page.link_token.encode(), str(key).encode())


def can_read(page: PrivateStatusPage, user, key: str | None) -> bool:
    return has_valid_key(page, key) or is_member_or_staff(page, user)


def page_for_reader(slug: str, *, user, key: str | None) -> PrivateStatusPage:
    """The page if this reader may see it; NotFound otherwise, whatever the reason."""
    page = PrivateStatusPage.objects.filter(slug=str(slug)[:60]).first()
    if page is None or not can_read(page, user, key):
        raise NotFound(NOT_FOUND)
    return page


def _page(slug) -> PrivateStatusPage:
    page = PrivateStatusPage.objects.select_for_update().filter(slug=str(slug)[:60]).first()
    if page is None:
        raise NotFound(f"There is no private status page '{str(slug)[:60]}'.")
    return page


def page_by_slug(slug) -> PrivateStatusPage:
    """For staff's writes that name a page (an incident, a component)."""
    page = PrivateStatusPage.objects.filter(slug=str(slug)[:60]).first()
    if page is None:
        raise Invalid(
            f"There is no private status page '{str(slug)[:60]}'. Create it first.",
            field="private_page",
        )
    return page


def _users(emails) -> list:
    users = []
    for email in emails or []:
        user = get_user_model().objects.filter(email__iexact=str(email).strip()).first()
        if user is None:
            raise Invalid(
                f"No account has the address '{str(email)[:200]}'. Ask them to sign up first.",
                field="members",
            )
        users.append(user)
    return users


@transaction.atomic
def create_private_page(
    *,
    actor,
    name: str,
    slug: str = "",
    description: str = "",
    member_emails=(),
    shared_component_ids=(),
) -> PrivateStatusPage:
    """A new private page (staff), with a secret link ready to hand out."""
    require_staff(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise Invalid("Give the page a name of 1 to 120 characters.", field="name")
    slug = slugify(slug or name)[:60]
    if not slug:
        raise Invalid("Give the page a web address made of letters or digits.", field="slug")
    if PrivateStatusPage.objects.filter(slug=slug).exists():
        raise Conflict(f"There is already a private status page at '{slug}'.")
    description = (description or "").strip()
    if len(description) > 300:
        raise Invalid("Keep the description under 300 characters.", field="description")
    from frankly.incidents.services import _components

    shared = _components(shared_component_ids)  # public components only
    page = PrivateStatusPage.objects.create(
        name=name, slug=slug, description=description, link_token=new_link_token()
    )
    page.members.set(_users(member_emails))
    page.shared_components.set(shared)
    return page


@transaction.atomic
def add_member(*, actor, slug: str, email: str) -> PrivateStatusPage:
    """Let one more named person read the page when signed in (staff)."""
    require_staff(actor)
    page = _page(slug)
    page.members.add(*_users([email]))
    return page


@transaction.atomic
def remove_member(*, actor, slug: str, email: str) -> PrivateStatusPage:
    """Stop a named person reading the page (staff); takes effect at once."""
    require_staff(actor)
    page = _page(slug)
    page.members.remove(*_users([email]))
    return page


@transaction.atomic
def rotate_link(*, actor, slug: str) -> PrivateStatusPage:
    """A new secret link (staff): the old one stops working at once."""
    require_staff(actor)
    page = _page(slug)
    page.link_token, page.link_changed_at = new_link_token(), timezone.now()
    page.save(update_fields=["link_token", "link_changed_at"])
    bump_status_version()
    return page


@transaction.atomic
def revoke_link(*, actor, slug: str) -> PrivateStatusPage:
    """No secret link at all (staff): only members and staff can read the page."""
    require_staff(actor)
    page = _page(slug)
    page.link_token, page.link_changed_at = "", timezone.now()
    page.save(update_fields=["link_token", "link_changed_at"])
    bump_status_version()
    return page


# Reads


def page_components(page: PrivateStatusPage) -> list[Component]:
    """The page's own components first, then the public ones it shares."""
    own = list(page.own_components.select_related("group").order_by("position", "id"))
    shared = list(page.shared_components.select_related("group").order_by("position", "id"))
    return own + shared


def page_incidents(page: PrivateStatusPage, component_list: list[Component]):
    """(active, recent resolved): the page's own incidents, and the public ones that
    touch a component it shares."""
    from frankly.incidents.queries import _with_updates

    shared_ids = [c.pk for c in component_list if not c.is_private]
    mine = Incident.objects.filter(private_page=page)
    public_touching = Incident.objects.public().filter(components__in=shared_ids)
    both = _with_updates((mine | public_touching).distinct()).order_by("-created_at", "-id")
    active = [i for i in both.exclude(state=IncidentState.RESOLVED)]
    recent = list(both.filter(state=IncidentState.RESOLVED)[:10])
    return active, recent


def summary(page: PrivateStatusPage) -> dict:
    """What the private page's API returns (the public summary's shape)."""
    from frankly.incidents.queries import overall, update_out

    component_list = page_components(page)
    banner = overall(component_list)
    active, recent = page_incidents(page, component_list)

    def incident_out(i):
        return {
            "id": i.pk,
            "title": i.title,
            "impact": i.impact,
            "state": i.state,
            "created_at": i.created_at,
            "updated_at": i.updated_at,
            "resolved_at": i.resolved_at,
            "components": [c.pk for c in i.components.all()],
            "component_statuses": i.component_statuses(),
            "updates": [update_out(u) for u in i.updates.all()],
        }

    return {
        "name": page.name,
        "description": page.description,
        "status": banner["status"],
        "status_text": banner["text"],
        "components": [
            {
                "id": c.pk,
                "name": c.name,
                "group": c.group.name if c.group else None,
                "status": c.status,
                "description": c.description,
            }
            for c in component_list
        ],
        "active_incidents": [incident_out(i) for i in active],
        "recent_incidents": [incident_out(i) for i in recent],
    }
