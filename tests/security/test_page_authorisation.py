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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from frankly.accounts.models import ApiToken
from frankly.accounts.services import create_api_token
from frankly.crm.importing import import_contacts
from frankly.feedback.models import Post
from frankly.insights.models import Alert, Scope
from frankly.insights.services import add_watch_word
from frankly.integrations.services import link_issue
from tests.conftest import make_post, make_tag
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
    "feedback:approve": PageWrite(STAFF, lambda w: (_r("feedback:approve", w.held.pk), {})),
    "feedback:reject": PageWrite(
        STAFF,
        lambda w: (_r("feedback:reject", w.held.pk), {"rule": w.rule.pk, "reason": "Spam"}),
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
    # Django's language chooser: sets a cookie, stores nothing.
    "set_language": PageWrite(
        EVERYONE, lambda w: (_r("set_language"), {"language": "de", "next": "/"}), changes=False
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
    # Claims what the old tool's export holds for the person's verified emails; the
    # world has no import, so an allowed claim rightly finds nothing (tests/portability).
    "accounts:imported": PageWrite(
        ANYONE_SIGNED_IN, lambda w: (_r("accounts:imported"), {}), changes=False
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
    "insights:acknowledge": PageWrite(
        STAFF, lambda w: (_r("insights:acknowledge", w.alert.pk), {})
    ),
    "insights:merge": PageWrite(
        STAFF,
        lambda w: (_r("insights:merge"), {"duplicate": w.target.pk, "into": w.post.pk}),
    ),
    "insights:watch_words": PageWrite(
        STAFF, lambda w: (_r("insights:watch_words"), {"word": "Initech", "kind": "competitor"})
    ),
    "insights:remove_watch_word": PageWrite(
        STAFF, lambda w: (_r("insights:remove_watch_word", w.watch_word.pk), {})
    ),
    "crm:import": PageWrite(
        STAFF,
        lambda w: (
            _r("crm:import"),
            {"file": SimpleUploadedFile("c.csv", b"Email\nbuyer@example.com\n", "text/csv")},
        ),
    ),
    # Links contacts to accounts with the same email; with none to link it changes nothing.
    "crm:link_accounts": PageWrite(STAFF, lambda w: (_r("crm:link_accounts"), {}), changes=False),
    "integrations:link": PageWrite(
        STAFF,
        lambda w: (
            _r("integrations:link", w.post.pk),
            {"url": "https://github.com/acme/app/issues/8"},
        ),
    ),
    "integrations:unlink": PageWrite(
        STAFF,
        lambda w: (_r("integrations:unlink", w.post.pk), {"link": w.issue_link.pk}),
    ),
    "staff_testimonials": PageWrite(
        STAFF,
        lambda w: (
            _r("staff_testimonials"),
            {
                "object_type": "post",
                "object_id": w.post.pk,
                "quote": w.post.title,
                "placement": "Pricing page",
                "until": (timezone.now() + timedelta(days=30)).date().isoformat(),
                "message": "May we?",
            },
        ),
    ),
    "staff_testimonial_withdraw": PageWrite(
        STAFF, lambda w: (_r("staff_testimonial_withdraw", w.quote_request.pk), {})
    ),
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
    "insights:responsiveness",
    # Site-wide pages outside any app namespace.
    "healthz", "privacy", "testimonials_embed", "testimonials_widget", "language",
    "widget:script", "widget:panel",
}  # fmt: skip
TOKEN_LINKS = {
    "sso",  # a signed sign-in token from the customer's own product
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
# The theme's stylesheet and logo, named by their version: public, and there only
# once staff set a theme (404 until then); tests/theming covers them.
THEME_ASSETS = {"theming:css", "theming:logo"}
# Inbound webhooks from issue trackers: no session, no CSRF; a shared secret instead.
SIGNED_HOOKS = {"integrations:github_webhook", "integrations:gitlab_webhook"}
# Pages that read only the signed-in person's own data.
OWN_READS = {"accounts:consents", "accounts:export_download"}
# Pages only staff may read, with the world's objects their URL needs.
STAFF_READS = {
    "incidents:checks": (),
    "incidents:check_draft": ("check",),
    "feedback:review_queue": (),
    "insights:trends": (),
    "insights:csv": ("table",),
    "insights:alerts": (),
    "insights:alert": ("alert",),
    "insights:duplicates": (),
    "insights:watch_words": (),
    "insights:watch_word": ("watch_word",),
    "crm:import": (),
    "crm:import_report": ("contact_import",),
    "crm:stale": (),
    "crm:stale_csv": (),
    "crm:posts": (),
    "crm:post": ("post",),
    "staff_testimonials": (),
    "do_not_contact_csv": (),
    "site_export": (),
    "staff_import": (),
}
# Namespaces that are not pages of ours: Django's admin (staff only, its own checks)
# and the JSON API (tests/security/test_authorisation.py covers every route).
NOT_PAGES = {"admin", "api"}


def page_url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL of the site's pages: each app namespace, and the top level."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_PAGES:
                continue
            module = getattr(entry.urlconf_name, "__name__", str(entry.urlconf_name))
            if entry.namespace is None and module.startswith("allauth"):
                continue  # allauth's login and signup pages (tests/security/test_abuse.py)
            inner = entry.namespace or namespace
            names |= page_url_names(entry.url_patterns, inner)
        elif entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_every_page_url_is_classified():
    names = page_url_names()
    known = (
        PAGE_WRITES.keys()
        | THEME_ASSETS
        | PAGE_READS
        | TOKEN_LINKS
        | SIGNED_HOOKS
        | OWN_READS
        | STAFF_READS.keys()
    )
    assert not sorted(names - known), f"Page URLs in no table: {sorted(names - known)}"
    assert not sorted(known - names), f"Rows for URLs that are gone: {sorted(known - names)}"


@pytest.fixture
def world(people, settings):
    make_tag("ux")
    built = build_world(people)
    built.token, _ = create_api_token(user=people["customer"], name="laptop")
    built.held = make_post(people["customer"], title="Waiting for review")
    Post.objects.filter(pk=built.held.pk).update(held_at=timezone.now())
    return built


def _staff_world(world, staff) -> dict:
    """The objects the staff pages and writes outside the core apps need."""
    now = timezone.now()
    world.alert = Alert.objects.create(
        scope=Scope.EVERYWHERE,
        scope_name="All feedback",
        window_start=now - timedelta(hours=1),
        window_end=now,
        count=9,
        expected=1.0,
        p_value=0.001,
    )
    world.watch_word = add_watch_word(actor=staff, word="Acme", kind="competitor")
    world.contact_import = import_contacts(
        actor=staff, filename="contacts.csv", data=b"Email\nlead@example.com\n"
    )
    world.issue_link = link_issue(
        actor=staff, post_id=world.post.pk, url="https://github.com/acme/app/issues/7"
    )
    return {
        "alert": world.alert.pk,
        "watch_word": world.watch_word.pk,
        "contact_import": world.contact_import.pk,
        "post": world.post.pk,
        "table": "volume",
    }


# Writes on objects only staff_world makes (it is not built for the others: time).
NEEDS_STAFF_WORLD = {"insights:acknowledge", "insights:remove_watch_word", "integrations:unlink"}


@pytest.fixture
def staff_world(world, people) -> dict:
    return _staff_world(world, people["staff"])


def _full_state() -> dict:
    state = _state()
    state["tokens"] = list(ApiToken.objects.order_by("pk").values())
    return state


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGE_WRITES))
def test_page_write(name, persona, people, world, request):
    if name in NEEDS_STAFF_WORLD:
        request.getfixturevalue("staff_world")
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
def test_page_write_without_csrf_token_is_refused(name, people, world, request):
    if name in NEEDS_STAFF_WORLD:
        request.getfixturevalue("staff_world")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])
    url, data = PAGE_WRITES[name].request(world)
    before = _full_state()
    response = client.post(url, data)
    assert response.status_code == 403
    assert _full_state() == before


def test_staff_only_pages_refuse_everyone_else(people, world, staff_world):
    from frankly.incidents.models import MonitorCheck

    check = MonitorCheck.objects.create(component=world.component, kind="tcp", target="127.0.0.1:9")
    objects = {**staff_world, "check": check.pk}
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client()
        if people[persona] is not None:
            clients[persona].force_login(people[persona])
    for name, args in STAFF_READS.items():
        url = reverse(name, args=[objects[a] for a in args])
        before = _full_state()
        for persona, client in clients.items():
            status = client.get(url).status_code
            if persona in STAFF:
                assert status == 200, (url, persona, status)
            elif persona == "anonymous":
                assert status == 302, (url, status)  # to the login page
            else:
                assert status == 403, (url, persona, status)
        assert _full_state() == before, f"reading {url} changed the database"


@pytest.mark.parametrize("name", sorted(SIGNED_HOOKS))
def test_inbound_webhooks_refuse_a_request_without_the_shared_secret(name, people, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])  # a session is no substitute for the secret
    before = _full_state()
    response = client.post(reverse(name), data="{}", content_type="application/json")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert _full_state() == before
