"""Who may write what through the pages: every POST form, tried by each persona,
with the same exact allowed sets as the API, and CSRF refused on every one.

Allowed: the write happens (the database changes; a few idempotent writes only
need a non-error answer). Refused: anonymous is sent to the login page, anyone
else gets 403 or 404, and the database is unchanged. A named page URL that is in
neither table fails ``test_every_page_url_is_classified``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from frankly.accounts.models import ApiToken
from frankly.accounts.services import create_api_token
from tests.conftest import make_tag
from tests.security.test_authorisation import (
    ANYONE_SIGNED_IN,
    OWNER,
    OWNER_OR_STAFF,
    PERSONAS,
    STAFF,
    _state,
)
from tests.security.world import World, build_world

EVERYONE = {"anonymous", *ANYONE_SIGNED_IN}


@dataclass(frozen=True)
class PageWrite:
    allowed: set
    request: Callable[[World], tuple]  # world -> (url, form data)
    changes: bool = True  # False: writing again may rightly change nothing
    refusal: tuple = (403, 404)  # how a signed-in person who may not is answered


def _later(hours: int) -> str:
    return (timezone.now() + timedelta(hours=hours)).replace(tzinfo=None).isoformat()


def _r(name, *args):
    return reverse(name, args=args)


PAGE_WRITES = {
    "feedback:new_post": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("feedback:new_post"), {"kind": "idea", "title": "CSV"})
    ),
    "feedback:edit_post": PageWrite(
        OWNER_OR_STAFF,
        lambda w: (_r("feedback:edit_post", w.post.pk), {"kind": "idea", "title": "Dark, please"}),
    ),
    "feedback:vote": PageWrite(ANYONE_SIGNED_IN, lambda w: (_r("feedback:vote", w.target.pk), {})),
    "feedback:comment": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("feedback:comment", w.post.pk), {"body": "Yes"})
    ),
    "feedback:follow": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("feedback:follow", w.target.pk), {}), changes=False
    ),
    "feedback:status": PageWrite(
        STAFF, lambda w: (_r("feedback:status", w.post.pk), {"status": "planned", "note": ""})
    ),
    "feedback:response": PageWrite(
        STAFF, lambda w: (_r("feedback:response", w.post.pk), {"body": "We hear you"})
    ),
    "feedback:merge": PageWrite(
        STAFF, lambda w: (_r("feedback:merge", w.post.pk), {"into": w.target.pk})
    ),
    "feedback:tags": PageWrite(STAFF, lambda w: (_r("feedback:tags", w.post.pk), {"tags": ["ux"]})),
    "feedback:accept": PageWrite(
        OWNER_OR_STAFF,
        lambda w: (_r("feedback:accept", w.question.pk), {"comment": w.answer.pk}),
    ),
    "feedback:edit_comment": PageWrite(
        OWNER_OR_STAFF,
        lambda w: (_r("feedback:edit_comment", w.comment.pk), {"body": "Me too, edited"}),
    ),
    "accounts:settings": PageWrite(
        ANYONE_SIGNED_IN,
        lambda w: (_r("accounts:settings"), {"display_name": "Renamed", "time_zone": ""}),
    ),
    "accounts:tokens": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("accounts:tokens"), {"name": "CI script"})
    ),
    "accounts:revoke_token": PageWrite(
        OWNER, lambda w: (_r("accounts:revoke_token", w.token.pk), {})
    ),
    "incidents:post_update": PageWrite(
        STAFF,
        lambda w: (
            _r("incidents:post_update", w.incident.pk),
            {"state": "identified", "body": "Found it"},
        ),
    ),
    "incidents:postmortem": PageWrite(
        STAFF,
        lambda w: (
            _r("incidents:postmortem", w.resolved_incident.pk),
            {
                "what_happened": "Pages were slow",
                "impact": "Everyone",
                "root_cause": "A slow query",
                "changes": "An index",
            },
        ),
    ),
    "incidents:comment": PageWrite(
        ANYONE_SIGNED_IN,
        lambda w: (_r("incidents:comment", w.incident.pk), {"body": "Same here"}),
    ),
    "incidents:affected": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("incidents:affected", w.incident.pk), {})
    ),
    "incidents:open_incident": PageWrite(
        STAFF,
        lambda w: (
            _r("incidents:open_incident"),
            {"title": "Errors", "impact": "minor", "body": "Looking into it"},
        ),
    ),
    "incidents:schedule": PageWrite(
        STAFF,
        lambda w: (
            _r("incidents:schedule"),
            {
                "title": "Upgrade",
                "starts_at": _later(24),
                "ends_at": _later(25),
                "components": [w.component.pk],
            },
        ),
    ),
    "incidents:add_component": PageWrite(
        STAFF, lambda w: (_r("incidents:add_component"), {"name": "Search"})
    ),
    "incidents:component_status": PageWrite(
        STAFF,
        lambda w: (
            _r("incidents:component_status", w.component.pk),
            {"status": "degraded_performance"},
        ),
    ),
    "incidents:private_rotate": PageWrite(
        STAFF, lambda w: (_r("incidents:private_rotate", w.private_page.slug), {})
    ),
    "incidents:private_revoke": PageWrite(
        STAFF, lambda w: (_r("incidents:private_revoke", w.private_page.slug), {})
    ),
    "incidents:subscribe": PageWrite(
        EVERYONE, lambda w: (_r("incidents:subscribe"), {"email": "reader@example.com"})
    ),
    # Takes back only a vote a merge moved; for anyone else it is a no-op with a note.
    "feedback:withdraw_merged_vote_here": PageWrite(
        ANYONE_SIGNED_IN,
        lambda w: (_r("feedback:withdraw_merged_vote_here", w.post.pk), {}),
        changes=False,
    ),
    "incidents:follow": PageWrite(
        EVERYONE,
        lambda w: (_r("incidents:follow", w.incident.pk), {"email": "reader@example.com"}),
    ),
    "transparency:save_rule": PageWrite(
        STAFF, lambda w: (_r("transparency:save_rule"), {"title": "No spam", "description": ""})
    ),
    "transparency:hide": PageWrite(
        STAFF,
        lambda w: (
            _r("transparency:hide"),
            {
                "object_type": "comment",
                "object_id": w.comment.pk,
                "rule": w.rule.pk,
                "reason": "Off topic",
            },
        ),
    ),
    "transparency:unhide": PageWrite(
        STAFF,
        lambda w: (
            _r("transparency:unhide"),
            {"object_type": "comment", "object_id": w.hidden.pk, "reason": "Fine after all"},
        ),
    ),
    "transparency:lock": PageWrite(
        STAFF, lambda w: (_r("transparency:lock", w.post.pk), {"reason": "Heated"})
    ),
    "transparency:ban": PageWrite(
        STAFF,
        lambda w: (
            _r("transparency:ban", w.people["other_customer"].pk),
            {"reason": "Spam", "rule": w.rule.pk},
        ),
    ),
    "transparency:delete_own": PageWrite(
        OWNER,
        lambda w: (
            _r("transparency:delete_own"),
            {"object_type": "comment", "object_id": w.comment.pk},
        ),
    ),
    "transparency:appeal": PageWrite(
        OWNER,
        lambda w: (
            _r("transparency:appeal"),
            {"object_type": "comment", "object_id": w.hidden.pk, "message": "Why?"},
        ),
    ),
    "transparency:decide": PageWrite(
        STAFF,
        lambda w: (_r("transparency:decide", w.appeal.pk), {"reverse": "1", "note": "Right"}),
    ),
    "notify:mark_read": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("notify:mark_read"), {}), changes=False
    ),
    "notify:settings": PageWrite(
        ANYONE_SIGNED_IN,
        lambda w: (
            _r("notify:settings"),
            dict.fromkeys(("reply", "status", "response", "shipped", "mention"), "digest"),
        ),
    ),
    "notify:webhooks": PageWrite(
        STAFF,
        lambda w: (
            _r("notify:webhooks"),
            {"url": "http://127.0.0.1:9/other", "events": ["post.created"]},
        ),
    ),
    "notify:webhook": PageWrite(
        STAFF,
        lambda w: (
            _r("notify:webhook", w.endpoint.pk),
            {
                "url": "http://127.0.0.1:9/hook",
                "events": ["post.created"],
                "description": "CI",
            },
        ),
    ),
    "notify:webhook_deactivate": PageWrite(
        STAFF, lambda w: (_r("notify:webhook_deactivate", w.endpoint.pk), {})
    ),
    "notify:webhook_rotate": PageWrite(
        STAFF, lambda w: (_r("notify:webhook_rotate", w.endpoint.pk), {})
    ),
    "notify:webhook_redeliver": PageWrite(
        STAFF, lambda w: (_r("notify:webhook_redeliver", w.delivery.pk), {})
    ),
    "roadmap:options": PageWrite(
        STAFF, lambda w: (_r("roadmap:options", w.post.pk), {"is_hidden": "1"})
    ),
    "roadmap:new_entry": PageWrite(
        STAFF,
        lambda w: (
            _r("roadmap:new_entry"),
            {"title": "Faster search", "body": "", "category": "new", "posts": ""},
        ),
    ),
    "roadmap:edit_entry": PageWrite(
        STAFF,
        lambda w: (
            _r("roadmap:edit_entry", w.draft.pk),
            {"title": "Much faster", "body": "", "category": "new", "posts": "", "reason": ""},
        ),
    ),
    "roadmap:publish": PageWrite(STAFF, lambda w: (_r("roadmap:publish", w.draft.pk), {})),
    "roadmap:comment": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("roadmap:comment", w.entry.pk), {"body": "Nice"})
    ),
    "accounts:contact": PageWrite(
        ANYONE_SIGNED_IN,
        lambda w: (_r("accounts:contact"), {"surveys": "on", "sales_contact": "never"}),
    ),
    "accounts:decide_consent": PageWrite(
        OWNER,
        lambda w: (_r("accounts:decide_consent", w.quote_request.pk), {"decision": "accept"}),
    ),
    "accounts:export": PageWrite(ANYONE_SIGNED_IN, lambda w: (_r("accounts:export"), {})),
    # Staff accounts are removed by an admin; the form says so (400).
    "accounts:delete": PageWrite(
        {"customer", "other_customer"},
        lambda w: (
            _r("accounts:delete"),
            {"password": "correct horse battery staple", "confirm": "on"},
        ),
        refusal=(400,),
    ),
}

# Pages that only read, and links that act by a secret token in the URL (mailed to
# one person), which the matrix cannot cover by persona.
PAGE_READS = {
    "feedback:board", "feedback:search", "feedback:posts_feed", "feedback:post",
    "feedback:post_feed", "feedback:profile",
    "incidents:status", "incidents:history", "incidents:feed", "incidents:embed_js",
    "incidents:badge", "incidents:incident",
    "transparency:overview", "transparency:ledger", "transparency:moderation",
    "transparency:moderation_feed", "transparency:rules", "transparency:history",
    "transparency:appeals",
    "notify:inbox", "notify:outbox",
    "roadmap:roadmap", "roadmap:changelog", "roadmap:changelog_feed", "roadmap:entry",
    "roadmap:entry_slug",
    "incidents:sla", "incidents:sla_csv", "transparency:prove",
    "widget:script", "widget:panel",
}  # fmt: skip
TOKEN_LINKS = {
    # Private status pages: their members and staff, or the page's secret link; their
    # own matrix is in tests/incidents/test_private_pages.py.
    "incidents:private_page",
    "incidents:private_feed",
    "incidents:confirm",
    "incidents:unsubscribe",
    "notify:unsubscribe",
    "accounts:contact_stop",
    "feedback:withdraw_merged_vote",
}
# Pages that read only the signed-in person's own data.
OWN_READS = {"accounts:consents", "accounts:export_download"}
# Pages only staff may read.
STAFF_READS = {"incidents:checks": (), "incidents:check_draft": ("check",)}
APPS = ("feedback", "accounts", "incidents", "transparency", "notify", "roadmap", "widget")


def page_url_names() -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in APPS:
            for pattern in entry.url_patterns:
                if pattern.name:
                    names.add(f"{entry.namespace}:{pattern.name}")
    return names


def test_every_page_url_is_classified():
    names = page_url_names()
    known = PAGE_WRITES.keys() | PAGE_READS | TOKEN_LINKS | OWN_READS | STAFF_READS.keys()
    assert not sorted(names - known), f"Page URLs in no table: {sorted(names - known)}"
    assert not sorted(known - names), f"Rows for URLs that are gone: {sorted(known - names)}"


@pytest.fixture
def world(people, settings):
    make_tag("ux")
    built = build_world(people)
    built.token, _ = create_api_token(user=people["customer"], name="laptop")
    return built


def _full_state() -> dict:
    state = _state()
    state["tokens"] = list(ApiToken.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGE_WRITES))
def test_page_write(name, persona, people, world):
    write = PAGE_WRITES[name]
    client = Client()
    if people[persona] is not None:
        client.force_login(people[persona])
    url, data = write.request(world)
    before = _full_state()
    response = client.post(url, data)
    after = _full_state()
    if persona in write.allowed:
        assert response.status_code in (200, 302), (persona, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/")
        if write.changes:
            assert after != before, f"{persona} was allowed but nothing was written"
        return
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in write.refusal, (persona, response.status_code)
    assert after == before, "a refused write changed the database"


@pytest.mark.parametrize("name", sorted(PAGE_WRITES))
def test_page_write_without_csrf_token_is_refused(name, people, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])
    url, data = PAGE_WRITES[name].request(world)
    before = _full_state()
    response = client.post(url, data)
    assert response.status_code == 403
    assert _full_state() == before


def test_staff_only_pages_refuse_everyone_else(db):
    from frankly.incidents.models import MonitorCheck
    from frankly.incidents.services import create_component
    from tests.conftest import make_user

    staff = make_user(staff=True)
    check = MonitorCheck.objects.create(
        component=create_component(actor=staff, name="API"), kind="tcp", target="127.0.0.1:9"
    )
    objects = {"check": check.pk}
    for name, args in STAFF_READS.items():
        url = reverse(name, args=[objects[a] for a in args])
        assert Client().get(url).status_code == 302, url  # to the login page
        customer = Client()
        customer.force_login(make_user())
        assert customer.get(url).status_code == 403, url
        allowed = Client()
        allowed.force_login(staff)
        assert allowed.get(url).status_code == 200, url
