"""The embeddable widget on another site's page, in a real browser.

The company's page is served by a tiny http.server on a different host name than
Frankly's live server (localhost vs 127.0.0.1: another site, so Frankly's cookies are
third-party there), with a strict CSP that lets in only Frankly's script and frame.
"""

import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import jwt
import pytest
from playwright.sync_api import Page, expect

from frankly.accounts.models import User
from frankly.feedback.models import Post, Vote
from tests.browser.test_accessibility import violations
from tests.conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SECRET = "a-shared-secret-that-is-long-enough-for-hs256"


class HostApp:
    """The company's own app: one page, served with a strict CSP."""

    def __init__(self, frankly: str):
        parts = urlsplit(frankly)
        other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
        self.frankly = frankly
        self.page_html = ""
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = app.page_html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header(
                    "Content-Security-Policy",
                    f"default-src 'none'; script-src {frankly}; frame-src {frankly}; "
                    "style-src 'none'; img-src 'none'; connect-src 'none'; base-uri 'none'",
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((other, 0), Handler)
        self.origin = f"http://{other}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, *, sso_token: str | None = None) -> str:
        token = f' data-frankly-sso-token="{sso_token}"' if sso_token else ""
        self.page_html = (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Acme app</title>"
            f"</head><body><main><h1>Acme app</h1></main>"
            f'<script src="{self.frankly}/widget.js"{token} defer></script></body></html>'
        )
        return self.origin + "/"


@pytest.fixture(scope="module")
def host_app(live_server) -> Iterator[HostApp]:
    app = HostApp(live_server.url)
    yield app
    app.server.shutdown()
    app.server.server_close()


@pytest.fixture(autouse=True)
def _widget_settings(settings, host_app):
    settings.SSO_SECRET = SECRET
    settings.SSO_PUBLIC_KEY = ""
    settings.WIDGET_ORIGINS = [host_app.origin]


def sso_token(email: str, name: str) -> str:
    claims = {"email": email, "name": name, "exp": int(time.time()) + 300, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def watch_for_csp_errors(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    return problems


def open_panel(page: Page, url: str):
    page.goto(url)
    button = page.get_by_role("button", name="Feedback")
    expect(button).to_have_css("position", "fixed")  # styled through CSSOM, not blocked
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    return page.frame_locator("iframe[title=Feedback]")


def test_with_the_apps_sso_token_a_person_posts_and_votes_from_the_widget(
    page: Page, host_app, other_customer
):
    dark = make_post(other_customer, title="Dark mode for the dashboard")
    make_post(other_customer, title="Export invoices as PDF")
    problems = watch_for_csp_errors(page)
    url = host_app.serve(sso_token=sso_token("wendy@acme.example", "Wendy Widget"))

    panel = open_panel(page, url)
    expect(panel.get_by_role("status")).to_contain_text("Signed in as Wendy Widget")
    # The JWT went by postMessage, not in the frame's URL (which would reach logs).
    assert page.locator("iframe").get_attribute("src") == f"{host_app.frankly}/widget/panel/"
    panel.get_by_label("Title").press_sequentially("please add a dark theme", delay=10)
    similar = panel.locator("[data-similar]")
    expect(similar.get_by_role("link", name="Dark mode for the dashboard")).to_be_visible()
    expect(similar).not_to_contain_text("Export invoices")
    similar.locator(f'[data-vote="{dark.pk}"]').click()
    expect(panel.get_by_role("alert")).to_have_text("Your vote is counted.")
    expect(similar.locator(f'[data-vote="{dark.pk}"]')).to_have_attribute("aria-pressed", "true")

    panel.get_by_role("radio", name="Problem").check()
    panel.get_by_label("Details (optional)").fill("The white glare hurts at night.")
    panel.get_by_role("button", name="Post", exact=True).click()
    expect(panel.get_by_role("alert")).to_contain_text("Posted.")

    wendy = User.objects.get(email="wendy@acme.example")
    mine = Post.objects.get(author=wendy)
    assert (mine.title, mine.kind, mine.body) == (
        "please add a dark theme",
        "problem",
        "The white glare hurts at night.",
    )
    assert Post.objects.count() == 3
    assert list(Vote.objects.values_list("user", "post")) == [(wendy.pk, dark.pk)]
    assert Post.objects.get(pk=dark.pk).vote_count == 1
    assert not problems, problems


def test_without_a_token_the_widget_asks_to_sign_in_and_writes_nothing(
    page: Page, host_app, other_customer
):
    dark = make_post(other_customer, title="Dark mode for the dashboard")
    problems = watch_for_csp_errors(page)

    panel = open_panel(page, host_app.serve())
    expect(panel.get_by_role("status")).to_contain_text("You are not signed in.")
    panel.get_by_label("Title").press_sequentially("dark theme please", delay=10)
    similar = panel.locator("[data-similar]")
    expect(similar.get_by_role("link", name="Dark mode for the dashboard")).to_be_visible()
    similar.locator(f'[data-vote="{dark.pk}"]').click()
    expect(panel.get_by_role("alert")).to_contain_text("Sign in to vote.")
    panel.get_by_role("button", name="Post", exact=True).click()
    expect(panel.get_by_role("alert")).to_contain_text("Sign in to post.")
    panel_frame = next(f for f in page.frames if f.url.endswith("/widget/panel/"))
    assert violations(panel_frame) == []

    # The normal sign-in, first-party in a tab of its own.
    with page.context.expect_page() as tab_info:
        panel.get_by_role("link", name="Sign in to post and vote").click()
    tab = tab_info.value
    expect(tab.get_by_label("Password:", exact=True)).to_be_visible()
    assert tab.url == f"{host_app.frankly}/accounts/login/?next=/posts/new/"
    assert (Post.objects.count(), Vote.objects.count()) == (1, 0)
    assert not problems, problems


def test_a_site_not_in_the_setting_cannot_frame_the_panel(page: Page, host_app, settings):
    settings.WIDGET_ORIGINS = ["https://app.acme.example"]
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        open_panel(page, host_app.serve())
    assert "has been blocked" in refusal.value.text
    assert "https://app.acme.example" in refusal.value.text
    expect(page.frame_locator("iframe[title=Feedback]").get_by_role("heading")).to_have_count(0)
