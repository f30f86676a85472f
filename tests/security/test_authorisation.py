"""Who may write what: every API write and every page write, tried by each persona.

The tables list each write with the exact set of personas allowed to do it; every
other persona must be refused (401 for anonymous on the API, a redirect to the login
page on pages; 403 or 404 for signed-in people) and nothing may be written. An API
route missing from the table fails ``test_every_api_write_has_a_row``: add the row.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from frankly.api import api
from tests.conftest import ApiClient
from tests.security.world import World, build_world

PERSONAS = ("anonymous", "customer", "other_customer", "staff", "admin")
ANYONE_SIGNED_IN = {"customer", "other_customer", "staff", "admin"}
STAFF = {"staff", "admin"}
OWNER = {"customer"}
OWNER_OR_STAFF = {"customer", "staff", "admin"}


@dataclass(frozen=True)
class Write:
    allowed: set
    request: Callable[[World], tuple]  # world -> (path, body)


def _soon(hours: int) -> str:
    return (timezone.now() + timedelta(hours=hours)).isoformat()


SSO_SECRET = "a-shared-secret-that-is-long-enough-for-hs256"


@pytest.fixture(autouse=True)
def _sso_set_up(settings):
    settings.SSO_SECRET = SSO_SECRET


def _sso_token() -> str:
    """A fresh, valid SSO JWT: the widget's exchange trusts the token, not the caller."""
    claims = {"email": "wendy@acme.example", "exp": int(time.time()) + 300, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, SSO_SECRET, algorithm="HS256")


# (METHOD, route as NinjaAPI declares it) -> who may, and a request to send.
API_WRITES = {
    ("POST", "/posts"): Write(ANYONE_SIGNED_IN, lambda w: ("/posts", {"title": "Export to CSV"})),
    ("PATCH", "/posts/{post_id}"): Write(
        OWNER_OR_STAFF, lambda w: (f"/posts/{w.post.pk}", {"title": "Dark mode, please"})
    ),
    ("DELETE", "/posts/{post_id}"): Write(OWNER, lambda w: (f"/posts/{w.post.pk}", None)),
    ("PATCH", "/comments/{comment_id}"): Write(
        OWNER_OR_STAFF, lambda w: (f"/comments/{w.comment.pk}", {"body": "Me too, really"})
    ),
    ("DELETE", "/comments/{comment_id}"): Write(
        OWNER, lambda w: (f"/comments/{w.comment.pk}", None)
    ),
    ("POST", "/posts/{post_id}/vote"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/posts/{w.target.pk}/vote", {})
    ),
    ("DELETE", "/posts/{post_id}/vote"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/posts/{w.target.pk}/vote", None)
    ),
    ("POST", "/posts/{post_id}/comments"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/posts/{w.post.pk}/comments", {"body": "Yes"})
    ),
    ("POST", "/posts/{post_id}/follow"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/posts/{w.target.pk}/follow", {})
    ),
    ("DELETE", "/posts/{post_id}/follow"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/posts/{w.target.pk}/follow", None)
    ),
    ("POST", "/posts/{post_id}/status"): Write(
        STAFF, lambda w: (f"/posts/{w.post.pk}/status", {"status": "planned", "note": "Soon"})
    ),
    ("POST", "/posts/{post_id}/official-response"): Write(
        STAFF, lambda w: (f"/posts/{w.post.pk}/official-response", {"body": "We hear you"})
    ),
    ("POST", "/posts/{post_id}/merge"): Write(
        STAFF, lambda w: (f"/posts/{w.post.pk}/merge", {"into": w.target.pk})
    ),
    ("POST", "/moderation/hide"): Write(
        STAFF,
        lambda w: (
            "/moderation/hide",
            {"object": f"comment:{w.comment.pk}", "rule": w.rule.pk, "reason": "Off topic"},
        ),
    ),
    ("POST", "/moderation/unhide"): Write(
        STAFF,
        lambda w: ("/moderation/unhide", {"object": f"comment:{w.hidden.pk}", "reason": "Fine"}),
    ),
    ("POST", "/moderation/lock"): Write(
        STAFF, lambda w: ("/moderation/lock", {"post": w.post.pk, "reason": "Heated"})
    ),
    ("POST", "/moderation/ban"): Write(
        STAFF,
        lambda w: (
            "/moderation/ban",
            {"user": w.people["other_customer"].pk, "reason": "Spam", "rule": w.rule.pk},
        ),
    ),
    ("POST", "/moderation/appeals"): Write(
        OWNER,
        lambda w: ("/moderation/appeals", {"object": f"comment:{w.hidden.pk}", "message": "Why?"}),
    ),
    ("POST", "/moderation/appeals/{appeal_id}/decision"): Write(
        STAFF,
        lambda w: (
            f"/moderation/appeals/{w.appeal.pk}/decision",
            {"reverse": True, "note": "You are right"},
        ),
    ),
    ("POST", "/rules"): Write(STAFF, lambda w: ("/rules", {"title": "No spam"})),
    ("PATCH", "/rules/{rule_id}"): Write(
        STAFF, lambda w: (f"/rules/{w.rule.pk}", {"title": "Be very kind"})
    ),
    ("POST", "/components"): Write(STAFF, lambda w: ("/components", {"name": "Search"})),
    ("POST", "/incidents"): Write(
        STAFF, lambda w: ("/incidents", {"title": "Errors", "body": "Looking into it"})
    ),
    ("POST", "/incidents/{incident_id}/updates"): Write(
        STAFF,
        lambda w: (
            f"/incidents/{w.incident.pk}/updates",
            {"state": "identified", "body": "Found it"},
        ),
    ),
    ("POST", "/maintenances"): Write(
        STAFF,
        lambda w: (
            "/maintenances",
            {
                "title": "Database upgrade",
                "starts_at": _soon(24),
                "ends_at": _soon(25),
                "components": [w.component.pk],
            },
        ),
    ),
    ("POST", "/private-status"): Write(
        STAFF, lambda w: ("/private-status", {"name": "Globex region"})
    ),
    ("POST", "/private-status/{slug}/members"): Write(
        STAFF,
        lambda w: (
            f"/private-status/{w.private_page.slug}/members",
            {"email": w.other.email},
        ),
    ),
    ("POST", "/private-status/{slug}/members/remove"): Write(
        STAFF,
        lambda w: (
            f"/private-status/{w.private_page.slug}/members/remove",
            {"email": w.customer.email},
        ),
    ),
    ("POST", "/private-status/{slug}/link"): Write(
        STAFF, lambda w: (f"/private-status/{w.private_page.slug}/link", {})
    ),
    ("DELETE", "/private-status/{slug}/link"): Write(
        STAFF, lambda w: (f"/private-status/{w.private_page.slug}/link", None)
    ),
    ("POST", "/checks"): Write(
        STAFF,
        lambda w: (
            "/checks",
            {"component": w.component.pk, "kind": "tcp", "target": "127.0.0.1:9"},
        ),
    ),
    ("PATCH", "/roadmap/{post_id}"): Write(
        STAFF, lambda w: (f"/roadmap/{w.post.pk}", {"target_quarter": "2030-Q1"})
    ),
    ("POST", "/changelog"): Write(STAFF, lambda w: ("/changelog", {"title": "Faster search"})),
    ("PATCH", "/changelog/{entry_id}"): Write(
        STAFF, lambda w: (f"/changelog/{w.draft.pk}", {"title": "Much faster search"})
    ),
    ("POST", "/changelog/{entry_id}/publish"): Write(
        STAFF, lambda w: (f"/changelog/{w.draft.pk}/publish", {})
    ),
    ("POST", "/changelog/{entry_id}/comments"): Write(
        ANYONE_SIGNED_IN, lambda w: (f"/changelog/{w.entry.pk}/comments", {"body": "Nice"})
    ),
    ("POST", "/webhooks"): Write(
        STAFF,
        lambda w: ("/webhooks", {"url": "http://127.0.0.1:9/other", "events": ["post.created"]}),
    ),
    ("PATCH", "/webhooks/{endpoint_id}"): Write(
        STAFF, lambda w: (f"/webhooks/{w.endpoint.pk}", {"description": "CI"})
    ),
    ("DELETE", "/webhooks/{endpoint_id}"): Write(
        STAFF, lambda w: (f"/webhooks/{w.endpoint.pk}", None)
    ),
    ("POST", "/webhooks/{endpoint_id}/rotate-secret"): Write(
        STAFF, lambda w: (f"/webhooks/{w.endpoint.pk}/rotate-secret", {})
    ),
    ("POST", "/webhooks/deliveries/{delivery_id}/redeliver"): Write(
        STAFF, lambda w: (f"/webhooks/deliveries/{w.delivery.pk}/redeliver", {})
    ),
    ("PUT", "/me/privacy"): Write(
        ANYONE_SIGNED_IN, lambda w: ("/me/privacy", {"show_name": True, "hide_profile": True})
    ),
    ("PATCH", "/me/contact-preferences"): Write(
        ANYONE_SIGNED_IN, lambda w: ("/me/contact-preferences", {"surveys": True})
    ),
    ("POST", "/me/exports"): Write(ANYONE_SIGNED_IN, lambda w: ("/me/exports", {})),
    ("POST", "/testimonials/requests"): Write(
        STAFF,
        lambda w: (
            "/testimonials/requests",
            {
                "object_type": "post",
                "object_id": w.post.pk,
                "quote": w.post.title,
                "placement": "Homepage",
                "until": (timezone.now() + timedelta(days=30)).date().isoformat(),
            },
        ),
    ),
    ("POST", "/testimonials/requests/{request_id}/decision"): Write(
        OWNER,
        lambda w: (
            f"/testimonials/requests/{w.quote_request.pk}/decision",
            {"decision": "accept"},
        ),
    ),
    ("POST", "/testimonials/requests/{request_id}/revoke"): Write(
        OWNER, lambda w: (f"/testimonials/requests/{w.accepted_quote.pk}/revoke", {})
    ),
    ("POST", "/widget/session"): Write(
        set(PERSONAS), lambda w: ("/widget/session", {"sso_token": _sso_token()})
    ),
    ("POST", "/testimonials/requests/{request_id}/withdraw"): Write(
        STAFF, lambda w: (f"/testimonials/requests/{w.quote_request.pk}/withdraw", {})
    ),
}


def api_write_routes() -> set[tuple[str, str]]:
    """Every non-GET operation the NinjaAPI serves, as (METHOD, route)."""
    routes = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    if method not in ("GET", "HEAD", "OPTIONS"):
                        routes.add((method, f"{prefix}{path}".replace("//", "/")))
    return routes


def test_every_api_write_has_a_row():
    routes = api_write_routes()
    missing = sorted(routes - API_WRITES.keys())
    stale = sorted(API_WRITES.keys() - routes)
    assert not missing, f"API writes with no row in API_WRITES (add who may call them): {missing}"
    assert not stale, f"Rows for routes the API no longer has: {stale}"


def _state() -> dict:
    """A fingerprint of everything a write can change."""
    from django.apps import apps

    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in ("sessions", "axes", "django_tasks_db"):
            continue
        if model.__name__ in ("ApiToken",):
            continue
        state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(API_WRITES), ids=lambda r: f"{r[0]} {r[1]}")
def test_api_write(route, persona, people):
    method, _ = route
    write = API_WRITES[route]
    world = build_world(people)
    client = ApiClient(people[persona])
    path, body = write.request(world)  # makes what the request needs
    before = _state()
    if method == "PUT":  # the shared client has no put(); send it the same way
        response = client._send("put", path, body)
    elif body is not None:
        response = getattr(client, method.lower())(path, body)
    else:
        response = getattr(client, method.lower())(path)
    if persona in write.allowed:
        assert 200 <= response.status_code < 300, (persona, response.status_code, response.content)
        return
    if persona == "anonymous":
        assert response.status_code == 401, response.content
    else:
        assert response.status_code in (403, 404), (persona, response.status_code, response.content)
    assert response.json()["detail"]
    assert _state() == before, "a refused write changed the database"
