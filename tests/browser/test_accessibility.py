"""axe-core (vendored from npm: tests/browser/vendor/axe.min.js, MPL-2.0) checks the
main pages, signed out and signed in, against WCAG 2 A and AA: no serious or critical
violations. Each page is screenshotted to test-artifacts/a11y-<page>.png."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.test_journeys import log_in
from tests.conftest import make_user
from tests.security.world import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


def violations(page: Page) -> list[dict]:
    page.evaluate(AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def seeded(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    people = {
        "anonymous": None,
        "customer": make_user(name="Carol Customer"),
        "other_customer": make_user(name="Oscar Other"),
        "staff": make_user(name="Sam Staff", staff=True),
        "admin": make_user(name="Ada Admin", admin=True),
    }
    return World(people).everything()


def _pages(w: World, *, signed_in: bool) -> list[str]:
    pages = [
        "/",
        w.post.get_absolute_url(),
        w.question.get_absolute_url(),
        "/search/?q=dark",
        "/roadmap/",
        "/changelog/",
        w.entry.get_absolute_url(),
        "/status/",
        f"/status/incidents/{w.incident.pk}/",
        "/status/subscribe/",
        "/transparency/",
        "/transparency/ledger/",
        "/transparency/moderation/",
        "/transparency/rules/",
        f"/people/{w.customer.pk}/",
    ]
    if signed_in:
        pages += [
            "/posts/new/",
            "/notifications/",
            "/notifications/settings/",
            "/account/settings/",
        ]
    else:
        pages += ["/accounts/login/", "/accounts/signup/"]
    return pages


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_main_pages_have_no_serious_accessibility_violations(new_page, seeded, signed_in, request):
    # axe is injected as a script, which the site's CSP would rightly refuse.
    page: Page = new_page(bypass_csp=True)
    if signed_in:
        log_in(page, seeded.customer)
    artifacts = request.config.rootpath / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    found = {}
    for url in _pages(seeded, signed_in=signed_in):
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response.status}"
        name = re.sub(r"[^\w]+", "-", url).strip("-") or "board"
        page.screenshot(
            path=artifacts / f"a11y-{request.node.callspec.id}-{name}.png", full_page=True
        )
        problems = violations(page)
        if problems:
            found[url] = problems
    assert not found, found


def test_the_honeypot_field_is_hidden_from_people(new_page, db):
    page: Page = new_page()
    page.goto("/accounts/signup/")
    assert page.locator("input[name=website]").count() == 1
    assert not page.locator("input[name=website]").is_visible()
    assert page.get_by_label("Display name:").is_visible()
