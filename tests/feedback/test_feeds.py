"""Atom feeds: new posts (filtered like the board), one post's activity, the status
page and the moderation log. Every feed is read the way a feed reader reads it,
with feedparser, and every page is checked to announce its feed in <head>."""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frankly.feedback import services
from frankly.feedback.models import Post
from frankly.incidents import services as incidents
from frankly.roadmap import services as roadmap
from frankly.roadmap.models import ChangelogEntry
from frankly.transparency import moderation, rules
from tests.conftest import make_post, make_tag, make_user

pytestmark = pytest.mark.django_db

SECRET_POST = "Zebra-7 private rant"
SECRET_COMMENT = "Quokka-9 insulting remark"
DELETED_COMMENT = "Walrus-3 regretted words"


# Reading feeds and pages


def fetch_feed(path: str):
    """GET a feed anonymously and parse it; fail on anything a reader would choke on."""
    response = Client().get(path)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert_valid_atom(feed)
    return feed, response.content.decode()


def is_absolute_iri(value: str) -> bool:
    parts = urlparse(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def assert_valid_atom(feed) -> None:
    """What RFC 4287 requires and feedparser tolerates the absence of."""
    assert feed.feed.get("title")
    assert feed.feed.get("link")
    assert feed.feed.get("updated")
    assert is_absolute_iri(feed.feed.get("id", ""))
    assert feed.feed.get("author") or all(e.get("author") for e in feed.entries)
    for entry in feed.entries:
        assert entry.get("title"), entry
        assert entry.get("link"), entry
        assert entry.get("updated"), entry
        assert is_absolute_iri(entry.get("id", "")), entry.get("id")
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def published(feed) -> list:
    return [e.published_parsed for e in feed.entries]


def assert_newest_first(feed) -> None:
    assert published(feed) == sorted(published(feed), reverse=True)


class _HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.links.append(attrs)


def feed_links(html: str) -> list[dict]:
    """The <link rel="alternate"> tags of the page's <head>."""
    parser = _HeadLinks()
    parser.feed(html.split("</head>", 1)[0])
    return parser.links


def feed_link_of(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    links = [
        link
        for link in feed_links(response.content.decode())
        if link.get("type") == "application/atom+xml"
    ]
    assert len(links) == 1, links
    assert links[0].get("title")
    return links[0]


# Personas and content


def ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def dated(post: Post, minutes_ago: int) -> Post:
    """Give a post a creation time of its own, so "newest first" is unambiguous."""
    Post.objects.filter(pk=post.pk).update(created_at=ago(minutes_ago))
    post.refresh_from_db()
    return post


@pytest.fixture
def rule(staff):
    return rules.create_rule(actor=staff, title="Be kind", description="No insults.")


def hide(staff, rule, object_type: str, object_id: int, reason: str = "Personal attack."):
    return moderation.hide_content(
        actor=staff, object_type=object_type, object_id=object_id, rule_id=rule.pk, reason=reason
    )


@pytest.fixture
def billing(db):
    return make_tag("Billing")


@pytest.fixture
def board(customer, other_customer, staff, billing):
    """Four posts of different kinds, tags and statuses, made ten minutes apart."""
    idea = dated(make_post(customer, title="Export to CSV", body="For the accountants."), 40)
    problem = dated(
        make_post(other_customer, title="Invoice PDF is blank", kind="problem", tags=["billing"]),
        30,
    )
    question = dated(make_post(customer, title="Do you support SSO?", kind="question"), 20)
    planned = dated(make_post(other_customer, title="Yearly billing", tags=["billing"]), 10)
    services.change_status(actor=staff, post_id=planned.pk, status="planned", note="Q3.")
    return {"idea": idea, "problem": problem, "question": question, "planned": planned}


# The posts feed


def test_the_posts_feed_lists_new_posts_newest_first_with_stable_ids(board):
    feed, _ = fetch_feed("/feeds/posts.atom")
    assert feed.feed.title == "New posts"
    assert feed.feed.link.endswith("/?sort=new")
    assert [e.title for e in feed.entries] == [
        "Yearly billing",
        "Do you support SSO?",
        "Invoice PDF is blank",
        "Export to CSV",
    ]
    assert_newest_first(feed)
    export = feed.entries[-1]
    assert export.link.endswith(f"/posts/{board['idea'].pk}/")
    assert "For the accountants." in export.summary
    assert export.author == "Carol Customer"

    again, _ = fetch_feed("/feeds/posts.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert [e.updated for e in again.entries] == [e.updated for e in feed.entries]


def test_posts_feed_entries_carry_kind_and_tags_as_categories(board):
    feed, _ = fetch_feed("/feeds/posts.atom")
    by_title = {e.title: e for e in feed.entries}
    assert {t.term for t in by_title["Invoice PDF is blank"].tags} == {"Problem", "Billing"}
    assert {t.term for t in by_title["Export to CSV"].tags} == {"Idea"}


def test_an_edited_post_says_when_it_was_updated(customer, board):
    services.edit_post(actor=customer, post_id=board["idea"].pk, body="For the accountants, UTF-8.")
    feed, _ = fetch_feed("/feeds/posts.atom")
    export = next(e for e in feed.entries if e.title == "Export to CSV")
    assert export.updated_parsed > export.published_parsed


@pytest.mark.parametrize(
    "query, titles",
    [
        ("kind=problem", ["Invoice PDF is blank"]),
        ("kind=idea", ["Yearly billing", "Export to CSV"]),
        ("status=planned", ["Yearly billing"]),
        ("tag=billing", ["Yearly billing", "Invoice PDF is blank"]),
        ("tag=billing&kind=idea", ["Yearly billing"]),
        ("tag=billing&status=open", ["Invoice PDF is blank"]),
        ("kind=praise", []),
    ],
)
def test_the_posts_feed_filters_like_the_board(board, query, titles):
    feed, _ = fetch_feed(f"/feeds/posts.atom?{query}")
    assert [e.title for e in feed.entries] == titles
    wanted = parse_qs(query)
    link = parse_qs(urlparse(feed.feed.link).query)
    assert {k: v for k, v in link.items() if k != "sort"} == wanted


def test_a_filtered_feed_names_its_filters_and_has_an_id_of_its_own(board):
    plain, _ = fetch_feed("/feeds/posts.atom")
    filtered, _ = fetch_feed("/feeds/posts.atom?tag=billing&kind=idea&status=planned")
    assert filtered.feed.title == "New posts (Idea, Planned, tagged Billing)"
    assert filtered.feed.id != plain.feed.id
    reordered, _ = fetch_feed("/feeds/posts.atom?status=planned&kind=idea&tag=billing")
    assert reordered.feed.id == filtered.feed.id


def test_hidden_deleted_and_merged_posts_never_appear(customer, other_customer, staff, rule, board):
    hidden = make_post(other_customer, title=f"{SECRET_POST} title", body=f"{SECRET_POST} body")
    hide(staff, rule, "post", hidden.pk)
    deleted = make_post(customer, title="Walrus-3 post I regret")
    moderation.delete_own_content(actor=customer, object_type="post", object_id=deleted.pk)
    duplicate = make_post(customer, title="Kestrel-5 duplicate of CSV export")
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=board["idea"].pk)

    for query in ("", "?kind=idea", "?status=open"):
        feed, xml = fetch_feed(f"/feeds/posts.atom{query}")
        links = [e.link for e in feed.entries]
        for gone in (hidden, deleted, duplicate):
            assert not any(link.endswith(f"/posts/{gone.pk}/") for link in links)
        assert "Zebra-7" not in xml
        assert "Walrus-3" not in xml
        assert "Kestrel-5" not in xml
    assert len(fetch_feed("/feeds/posts.atom")[0].entries) == 4


@pytest.mark.parametrize(
    "query",
    [
        "kind=nonsense",
        "status=shipped-yesterday",
        "kind=%00",
        "status=" + "x" * 5000,
        "kind=id%C3%A9e",
        "kind=idea&kind=bogus",
    ],
)
def test_an_unknown_kind_or_status_is_a_400_that_says_what_to_choose(board, query):
    response = Client().get(f"/feeds/posts.atom?{query}")
    assert response.status_code == 400
    assert "Choose one of" in response.content.decode()


@pytest.mark.parametrize("tag", ["no-such-tag", "%00", "x" * 5000, "%F0%9F%90%B3", "a'--"])
def test_an_unknown_tag_gives_an_empty_feed(board, tag):
    feed, _ = fetch_feed(f"/feeds/posts.atom?tag={tag}")
    assert feed.entries == []


def test_control_characters_people_type_do_not_break_the_feeds(customer, other_customer, post):
    """XML 1.0 cannot hold most control characters; one odd title must not 500 the feed."""
    odd = make_post(customer, title="Bell\x07 in the title", body="Form\x0cfeed and \x1b escape")
    services.add_comment(author=other_customer, post_id=odd.pk, body="Back\x08space")
    feed, xml = fetch_feed("/feeds/posts.atom")
    assert "Bell in the title" in [e.title for e in feed.entries]
    feed, xml = fetch_feed(f"/posts/{odd.pk}/feed.atom")
    assert feed.feed.title == "Updates on “Bell in the title”"
    assert "Backspace" in xml


def test_the_posts_feed_costs_the_same_queries_for_few_and_many_posts(customer, billing):
    make_post(customer, tags=["billing"])
    with CaptureQueriesContext(connection) as few:
        fetch_feed("/feeds/posts.atom")
    for _ in range(8):
        make_post(customer, tags=["billing"])
    with CaptureQueriesContext(connection) as many:
        feed, _ = fetch_feed("/feeds/posts.atom")
    assert len(feed.entries) == 9
    assert len(many) == len(few)


# One post's feed


@pytest.fixture
def busy_post(customer, other_customer, staff, post):
    """A post with a comment, a reply, a status change and an edited official response."""
    first = services.add_comment(author=other_customer, post_id=post.pk, body="Me too, please.")
    services.add_comment(
        author=customer, post_id=post.pk, body="Thanks for the support!", parent_id=first.pk
    )
    services.change_status(
        actor=staff, post_id=post.pk, status="planned", note="Scheduled for **June**."
    )
    services.set_official_response(actor=staff, post_id=post.pk, body="We are on it.")
    services.set_official_response(
        actor=staff, post_id=post.pk, body="We are on it; beta in June.", reason="Date."
    )
    return post


def test_a_post_feed_has_its_status_changes_response_and_comments(busy_post):
    feed, _ = fetch_feed(f"/posts/{busy_post.pk}/feed.atom")
    assert feed.feed.title == "Updates on “Dark mode for the dashboard”"
    assert feed.feed.link.endswith(f"/posts/{busy_post.pk}/")
    titles = [e.title for e in feed.entries]
    assert sorted(titles) == sorted(
        [
            "Official response",
            "Status: Open → Planned",
            "Carol Customer replied",
            "Oscar Other commented",
        ]
    )
    assert_newest_first(feed)
    by_title = {e.title: e for e in feed.entries}
    response = by_title["Official response"]
    assert "beta in June" in response.summary
    assert response.link.endswith(f"/posts/{busy_post.pk}/#official-response")
    assert response.updated_parsed >= response.published_parsed
    assert "<strong>June</strong>" in by_title["Status: Open → Planned"].summary
    assert by_title["Oscar Other commented"].author == "Oscar Other"
    assert by_title["Oscar Other commented"].link.endswith(
        f"/posts/{busy_post.pk}/#comment-{busy_post.comments.order_by('pk').first().pk}"
    )

    again, _ = fetch_feed(f"/posts/{busy_post.pk}/feed.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]


def test_a_post_feed_is_newest_first_across_kinds_of_entry(customer, other_customer, staff, post):
    services.add_comment(author=other_customer, post_id=post.pk, body="First!")
    services.change_status(actor=staff, post_id=post.pk, status="under_review")
    services.add_comment(author=customer, post_id=post.pk, body="Any news?")
    services.set_official_response(actor=staff, post_id=post.pk, body="Yes: soon.")
    feed, _ = fetch_feed(f"/posts/{post.pk}/feed.atom")
    assert [e.title for e in feed.entries] == [
        "Official response",
        "Carol Customer commented",
        "Status: Open → Under review",
        "Oscar Other commented",
    ]


def test_hidden_and_deleted_comments_are_tombstones_without_their_text(
    customer, other_customer, staff, rule, post
):
    rude = services.add_comment(author=other_customer, post_id=post.pk, body=SECRET_COMMENT)
    hide(staff, rule, "comment", rude.pk, reason="Personal attack on a colleague.")
    regret = services.add_comment(author=customer, post_id=post.pk, body=DELETED_COMMENT)
    moderation.delete_own_content(actor=customer, object_type="comment", object_id=regret.pk)
    services.add_comment(author=customer, post_id=post.pk, body="A kind comment.")

    feed, xml = fetch_feed(f"/posts/{post.pk}/feed.atom")
    assert "Quokka-9" not in xml
    assert "Walrus-3" not in xml
    by_link = {e.link.rsplit("#", 1)[1]: e for e in feed.entries}
    hidden = by_link[f"comment-{rude.pk}"]
    assert hidden.title == "Comment hidden by a moderator"
    assert "Be kind" in hidden.summary and "Personal attack on a colleague." in hidden.summary
    deleted = by_link[f"comment-{regret.pk}"]
    assert deleted.title == "Comment deleted by its author"
    assert "author" not in deleted or deleted.author != "Carol Customer"
    assert "A kind comment." in xml


def test_the_feed_of_a_hidden_post_keeps_its_title_and_text_out(other_customer, staff, rule):
    post = make_post(other_customer, title=f"{SECRET_POST} title", body=f"{SECRET_POST} body")
    services.add_comment(author=other_customer, post_id=post.pk, body="Still visible.")
    hide(staff, rule, "post", post.pk)
    feed, xml = fetch_feed(f"/posts/{post.pk}/feed.atom")
    assert feed.feed.title == f"Updates on post #{post.pk}"
    assert "Zebra-7" not in xml
    page = Client().get(f"/posts/{post.pk}/").content.decode()
    assert "Zebra-7" not in page.split("</head>", 1)[0]


@pytest.mark.parametrize("post_id", ["999999", "0", "99999999999999999999"])
def test_the_feed_of_a_missing_post_is_404(db, post_id):
    assert Client().get(f"/posts/{post_id}/feed.atom").status_code == 404


def test_a_post_feed_costs_the_same_queries_for_few_and_many_comments(customer, post):
    services.add_comment(author=customer, post_id=post.pk, body="One.")
    with CaptureQueriesContext(connection) as few:
        fetch_feed(f"/posts/{post.pk}/feed.atom")
    for n in range(8):
        services.add_comment(author=make_user(), post_id=post.pk, body=f"Comment {n}.")
    with CaptureQueriesContext(connection) as many:
        feed, _ = fetch_feed(f"/posts/{post.pk}/feed.atom")
    assert len(feed.entries) == 9
    assert len(many) == len(few)


# The status and moderation feeds


def test_the_status_feed_is_valid_atom_with_stable_ids(staff):
    api = incidents.create_component(actor=staff, name="REST API")
    incident = incidents.open_incident(
        actor=staff, title="Slow API", impact="minor", body="Looking into it.", components=[api.pk]
    )
    incidents.post_incident_update(
        actor=staff, incident_id=incident.pk, state="resolved", body="Fixed & <verified>."
    )
    feed, _ = fetch_feed("/status/feed.atom")
    assert feed.feed.title == "Status updates"
    assert len(feed.entries) == 2
    assert_newest_first(feed)
    assert "Fixed &amp; &lt;verified&gt;." in feed.entries[0].summary
    again, _ = fetch_feed("/status/feed.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]


def test_the_moderation_feed_is_valid_atom_without_the_hidden_text(
    other_customer, staff, rule, post
):
    rude = services.add_comment(author=other_customer, post_id=post.pk, body=SECRET_COMMENT)
    hide(staff, rule, "comment", rude.pk, reason="Insults <b>staff</b> & others.")
    moderation.unhide_content(
        actor=staff, object_type="comment", object_id=rude.pk, reason="On appeal: it was a quote."
    )
    feed, xml = fetch_feed("/transparency/moderation/feed.atom")
    assert feed.feed.title == "Moderation log"
    assert len(feed.entries) == 2
    assert_newest_first(feed)
    assert "Quokka-9" not in xml
    hidden = feed.entries[1]
    # The reason is plain text: shown as written, never as markup.
    assert "Insults &lt;b&gt;staff&lt;/b&gt; &amp; others." in hidden.summary
    again, _ = fetch_feed("/transparency/moderation/feed.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]


# The changelog feed


@pytest.fixture
def changelog(staff):
    """Two published entries, an hour apart, and a draft."""
    older = roadmap.create_entry(
        actor=staff,
        title="Faster exports",
        body="Up to **3x** faster.",
        category="improved",
        publish=True,
    )
    ChangelogEntry.objects.filter(pk=older.pk).update(published_at=ago(60))
    newer = roadmap.create_entry(
        actor=staff, title="Dark mode", body="Under Settings.", category="new", publish=True
    )
    draft = roadmap.create_entry(actor=staff, title="Osprey-4 secret plans", body="Not yet.")
    return {"older": older, "newer": newer, "draft": draft}


def test_the_changelog_feed_lists_published_entries_newest_first(staff, changelog):
    feed, xml = fetch_feed("/feeds/changelog.atom")
    assert feed.feed.title == "Changelog"
    assert feed.feed.link.endswith("/changelog/")
    assert [e.title for e in feed.entries] == ["Dark mode", "Faster exports"]
    assert_newest_first(feed)
    assert "<strong>3x</strong>" in feed.entries[1].summary
    assert {t.term for t in feed.entries[1].tags} == {"Improved"}
    assert "Osprey-4" not in xml

    # An edited title moves the entry's URL, not its id.
    roadmap.edit_entry(
        actor=staff, entry_id=changelog["newer"].pk, title="Dark mode everywhere", reason="Typo."
    )
    again, _ = fetch_feed("/feeds/changelog.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert again.entries[0].link.endswith("-dark-mode-everywhere/")


def test_the_changelog_feed_filters_by_category(changelog):
    feed, _ = fetch_feed("/feeds/changelog.atom?category=improved")
    assert feed.feed.title == "Changelog (Improved)"
    assert [e.title for e in feed.entries] == ["Faster exports"]
    response = Client().get("/feeds/changelog.atom?category=bogus%00")
    assert response.status_code == 400
    assert "Choose one of" in response.content.decode()


def test_changelog_pages_link_the_changelog_feed(changelog):
    link = feed_link_of(Client(), "/changelog/")
    assert link["href"] == "/feeds/changelog.atom"
    assert len(_follow(link).entries) == 2
    filtered = feed_link_of(Client(), "/changelog/?category=improved")
    assert filtered["href"] == "/feeds/changelog.atom?category=improved"
    assert len(_follow(filtered).entries) == 1
    entry_page = feed_link_of(Client(), changelog["newer"].get_absolute_url())
    assert entry_page["href"] == "/feeds/changelog.atom"


# Every page announces its feed


def _follow(link: dict):
    feed, _ = fetch_feed(link["href"])
    return feed


def test_the_board_links_the_posts_feed(board, client_for, customer):
    for client in (Client(), client_for(customer)):
        link = feed_link_of(client, "/")
        assert link["href"] == "/feeds/posts.atom"
        assert link["title"] == "New posts"
        assert len(_follow(link).entries) == 4


def test_the_board_links_the_feed_with_its_current_filters(board):
    link = feed_link_of(Client(), "/?kind=idea&tag=billing&sort=top&q=billing")
    href = urlparse(link["href"])
    assert href.path == "/feeds/posts.atom"
    assert parse_qs(href.query) == {"kind": ["idea"], "tag": ["billing"]}
    assert link["title"] == "New posts (Idea, tagged Billing)"
    assert [e.title for e in _follow(link).entries] == ["Yearly billing"]


def test_a_board_with_a_bad_filter_links_the_unfiltered_feed(board):
    response = Client().get("/?kind=nonsense")
    assert response.status_code == 400
    links = feed_links(response.content.decode())
    assert [link["href"] for link in links] == ["/feeds/posts.atom"]


def test_the_post_page_links_its_own_feed(busy_post):
    link = feed_link_of(Client(), f"/posts/{busy_post.pk}/")
    assert link["href"] == f"/posts/{busy_post.pk}/feed.atom"
    assert "Dark mode for the dashboard" in link["title"]
    assert len(_follow(link).entries) == 4


@pytest.mark.parametrize(
    "page, feed_path",
    [
        ("/status/", "/status/feed.atom"),
        ("/transparency/moderation/", "/transparency/moderation/feed.atom"),
    ],
)
def test_status_and_moderation_pages_link_their_feeds(db, page, feed_path):
    link = feed_link_of(Client(), page)
    assert link["href"] == feed_path
    _follow(link)
