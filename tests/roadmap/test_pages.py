"""The roadmap and changelog pages: they work without JavaScript, keep drafts to
staff, show clear errors, and run a fixed number of queries however long the list."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frankly.feedback import services as feedback
from frankly.feedback.models import StatusChange
from frankly.roadmap import services
from frankly.roadmap.models import ChangelogComment, ChangelogEntry, RoadmapSetting
from frankly.transparency import moderation, rules
from tests.conftest import make_post, make_tag, make_user
from tests.roadmap.conftest import make_entry, reload

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


def on_roadmap(author, staff, *, n: int, tag: str = "api"):
    """n posts in each column, tagged and voted for, some with a target quarter, and
    the done ones shipped by a changelog entry."""
    voter = make_user()
    done = []
    for i in range(n):
        for status in ("planned", "in_progress", "done"):
            post = make_post(author, title=f"{status} {i}", tags=[tag])
            feedback.add_vote(user=voter, post_id=post.pk)
            feedback.change_status(actor=staff, post_id=post.pk, status=status)
            if i % 2:
                services.set_roadmap_options(
                    actor=staff, post_id=post.pk, is_hidden=False, target_quarter="2027-Q3"
                )
            if status == "done":
                done.append(post)
    make_entry(staff, title=f"Shipped {n}", posts=done, publish=True)
    return voter


# The roadmap


def test_the_roadmap_shows_planned_in_progress_and_recently_done(client_for, customer, staff):
    make_tag("API")
    columns = {}
    for status in ("open", "under_review", "planned", "in_progress", "done", "declined"):
        columns[status] = make_post(customer, title=f"The {status} one", tags=["api"])
        if status != "open":
            feedback.change_status(actor=staff, post_id=columns[status].pk, status=status)
    long_done = make_post(customer, title="Shipped last year")
    feedback.change_status(actor=staff, post_id=long_done.pk, status="done")
    StatusChange.objects.filter(post=long_done).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    feedback.add_vote(user=make_user(), post_id=columns["planned"].pk)

    page = text_of(client_for(None).get("/roadmap/"))

    for shown in ("planned", "in_progress", "done"):
        assert f"The {shown} one" in page
    for left_out in ("open", "under_review", "declined"):
        assert f"The {left_out} one" not in page
    assert "Shipped last year" not in page
    assert page.index("The planned one") < page.index("The in_progress one")
    assert page.index("The in_progress one") < page.index("The done one")
    assert ">API</a>" in page


def test_staff_hide_a_post_from_the_roadmap_and_only_staff_still_see_it(
    client_for, customer, staff
):
    post = make_post(customer, title="Quietly planned")
    feedback.change_status(actor=staff, post_id=post.pk, status="planned")

    response = client_for(staff).post(
        f"/roadmap/posts/{post.pk}/", {"is_hidden": "1", "target_quarter": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/roadmap/#post-{post.pk}"
    assert RoadmapSetting.objects.get(post=post).is_hidden
    for viewer in (None, customer):
        assert "Quietly planned" not in text_of(client_for(viewer).get("/roadmap/"))
    staff_page = text_of(client_for(staff).get("/roadmap/"))
    assert "Quietly planned" in staff_page
    assert "Hidden from the public roadmap" in staff_page

    client_for(staff).post(f"/roadmap/posts/{post.pk}/", {"target_quarter": "2027-q2"})
    page = text_of(client_for(None).get("/roadmap/"))
    assert "Quietly planned" in page
    assert "Target 2027-Q2" in page


def test_posts_with_the_nearest_target_quarter_come_first(client_for, customer, staff):
    for title, quarter in (("No target", ""), ("Later", "2028-Q1"), ("Sooner", "2027-Q2")):
        post = make_post(customer, title=title)
        feedback.change_status(actor=staff, post_id=post.pk, status="planned")
        if quarter:
            services.set_roadmap_options(
                actor=staff, post_id=post.pk, is_hidden=False, target_quarter=quarter
            )
    page = text_of(client_for(None).get("/roadmap/"))
    assert page.index("Sooner") < page.index("Later") < page.index("No target")


def test_a_bad_quarter_on_the_form_says_how_to_write_it(client_for, customer, staff):
    post = make_post(customer)
    response = client_for(staff).post(
        f"/roadmap/posts/{post.pk}/", {"target_quarter": "next spring"}, follow=True
    )
    assert "e.g. 2027-Q1" in text_of(response)
    assert not RoadmapSetting.objects.exists()


def test_customers_get_no_roadmap_options(client_for, customer, staff):
    post = make_post(customer)
    feedback.change_status(actor=staff, post_id=post.pk, status="planned")

    assert "Roadmap options" not in text_of(client_for(customer).get("/roadmap/"))
    assert "Roadmap options" in text_of(client_for(staff).get("/roadmap/"))
    response = client_for(customer).post(f"/roadmap/posts/{post.pk}/", {"is_hidden": "1"})
    assert response.status_code == 403
    anonymous = client_for(None).post(f"/roadmap/posts/{post.pk}/", {"is_hidden": "1"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(staff).post("/roadmap/posts/999999/", {}).status_code == 404
    assert not RoadmapSetting.objects.exists()


def test_the_roadmap_runs_a_fixed_number_of_queries(client_for, customer, staff):
    make_tag("API")
    voter = on_roadmap(customer, staff, n=2)
    few = {who: count_queries(client_for(who), "/roadmap/")[0] for who in (None, voter, staff)}
    on_roadmap(customer, staff, n=8)
    many = {}
    for who in (None, voter, staff):
        many[who], response = count_queries(client_for(who), "/roadmap/")
    assert many == few
    assert few[None] <= 5  # three columns, the entries that shipped the done ones, tags
    assert text_of(response).count('<li class="roadmap-card') == 30
    assert "Shipped in" in text_of(response)


# The changelog


def test_drafts_are_for_staff_only(client_for, customer, staff, draft):
    services.create_entry(actor=staff, title="Out in the open", publish=True)

    for viewer in (None, customer):
        page = text_of(client_for(viewer).get("/changelog/"))
        assert "Out in the open" in page
        assert "Dark mode is here" not in page
        assert client_for(viewer).get(f"/changelog/{draft.pk}/").status_code == 404
        assert client_for(viewer).get(draft.get_absolute_url()).status_code == 404
    staff_page = text_of(client_for(staff).get("/changelog/"))
    assert "Dark mode is here" in staff_page
    assert "Drafts (only staff see these)" in staff_page
    assert client_for(staff).get(draft.get_absolute_url()).status_code == 200


def test_an_entry_lives_at_its_id_and_title(client_for, published):
    assert published.get_absolute_url() == f"/changelog/{published.pk}-faster-exports/"
    client = client_for(None)
    for old in (f"/changelog/{published.pk}/", f"/changelog/{published.pk}-old-title/"):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == published.get_absolute_url()
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    assert "<h1" in page.content.decode() and "Faster exports" in text_of(page)
    assert client.get("/changelog/99999999999999999999/").status_code == 404


def test_the_changelog_filters_by_category_and_refuses_unknown_ones(client_for, staff):
    make_entry(staff, title="A fix", category="fixed", publish=True)
    make_entry(staff, title="A feature", category="new", publish=True)

    page = text_of(client_for(None).get("/changelog/?category=fixed"))
    assert "A fix" in page and "A feature" not in page
    bad = client_for(None).get("/changelog/?category=nonsense")
    assert bad.status_code == 400
    assert "not a category" in text_of(bad)
    assert client_for(None).get("/changelog/?cursor=garbage").status_code == 400


def test_the_changelog_pages_through_older_entries(client_for, staff):
    for i in range(25):
        make_entry(staff, title=f"Entry {i:02d}", publish=True)
    first = text_of(client_for(None).get("/changelog/"))
    assert "Entry 24" in first and "Entry 04" not in first
    assert "Older entries" in first
    cursor = first.split("cursor=")[1].split('"')[0]
    second = text_of(client_for(None).get(f"/changelog/?cursor={cursor}"))
    assert "Entry 04" in second and "Entry 24" not in second


def test_the_changelog_runs_a_fixed_number_of_queries(client_for, customer, staff):
    def publish_some(n: int):
        for i in range(n):
            posts = [make_post(customer, title=f"Wish {n}-{i}") for _ in range(2)]
            make_entry(staff, title=f"Release {n}-{i}", posts=posts, publish=True)
            make_entry(staff, title=f"Draft {n}-{i}", posts=posts[:1])

    publish_some(2)
    few = {who: count_queries(client_for(who), "/changelog/")[0] for who in (None, customer, staff)}
    publish_some(9)
    many = {}
    for who in (None, customer, staff):
        many[who], response = count_queries(client_for(who), "/changelog/")
    assert many == few
    assert few[None] <= 2  # entries, their posts
    assert "Draft 9-8" in text_of(response)


def test_an_entry_page_runs_a_fixed_number_of_queries(client_for, customer, staff, published):
    rule = rules.create_rule(actor=staff, title="No spam")

    def add_comments(n: int):
        for _ in range(n):
            comment = services.add_entry_comment(
                author=make_user(), entry_id=published.pk, body="Nice"
            )
            moderation.hide_content(
                actor=staff,
                object_type="changelog_comment",
                object_id=comment.pk,
                rule_id=rule.pk,
                reason="Spam",
            )
            services.add_entry_comment(author=customer, entry_id=published.pk, body="Thanks")

    url = published.get_absolute_url()
    add_comments(1)
    few = {who: count_queries(client_for(who), url)[0] for who in (None, customer, staff)}
    add_comments(6)
    many = {}
    for who in (None, customer, staff):
        many[who], response = count_queries(client_for(who), url)
    assert many == few
    assert response.content.count(b'<article class="comment') == 14


# Writing on the pages


def test_staff_write_a_draft_then_publish_it_on_the_pages(client_for, staff, post):
    client = client_for(staff)
    assert "New entry" in text_of(client.get("/changelog/"))
    response = client.post(
        "/changelog/new/",
        {
            "title": "Dark mode",
            "category": "new",
            "body": "At last.",
            "posts": f"#{post.pk}",
            "publish": "0",
        },
    )
    entry = ChangelogEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert not entry.is_published
    assert list(entry.posts.all()) == [post]

    page = text_of(client.get(entry.get_absolute_url()))
    assert "Publish now" in page
    response = client.post(f"/changelog/{entry.pk}/publish/")
    assert response.status_code == 302
    assert reload(entry).is_published
    assert reload(post).status == "done"


def test_the_new_entry_form_shows_what_is_wrong(client_for, staff):
    response = client_for(staff).post(
        "/changelog/new/",
        {"title": "Hi", "category": "new", "body": "", "posts": "12, abc", "publish": "1"},
    )
    assert response.status_code == 400
    assert "is not a post number" in text_of(response)
    response = client_for(staff).post(
        "/changelog/new/",
        {"title": "Hi", "category": "new", "posts": "999999 " + "9" * 25, "publish": "1"},
    )
    assert response.status_code == 400
    assert "There is no post #" in text_of(response)
    assert not ChangelogEntry.objects.exists()


def test_staff_edit_an_entry_with_a_reason(client_for, staff, published):
    response = client_for(staff).post(
        f"/changelog/{published.pk}/edit/",
        {"title": "Faster CSV exports", "category": "improved", "body": "Now 3x faster.",
         "posts": "", "reason": "Be precise"},
    )  # fmt: skip
    entry = reload(published)
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.title == "Faster CSV exports" and entry.edited_at
    page = text_of(client_for(None).get(entry.get_absolute_url()))
    assert f"/transparency/history/changelog_entry/{entry.pk}/" in page
    history = client_for(None).get(f"/transparency/history/changelog_entry/{entry.pk}/")
    assert history.status_code == 200
    assert "Be precise" in text_of(history)


@pytest.mark.parametrize("url", ["/changelog/new/", "/changelog/{pk}/edit/"])
def test_customers_get_no_entry_forms(client_for, customer, draft, url):
    url = url.format(pk=draft.pk)
    assert client_for(customer).get(url).status_code == 403
    assert client_for(customer).post(url, {"title": "x", "category": "new"}).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(customer).post(f"/changelog/{draft.pk}/publish/").status_code == 403
    assert not reload(draft).is_published
    assert ChangelogEntry.objects.count() == 1


def test_customers_comment_and_hidden_comments_become_tombstones(
    client_for, customer, other_customer, staff, published
):
    response = client_for(customer).post(f"/changelog/{published.pk}/comment/", {"body": "Love it"})
    comment = ChangelogComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()

    rule = rules.create_rule(actor=staff, title="No spam")
    hidden = client_for(staff).post(
        "/transparency/hide/",
        {
            "object_type": "changelog_comment",
            "object_id": comment.pk,
            "rule": rule.pk,
            "reason": "Off topic",
            "next": published.get_absolute_url(),
        },
    )
    assert hidden.status_code == 302
    assert reload(comment).is_hidden

    page = text_of(client_for(other_customer).get(published.get_absolute_url()))
    assert "Love it" not in page
    assert "Hidden by a moderator under rule \u2018No spam\u2019: Off topic" in page
    own = text_of(client_for(customer).get(published.get_absolute_url()))
    assert "Love it" in own and "Appeal" in own


def test_an_empty_comment_is_shown_back_with_the_reason(client_for, customer, published):
    response = client_for(customer).post(f"/changelog/{published.pk}/comment/", {"body": " "})
    assert response.status_code == 400
    assert "This field is required" in text_of(response) or "empty" in text_of(response)
    assert not ChangelogComment.objects.exists()


def test_authors_delete_their_comment_from_the_page(client_for, customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="Oops")
    page = text_of(client_for(customer).get(published.get_absolute_url()))
    assert 'name="object_type" value="changelog_comment"' in page

    client_for(customer).post(
        "/transparency/delete/",
        {"object_type": "changelog_comment", "object_id": comment.pk},
    )
    assert reload(comment).is_deleted


def test_every_page_links_the_roadmap_and_the_changelog(client_for):
    page = client_for(None).get("/").content.decode()
    assert 'href="/roadmap/"' in page and 'href="/changelog/"' in page


def test_staff_browse_the_changelog_in_the_admin(client_for, staff, published, customer):
    services.add_entry_comment(author=customer, entry_id=published.pk, body="Hi")
    client = client_for(staff)
    for url in (
        "/admin/roadmap/changelogentry/",
        "/admin/roadmap/changelogcomment/",
        "/admin/roadmap/roadmapsetting/",
        f"/admin/roadmap/changelogentry/{published.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
