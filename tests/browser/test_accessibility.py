"""axe-core (vendored from npm: tests/browser/vendor/axe.min.js, MPL-2.0) checks the
main pages, signed out and signed in, against WCAG 2 A and AA: no serious or critical
violations. Each page is screenshotted to a11y-<page>.png in the screenshot directory
(test-artifacts/screenshots/, or $FRANKLY_SCREENSHOT_DIR)."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.axe import violations
from tests.browser.conftest import screenshot_dir
from tests.browser.test_journeys import log_in
from tests.conftest import make_user
from tests.security.world import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
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
    artifacts = screenshot_dir(request.config)
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
