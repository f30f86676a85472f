"""Script injection: every payload of the corpus in every text field (titles,
bodies, comments, names, rules, components, incidents, changelog, appeals,
reasons), then every page, feed and API read is scanned for a place it could run.
SQL-looking input is stored and returned exactly as sent."""

import html
import json
import os
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client

from frankly.feedback.models import Comment, Post
from tests.conftest import ApiClient, make_user
from tests.security.injection import PAYLOADS, runnable
from tests.security.test_privacy import api_urls, page_urls
from tests.security.world import World

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = (
    "/feeds/posts.atom",
    "/feeds/changelog.atom",
    "/status/feed.atom",
    "/transparency/moderation/feed.atom",
)


def hostile_people(payload: str) -> dict:
    name = payload.replace("\n", " ")[:70]
    return {
        "anonymous": None,
        "customer": make_user(name=f"Eve {name}"),
        "other_customer": make_user(name=f"Mal {name}"),
        "staff": make_user(name=f"Sid {name}", staff=True),
        "admin": make_user(name=f"Ann {name}", admin=True),
    }


def _html_strings(value):
    """Every string in a JSON document under a key ending in ``_html``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_html") and isinstance(item, str):
                yield item
            else:
                yield from _html_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _html_strings(item)


def _feed_html(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)  # noqa: S314 (our own feed)
    return [
        element.text or ""
        for element in root.iter()
        if element.tag in (f"{ATOM}content", f"{ATOM}summary", f"{ATOM}title")
        and element.get("type") in ("html", "xhtml")
    ]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="escaping does not depend on the database; the SQLite pass runs the corpus",
)
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_payload_can_run_on_any_page_feed_or_api_read(payload, db, settings, smtp_server):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    people = hostile_people(payload)
    world = World(people, text=payload).everything()
    # Staff see every public page plus the forms that carry the stored text back.
    for viewer in ("staff",):
        client = Client()
        if people[viewer]:
            client.force_login(people[viewer])
        for url in page_urls(world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            problems = runnable(response.content.decode())
            assert not problems, f"{url} as {viewer}: {problems}"
        for url in FEEDS:
            response = client.get(url)
            assert response.status_code == 200, url
            for fragment in _feed_html(response.content):
                assert not runnable(fragment), f"{url}: {runnable(fragment)}"
        api = ApiClient(people[viewer])
        for url in api_urls(world):
            response = api.get(url)
            if response.status_code != 200:
                continue
            for fragment in _html_strings(response.json()):
                assert not runnable(fragment), f"API {url}: {runnable(fragment)}"
    # The payload was shown, as text: the scan read pages that really carry it.
    page = html.unescape(Client().get(world.post.get_absolute_url()).content.decode())
    assert world.post.title in page


def test_the_scanner_finds_what_it_looks_for():
    assert runnable("<p><script>window.__xss=1</script></p>")
    assert runnable('<img src=x onerror="window.__xss=1">')
    assert runnable('<a href=" java\tscript:alert(1)">x</a>')
    assert runnable('<a href="data:text/html,hi">x</a>')
    assert runnable("<iframe src=x></iframe>")
    assert not runnable("<p>&lt;script&gt;window.__xss=1&lt;/script&gt;</p>")
    assert not runnable('<a href="https://example.com/?q=javascript:">x</a>')


SQL_LOOKING = [
    "Robert'); DROP TABLE feedback_post;--",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(5); --",
    "admin'--",
    "%' AND 1=0 UNION SELECT email, password FROM accounts_user --",
    "\\'; DELETE FROM accounts_user WHERE ''='",
    "$$; DROP TABLE accounts_user; $$",
]


@pytest.mark.parametrize("text", SQL_LOOKING)
def test_sql_looking_input_is_stored_and_returned_verbatim(text, customer, api_client):
    client = api_client(customer)
    created = client.post("/posts", {"title": text, "body": text})
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    comment = client.post(f"/posts/{post_id}/comments", {"body": text})
    assert comment.status_code == 201, comment.content

    read = api_client(None).get(f"/posts/{post_id}").json()
    assert (read["title"], read["body"]) == (text, text)
    comments = api_client(None).get(f"/posts/{post_id}/comments").json()["items"]
    assert [c["body"] for c in comments] == [text]
    assert Post.objects.get(pk=post_id).title == text
    assert Comment.objects.get(post_id=post_id).body == text
    # Search with it finds the post and breaks nothing.
    search = Client().get("/search/", {"q": text})
    assert search.status_code == 200
    assert "accounts_user" in connection.introspection.table_names()
    assert json.loads(api_client(None).get("/posts").content)["items"]
