"""Edit history: every edit path stores a revision, the public history page shows a
word-level diff, and hidden content keeps its texts from the public."""

import html
import re

import pytest

from frankly.feedback import services
from frankly.feedback.models import OfficialResponse
from frankly.transparency import moderation, rules
from frankly.transparency.models import Revision

pytestmark = pytest.mark.django_db


def revisions_of(object_type: str, object_id: int) -> list[Revision]:
    return list(Revision.objects.filter(object_type=object_type, object_id=object_id))


def only_revision(object_type: str, object_id: int) -> Revision:
    found = revisions_of(object_type, object_id)
    assert len(found) == 1, found
    return found[0]


def hide(staff, object_type: str, object_id: int, *, reason: str = "Off topic") -> None:
    rule = rules.create_rule(actor=staff, title=f"Rule for {object_type} {object_id}")
    moderation.hide_content(
        actor=staff, object_type=object_type, object_id=object_id, rule_id=rule.pk, reason=reason
    )


# --- Every edit path stores a revision --------------------------------------------------


def test_editing_a_post_through_the_service_stores_who_what_and_why(post, customer):
    services.edit_post(
        actor=customer,
        post_id=post.pk,
        title="Dark mode for the whole app",
        body="My eyes hurt at night.",
        reason="Broader scope",
    )
    revision = only_revision("post", post.pk)
    assert revision.editor == customer
    assert revision.editor_was_staff is False
    assert revision.reason == "Broader scope"
    # Only the changed field is recorded: the body stayed the same.
    assert revision.old == {"title": "Dark mode for the dashboard"}
    assert revision.new == {"title": "Dark mode for the whole app"}


def test_staff_edits_are_marked_as_made_by_staff(post, staff):
    services.edit_post(actor=staff, post_id=post.pk, body="Fixed the typo.", reason="Typo")
    revision = only_revision("post", post.pk)
    assert revision.editor == staff
    assert revision.editor_was_staff is True
    assert revision.old == {"body": "My eyes hurt at night."}
    assert revision.new == {"body": "Fixed the typo."}


def test_editing_a_post_on_its_page_stores_the_reason(post, customer, client_for):
    response = client_for(customer).post(
        f"/posts/{post.pk}/edit/",
        {
            "title": post.title,
            "body": "My eyes hurt at night, and in the morning.",
            "reason": "More",
        },
    )
    assert response.status_code == 302
    revision = only_revision("post", post.pk)
    assert revision.editor == customer
    assert revision.reason == "More"
    assert revision.old == {"body": "My eyes hurt at night."}
    assert revision.new == {"body": "My eyes hurt at night, and in the morning."}


def test_editing_a_post_through_the_api_stores_the_reason(post, customer, api_client):
    response = api_client(customer).patch(
        f"/posts/{post.pk}", {"title": "Dark mode everywhere", "reason": "Clearer title"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Dark mode everywhere"
    revision = only_revision("post", post.pk)
    assert (revision.editor, revision.reason) == (customer, "Clearer title")
    assert revision.old == {"title": "Dark mode for the dashboard"}
    assert revision.new == {"title": "Dark mode everywhere"}


def test_editing_a_comment_on_its_page_stores_a_revision(post, customer, client_for):
    comment = services.add_comment(author=customer, post_id=post.pk, body="Please add it soon")
    response = client_for(customer).post(
        f"/comments/{comment.pk}/edit/", {"body": "Please add it this year", "reason": "Calmer"}
    )
    assert response.status_code == 302
    revision = only_revision("comment", comment.pk)
    assert (revision.editor, revision.reason) == (customer, "Calmer")
    assert revision.old == {"body": "Please add it soon"}
    assert revision.new == {"body": "Please add it this year"}


def test_editing_a_comment_through_the_api_stores_a_revision(post, customer, api_client):
    comment = services.add_comment(author=customer, post_id=post.pk, body="First version")
    response = api_client(customer).patch(
        f"/comments/{comment.pk}", {"body": "Second version", "reason": "Rewrote it"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["body"] == "Second version"
    assert response.json()["edited_at"] is not None
    revision = only_revision("comment", comment.pk)
    assert (revision.old, revision.new) == ({"body": "First version"}, {"body": "Second version"})
    assert revision.reason == "Rewrote it"


def test_the_first_official_response_on_the_page_is_no_edit_the_second_is(post, staff, client_for):
    client = client_for(staff)
    assert client.post(f"/posts/{post.pk}/response/", {"body": "We are on it."}).status_code == 302
    response_id = OfficialResponse.objects.get(post=post).pk
    assert revisions_of("official_response", response_id) == []

    client.post(f"/posts/{post.pk}/response/", {"body": "We shipped it.", "reason": "It shipped"})
    revision = only_revision("official_response", response_id)
    assert revision.editor == staff and revision.editor_was_staff
    assert (revision.old, revision.new) == ({"body": "We are on it."}, {"body": "We shipped it."})
    assert revision.reason == "It shipped"


def test_the_first_official_response_through_the_api_is_no_edit_the_second_is(
    post, staff, api_client
):
    client = api_client(staff)
    first = client.post(f"/posts/{post.pk}/official-response", {"body": "Planned for May."})
    assert first.status_code == 200, first.content
    response_id = OfficialResponse.objects.get(post=post).pk
    assert revisions_of("official_response", response_id) == []

    second = client.post(
        f"/posts/{post.pk}/official-response", {"body": "Planned for June.", "reason": "Delayed"}
    )
    assert second.status_code == 200, second.content
    assert second.json()["official_response"]["body"] == "Planned for June."
    revision = only_revision("official_response", response_id)
    assert (revision.old, revision.new) == (
        {"body": "Planned for May."},
        {"body": "Planned for June."},
    )
    assert revision.reason == "Delayed"


def test_an_edit_that_changes_nothing_stores_nothing(post, customer, staff, api_client):
    comment = services.add_comment(author=customer, post_id=post.pk, body="Same words")
    services.edit_post(actor=customer, post_id=post.pk, title=post.title, body=post.body)
    api_client(customer).patch(f"/posts/{post.pk}", {"title": f"  {post.title} ", "reason": "x"})
    services.edit_comment(actor=customer, comment_id=comment.pk, body="Same words")
    api_client(customer).patch(f"/comments/{comment.pk}", {"body": "Same words"})
    services.set_official_response(actor=staff, post_id=post.pk, body="Answer")
    services.set_official_response(actor=staff, post_id=post.pk, body="Answer", reason="again")
    assert Revision.objects.count() == 0
    post.refresh_from_db()
    assert post.edited_at is None


@pytest.mark.parametrize("path", ["/posts/{post}", "/comments/{comment}"])
def test_a_reason_with_a_nul_character_is_refused_and_undoes_the_edit(
    post, customer, api_client, path
):
    comment = services.add_comment(author=customer, post_id=post.pk, body="Original words")
    path = path.format(post=post.pk, comment=comment.pk)
    response = api_client(customer).patch(path, {"body": "New words", "reason": "why\x00"})
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]
    post.refresh_from_db()
    comment.refresh_from_db()
    assert (post.body, comment.body) == ("My eyes hurt at night.", "Original words")
    assert post.edited_at is None and comment.edited_at is None
    assert Revision.objects.count() == 0


def test_customers_cannot_edit_someone_elses_comment(post, customer, other_customer, api_client):
    comment = services.add_comment(author=customer, post_id=post.pk, body="My own words")
    response = api_client(other_customer).patch(
        f"/comments/{comment.pk}", {"body": "Words put in my mouth"}
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    comment.refresh_from_db()
    assert comment.body == "My own words"
    assert Revision.objects.count() == 0


def test_customers_cannot_edit_someone_elses_post(post, other_customer, api_client):
    response = api_client(other_customer).patch(f"/posts/{post.pk}", {"title": "Hijacked"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Dark mode for the dashboard"
    assert Revision.objects.count() == 0


# --- The public history page ----------------------------------------------------------


def test_the_post_page_links_an_edited_post_to_its_history(post, customer, client):
    assert "/transparency/history/post/" not in client.get(f"/posts/{post.pk}/").content.decode()
    services.edit_post(actor=customer, post_id=post.pk, body="Better words.")
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert re.search(rf'href="/transparency/history/post/{post.pk}/"[^>]*>edited<', page)


def test_the_history_page_shows_versions_newest_first_with_a_word_diff(post, customer, client):
    services.edit_post(
        actor=customer, post_id=post.pk, body="My eyes hurt late at night.", reason="first fix"
    )
    services.edit_post(
        actor=customer, post_id=post.pk, body="My eyes ache late at night.", reason="second fix"
    )
    response = client.get(f"/transparency/history/post/{post.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("second fix") < page.index("first fix")
    assert re.search(r"<del>\s*hurt\s*</del>", page)
    assert re.search(r"<ins>\s*ache\s*</ins>", page)
    assert re.search(r"<ins>\s*late\s*</ins>", page)
    assert "Carol Customer" in page


def test_the_diff_escapes_html_in_the_text(post, customer, client):
    services.edit_post(
        actor=customer, post_id=post.pk, body='<script>alert("old")</script> <b>bold</b>'
    )
    services.edit_post(
        actor=customer, post_id=post.pk, body='<script>alert("new")</script> <i>bold</i>'
    )
    page = client.get(f"/transparency/history/post/{post.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<b>bold" not in page and "<i>bold" not in page
    assert "&lt;script&gt;" in page
    assert re.search(r"<del>[^<]*old[^<]*</del>", page)
    assert re.search(r"<ins>[^<]*new[^<]*</ins>", page)


def test_edited_comments_and_official_responses_link_their_history(post, customer, staff, client):
    comment = services.add_comment(author=customer, post_id=post.pk, body="Nice idea")
    services.edit_comment(actor=customer, comment_id=comment.pk, body="Great idea")
    services.set_official_response(actor=staff, post_id=post.pk, body="Planned for May")
    services.set_official_response(
        actor=staff, post_id=post.pk, body="Planned for June", reason="Slipped"
    )
    response_id = OfficialResponse.objects.get(post=post).pk
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert f'href="/transparency/history/comment/{comment.pk}/"' in page
    assert f'href="/transparency/history/official_response/{response_id}/"' in page

    history = client.get(f"/transparency/history/comment/{comment.pk}/").content.decode()
    assert re.search(r"<del>\s*Nice\s*</del>", history)
    assert re.search(r"<ins>\s*Great\s*</ins>", history)
    official = client.get(f"/transparency/history/official_response/{response_id}/")
    assert official.status_code == 200
    assert re.search(r"<del>\s*May\s*</del>", official.content.decode())
    assert re.search(r"<ins>\s*June\s*</ins>", official.content.decode())
    assert "Slipped" in official.content.decode()


def test_the_history_of_a_hidden_comment_is_withheld_from_the_public(
    post, customer, staff, api_client
):
    comment = services.add_comment(author=customer, post_id=post.pk, body="Angry words")
    services.edit_comment(actor=customer, comment_id=comment.pk, body="Angrier words")
    hide(staff, "comment", comment.pk)
    [public] = api_client(None).get(f"/revisions?object=comment:{comment.pk}").json()
    assert public["withheld"] is True and public["old"] is None
    [own] = api_client(customer).get(f"/revisions?object=comment:{comment.pk}").json()
    assert own["new"] == {"body": "Angrier words"}


def test_the_history_page_of_an_unknown_object_is_a_404(client):
    assert client.get("/transparency/history/post/999999/").status_code == 404
    assert client.get("/transparency/history/spaceship/1/").status_code == 404
    assert client.get("/transparency/history/post/99999999999999999999/").status_code == 404


def test_the_api_lists_revisions_newest_first(post, customer, staff, api_client):
    services.edit_post(actor=customer, post_id=post.pk, title="Dark mode v2", reason="one")
    services.edit_post(actor=staff, post_id=post.pk, title="Dark mode v3", reason="two")
    response = api_client(None).get(f"/revisions?object=post:{post.pk}")
    assert response.status_code == 200
    items = response.json()
    assert [r["reason"] for r in items] == ["two", "one"]
    assert items[0]["editor"] == {"name": "Sam Staff", "is_staff": True}
    assert items[1]["editor"] == {"name": "Carol Customer", "is_staff": False}
    assert items[0]["old"] == {"title": "Dark mode v2"}
    assert items[0]["new"] == {"title": "Dark mode v3"}
    assert items[0]["withheld"] is False
    assert items[0]["object"] == f"post:{post.pk}"


@pytest.mark.parametrize(
    ("ref", "status"),
    [
        ("post", 422),
        ("foo:1", 422),
        ("post:abc", 422),
        ("post:99999999999999999999", 422),
        ("post:9223372036854775808", 404),
        ("post:0", 404),
        ("post:123456789", 404),
        ("", 422),
        ("post:1:2", 422),
    ],
)
def test_bad_revision_refs_get_a_readable_error(api_client, ref, status):
    response = api_client(None).get("/revisions", data={"object": ref})
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_missing_revision_ref_is_a_422(api_client):
    response = api_client(None).get("/revisions")
    assert response.status_code == 422
    assert response.json()["detail"]


# --- Hidden content keeps its history private -----------------------------------------


@pytest.fixture
def hidden_edited_post(post, customer, staff):
    services.edit_post(
        actor=customer, post_id=post.pk, body="Secretive phrasing zebra", reason="why not"
    )
    hide(staff, "post", post.pk)
    return post


def test_the_history_of_a_hidden_post_is_withheld_from_the_public(
    hidden_edited_post, api_client, other_customer
):
    for viewer in (None, other_customer):
        response = api_client(viewer).get(f"/revisions?object=post:{hidden_edited_post.pk}")
        assert response.status_code == 200
        [item] = response.json()
        assert item["withheld"] is True
        assert item["old"] is None and item["new"] is None
        assert item["reason"] == "why not"  # the record that an edit happened stays public
        assert "zebra" not in response.content.decode()
        assert "eyes hurt" not in response.content.decode()


def test_the_history_page_of_a_hidden_post_shows_no_text_to_the_public(
    hidden_edited_post, client_for, other_customer
):
    for viewer in (None, other_customer):
        response = client_for(viewer).get(f"/transparency/history/post/{hidden_edited_post.pk}/")
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "eyes hurt" not in page
        assert "zebra" not in page
        assert "hidden or deleted" in page


def test_the_author_and_staff_still_see_the_history_of_a_hidden_post(
    hidden_edited_post, api_client, client_for, customer, staff
):
    for viewer in (customer, staff):
        [item] = api_client(viewer).get(f"/revisions?object=post:{hidden_edited_post.pk}").json()
        assert item["withheld"] is False
        assert item["old"] == {"body": "My eyes hurt at night."}
        page = client_for(viewer).get(f"/transparency/history/post/{hidden_edited_post.pk}/")
        assert re.search(r"<ins>[^<]*zebra[^<]*</ins>", page.content.decode())
