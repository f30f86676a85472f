"""Frankly under a path of another site: https://company.example/community/.

`frankly serve` runs with FRANKLY_BASE_PATH=/community behind a small reverse proxy
that strips the path (as nginx's `proxy_pass http://app/;` does); a second app server
on the same data directory takes the path unstripped (as Caddy's `handle` does).
Every page, link, form, redirect, static file, feed and API answer stays under
/community/. The same two servers show that a theme saved in a third process shows
in both on their next request, without a restart.
"""

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest
from django.db import connection

from tests.test_serve import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
BASE = "/community"

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="runs its own servers on SQLite whatever the suite's database; once is enough",
)

SETUP = """
from frankly.accounts.models import User
from frankly.feedback.services import create_post
user = User.objects.create_user(email="carol@example.com", password="a long test password 1")
post = create_post(author=user, kind="idea", title="Export to CSV", body="Please.")
print(post.pk)
"""

THEME = """
from django.db import transaction
from frankly.theming.models import SiteTheme
from frankly.theming.services import publish_theme_change
with transaction.atomic():
    SiteTheme.objects.update_or_create(pk=1, defaults={"site_name": "Acme Community"})
    publish_theme_change()
"""


class StripPrefix(BaseHTTPRequestHandler):
    """A reverse proxy in thirty lines: /community/x goes to the app as /x."""

    upstream: int = 0

    def _forward(self):
        if not (self.path == BASE or self.path.startswith(BASE + "/")):
            self.send_error(404, "Not under /community")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        headers["X-Forwarded-For"] = self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=30)
        upstream.request(self.command, self.path[len(BASE) :] or "/", body, headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, *args):
        pass


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("base-path")
    app_port, other_port, proxy_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "REDIS_URL")}
    env.update(
        FRANKLY_DATA_DIR=str(data),
        FRANKLY_BASE_PATH=BASE,
        # Given with the path, as people will: Frankly keeps the origin for its links.
        FRANKLY_SITE_URL=f"http://127.0.0.1:{proxy_port}{BASE}",
        FRANKLY_FORM_MIN_SECONDS="0",
        FRANKLY_RATE_LIMITS_ENABLED="false",
        PORT=str(app_port),
        WEB_CONCURRENCY="1",
        THREADS="2",
        DJANGO_SETTINGS_MODULE="frankly.settings",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    server = subprocess.Popen(
        [*manage, "serve", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    other = None
    try:
        wait_for(f"http://127.0.0.1:{app_port}/healthz", timeout=120)
        # After the first has collected the static files: whitenoise reads them at start.
        other = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "frankly.wsgi:application", "--bind",
             f"127.0.0.1:{other_port}", "--workers", "1"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        post_id = subprocess.run(
            [*manage, "shell", "-v0", "-c", SETUP],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        StripPrefix.upstream = app_port
        proxy = ThreadingHTTPServer(("127.0.0.1", proxy_port), StripPrefix)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        wait_for(f"http://127.0.0.1:{other_port}{BASE}/healthz", timeout=60)
        yield {
            "proxy": f"http://127.0.0.1:{proxy_port}",
            "other": f"http://127.0.0.1:{other_port}",
            "post_id": post_id,
            "env": env,
            "manage": manage,
        }
        proxy.shutdown()
    finally:
        for process in (server, other):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)


class Browser:
    def __init__(self, origin: str):
        self.origin = origin
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def open(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = self.origin + path
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx and 4xx land here without redirects
            response = error
        return response.status, response.headers, response.read().decode()


LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')


def links_outside_base(page: str) -> list[str]:
    return [
        url
        for url in LINK.findall(page)
        if not url.startswith((f"{BASE}/", "#", "?", "https://", "mailto:"))
    ]


def test_pages_links_and_static_files_live_under_the_base_path(site):
    browser = Browser(site["proxy"])
    status, _, board = browser.open(f"{BASE}/")
    assert status == 200 and "Export to CSV" in board
    status, _, post = browser.open(f"{BASE}/posts/{site['post_id']}/")
    assert status == 200 and "Export to CSV" in post
    for page in (board, post):
        assert links_outside_base(page) == []
        assert f'href="{BASE}/posts/{site["post_id"]}/"' in board
    css = re.search(r'<link rel="stylesheet" href="([^"]+)">', board)[1]
    assert css.startswith(f"{BASE}/static/frankly/frankly.")
    status, headers, body = browser.open(css)
    assert status == 200 and headers["Content-Type"].startswith("text/css") and "--accent" in body
    # Outside the base path there is nothing of Frankly's.
    assert browser.open("/static/frankly/frankly.css")[0] == 404


def test_login_posts_with_csrf_and_redirects_within_the_base_path(site):
    browser = Browser(site["proxy"])
    status, _, form = browser.open(f"{BASE}/accounts/login/?next={BASE}/posts/{site['post_id']}/")
    assert status == 200 and links_outside_base(form) == []
    action = re.search(r'<form[^>]*method="post"[^>]*action="([^"]+)"', form)[1]
    assert action.startswith(f"{BASE}/accounts/login/")
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert "csrfmiddlewaretoken" in fields
    assert {c.name: c.path for c in browser.cookies}["csrftoken"] == BASE
    fields |= {"login": "carol@example.com", "password": "a long test password 1"}
    status, headers, _ = browser.open(
        action, fields, headers={"Referer": f"{site['proxy']}{BASE}/accounts/login/"}
    )
    assert status == 302 and headers["Location"] == f"{BASE}/posts/{site['post_id']}/"
    assert {c.name: c.path for c in browser.cookies}["sessionid"] == BASE
    status, _, page = browser.open(headers["Location"])
    assert status == 200 and "Log out" in page and links_outside_base(page) == []

    # Without a next, the board of this site, not the company's home page.
    plain = Browser(site["proxy"])
    form = plain.open(f"{BASE}/accounts/login/")[2]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields |= {"login": "carol@example.com", "password": "a long test password 1"}
    status, headers, _ = plain.open(
        f"{BASE}/accounts/login/", fields, headers={"Referer": f"{site['proxy']}{BASE}/"}
    )
    assert status == 302 and headers["Location"] == f"{BASE}/"


def test_feeds_and_the_api_link_to_the_base_path(site):
    browser = Browser(site["proxy"])
    board = browser.open(f"{BASE}/")[2]
    feed_url = re.search(r'type="application/atom\+xml"[^>]*href="([^"]+)"', board)[1]
    assert feed_url.startswith(f"{BASE}/")
    status, _, body = browser.open(feed_url)
    feed = feedparser.parse(body)
    assert status == 200 and not feed.bozo and feed.entries
    for entry in feed.entries:
        assert entry.link.startswith(f"{site['proxy']}{BASE}/posts/"), entry.link

    status, _, body = browser.open(f"{BASE}/api/v1/posts")
    assert status == 200 and '"Export to CSV"' in body
    status, _, schema = browser.open(f"{BASE}/api/v1/openapi.json")
    assert status == 200 and f'"{BASE}/api/v1/posts"' in schema
    status, _, docs = browser.open(f"{BASE}/api/v1/docs")
    assert status == 200 and f"{BASE}/api/v1/openapi.json" in docs


def test_a_proxy_that_keeps_the_path_works_too(site):
    browser = Browser(site["other"])
    status, _, board = browser.open(f"{BASE}/")
    assert status == 200 and "Export to CSV" in board and links_outside_base(board) == []


def test_a_saved_theme_shows_in_every_process_on_its_next_request(site):
    proxied, other = Browser(site["proxy"]), Browser(site["other"])
    for browser in (proxied, other):  # both have the default theme cached now
        assert "Acme Community" not in browser.open(f"{BASE}/")[2]
    subprocess.run([*site["manage"], "shell", "-v0", "-c", THEME], env=site["env"], check=True)
    for browser in (proxied, other):
        page = browser.open(f"{BASE}/")[2]
        assert '<a class="brand" href="/community/">Acme Community</a>' in page
