"""Private data never shows in public: every public page, feed and API read, as an
outsider and as another customer, is scanned for the seeded email addresses."""

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


def api_urls(w: World) -> list[str]:
    from frankly.api import api

    values = {
        "post_id": w.post.pk,
        "incident_id": w.incident.pk,
        "entry_id": w.entry.pk,
        "endpoint_id": w.endpoint.pk,
    }
    urls = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if not any("GET" in op.methods for op in path_view.operations):
                continue
            names = re.findall(r"{(\w+)}", path)
            missing = [n for n in names if n not in values]
            assert not missing, f"Give test_privacy a value for {missing} in {path}"
            if path != "/revisions":  # needs ?object=, given below
                urls.append(f"{prefix}{path}".format(**values))
    urls += [f"/revisions?object=post:{w.post.pk}", f"/revisions?object=comment:{w.comment.pk}"]
    return urls


@pytest.fixture
def seeded(people, smtp_server):
    world = World(people).everything()
    subscriptions.subscribe(email=SUBSCRIBER, component_ids=[])
    return world


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
        assert response.status_code in (200, 301, 302, 401, 403), (url, response.status_code)
        body = response.content.decode().lower()
        leaked = [email for email in private if email in body]
        assert not leaked, f"{kind} {url} shows {leaked} to {viewer}"
        scanned += response.status_code == 200
    assert scanned >= 40  # the scan really read the pages
    assert len(PERSONAS) == 5
