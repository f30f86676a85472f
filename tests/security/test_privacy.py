"""Private data never shows in public: every public page, feed and API read, as an
outsider and as another customer, is scanned for the seeded email addresses, CRM
fields (company, plan, owner, value), a consent request's private message, and
sentiment scores in API answers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from frankly.incidents import subscriptions
from tests.conftest import ApiClient
from tests.security.test_authorisation import PERSONAS
from tests.security.test_page_authorisation import PAGE_READS
from tests.security.world import World

SUBSCRIBER = "watcher.private@example.com"
# Private facts seeded below; none may show to an outsider or another customer.
CRM_FACTS = ("Zanzibar Widgets Ltd", "Enterprise-Platinum-XK", "Dana Dealmaker", "987654.32")
CONSENT_ASK = "PrivateAsk-771"
SENTIMENT_KEYS = ("compound", "sentiment")


def page_urls(w: World) -> list[str]:
    args = {
        "feedback:post": [w.post.pk],
        "feedback:post_feed": [w.post.pk],
        "feedback:profile": [w.customer.pk],
        "incidents:incident": [w.incident.pk],
        "transparency:history": ["post", w.post.pk],
        "roadmap:entry": [w.entry.pk],
        "roadmap:entry_slug": [w.entry.pk, "dark-mode-ships"],
    }
    urls = [reverse(name, args=args.get(name, [])) for name in sorted(PAGE_READS)]
    urls += [
        reverse("transparency:history", args=["comment", w.comment.pk]),
        reverse("feedback:profile", args=[w.other.pk]),
        reverse("feedback:search") + "?q=dark",
        "/?status=open",
        f"/status/incidents/{w.resolved_incident.pk}/",
    ]
    return urls


NEEDS_QUERY = {
    "/revisions",
    "/posts/similar",
    "/ledger/proof/inclusion",
    "/ledger/proof/consistency",
}


def api_urls(w: World) -> list[str]:
    from frankly.api import api

    values = {
        "post_id": w.post.pk,
        "incident_id": w.incident.pk,
        "entry_id": w.entry.pk,
        "endpoint_id": w.endpoint.pk,
        "slug": w.private_page.slug,
    }
    urls = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if not any("GET" in op.methods for op in path_view.operations):
                continue
            names = re.findall(r"{(\w+)}", path)
            missing = [n for n in names if n not in values]
            assert not missing, f"Give test_privacy a value for {missing} in {path}"
            if path not in NEEDS_QUERY:  # given with their query below
                urls.append(f"{prefix}{path}".format(**values))
    urls += [
        f"/revisions?object=post:{w.post.pk}",
        f"/revisions?object=comment:{w.comment.pk}",
        "/posts/similar?title=Dark+mode",
        "/ledger/proof/inclusion?seq=1",
        "/ledger/proof/consistency?from=1&to=2",
    ]
    return urls


@pytest.fixture
def seeded(people, smtp_server):
    from datetime import date, timedelta
    from decimal import Decimal

    from frankly.accounts import testimonials
    from frankly.crm.services import ContactData, save_contact_for_user

    world = World(people).everything()
    subscriptions.subscribe(email=SUBSCRIBER, component_ids=[])
    save_contact_for_user(
        user=people["customer"],
        data=ContactData(
            company_name=CRM_FACTS[0],
            plan=CRM_FACTS[1],
            owner=CRM_FACTS[2],
            value=Decimal(CRM_FACTS[3]),
        ),
    )
    testimonials.request_testimonial(
        actor=people["staff"],
        object_type="comment",
        object_id=world.comment.pk,
        quote=world.comment.body,
        placement="Pricing page",
        until=date.today() + timedelta(days=30),
        message=CONSENT_ASK,
    )
    return world


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


@pytest.mark.parametrize("viewer", ["anonymous", "other_customer"])
def test_no_public_page_or_api_read_shows_an_email_address(seeded, people, viewer):
    user = people[viewer]
    private = {p.email.lower() for p in people.values() if p is not None and p != user}
    private.add(SUBSCRIBER)
    client = Client()
    if user is not None:
        client.force_login(user)
    api = ApiClient(user)
    scanned = 0
    for kind, url, response in [
        *(("page", u, client.get(u)) for u in page_urls(seeded)),
        *(("api", u, api.get(u)) for u in api_urls(seeded)),
    ]:
        # A private status page is "not found" for anyone outside its audience.
        hidden = (404,) if url.startswith("/private-status/") else ()
        assert response.status_code in (200, 301, 302, 401, 403, *hidden), (
            url,
            response.status_code,
        )
        body = response.content.decode().lower()
        leaked = [email for email in private if email in body]
        leaked += [fact for fact in (*CRM_FACTS, CONSENT_ASK) if fact.lower() in body]
        if kind == "api" and response.status_code == 200 and "json" in response["Content-Type"]:
            leaked += [k for k in _keys(response.json()) if k in SENTIMENT_KEYS]
        assert not leaked, f"{kind} {url} shows {leaked} to {viewer}"
        scanned += response.status_code == 200
    assert scanned >= 40  # the scan really read the pages
    assert len(PERSONAS) == 5
