"""The page where a person pastes a statement's permalink and sees it proven in the
signed log, with every hash of the inclusion proof shown so they can redo it."""

import hashlib
import re
from html import unescape

import pytest

from frankly.transparency import signing
from frankly.transparency.models import LedgerEntry, TreeHead
from tests.transparency.support import (
    append,
    append_many,
    execute,
    triggers_dropped,
    use_own_signing_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch):
    yield use_own_signing_key(monkeypatch)
    signing.private_key.cache_clear()


def page(client, link: str):
    return client.get("/transparency/ledger/prove/", {"link": link})


def hashes_in(html: str) -> list[str]:
    return re.findall(r'<code class="hash">([0-9a-f]{64})</code>', html)


def test_a_posts_permalink_is_proven_with_every_step_recomputable(client):
    append_many(6)
    response = page(client, "https://feedback.example.com/posts/5/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert 'data-signature="valid"' in html
    assert 'data-proven="yes"' in html
    assert "Entry #5: official_response" in html
    # Redo the maths from the page alone: canonical bytes → leaf → path → signed root.
    canonical = re.search(r"canonical bytes.*?<pre>(.*?)</pre>", html, re.S).group(1)
    leaf = hashlib.sha256(b"\x00" + canonical.encode()).hexdigest()
    assert f'= <code class="hash">{leaf}</code>' in html
    code = r'<code class="hash">([0-9a-f]{64})</code>'
    steps = re.findall(
        rf"<li>SHA-256\(0x01 ‖ (?:{code} ‖ previous|previous ‖ {code})\) = {code}", html
    )
    assert len(steps) == 2  # leaf 4 of 6: its sibling leaf 5, then the first four leaves
    current = bytes.fromhex(leaf)
    for left, right, result in steps:
        if left:
            current = hashlib.sha256(b"\x01" + bytes.fromhex(left) + current).digest()
        else:
            current = hashlib.sha256(b"\x01" + current + bytes.fromhex(right)).digest()
        assert current.hex() == result
    assert current.hex() == TreeHead.objects.get(size=6).root_hash


def test_an_entry_link_from_the_public_record_proves_that_one_entry(client):
    append_many(3)
    html = page(client, "http://127.0.0.1:8000/transparency/ledger/#entry-2").content.decode()
    assert "Entry #2:" in html
    assert "Entry #1:" not in html and "Entry #3:" not in html


def test_every_statement_about_an_object_is_proven(client):
    append(7)
    append(8)
    append(7, status="planned")
    html = page(client, "/posts/7/").content.decode()
    assert html.count('data-proven="yes"') == 2
    assert "Entry #3:" in html and "Entry #1:" in html


def test_an_entry_changed_in_the_database_is_shown_as_not_proven(client):
    append_many(4)
    with triggers_dropped():
        execute(
            "UPDATE transparency_ledgerentry SET body = %s WHERE seq = 3", ['{"text":"edited"}']
        )
    html = page(client, "/posts/3/").content.decode()
    assert 'data-proven="no"' in html
    assert (
        "is not the entry&#x27;s published hash" in html
        or "is not the entry's published hash" in html
    )


@pytest.mark.parametrize(
    ("link", "status", "words"),
    [
        (
            "https://example.com/posts/999/",
            404,
            "Nothing on the public record is about that address",
        ),
        ("   ", 422, "Paste the address of a statement"),
        ("x" * 2001, 422, "not a web address"),
    ],
)
def test_a_link_that_proves_nothing_says_so(client, link, status, words):
    append_many(1)
    response = page(client, link)
    assert response.status_code == status
    assert words in unescape(response.content.decode())


def test_the_empty_form_explains_itself_and_the_record_links_to_it(client):
    assert "Paste the address of a post" in page(client, "").content.decode()
    assert "/transparency/ledger/prove/" in client.get("/transparency/ledger/").content.decode()
    assert LedgerEntry.objects.count() == 0
