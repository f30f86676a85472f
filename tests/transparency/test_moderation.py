"""Moderation without silent deletion: hiding under a rule with a reason, tombstones,
authors deleting their own words, appeals, locks, bans, the public log and the rules."""

import html
import json
import re
from types import SimpleNamespace

import pytest
from django.utils import dateformat, timezone

from frankly.accounts.models import User
from frankly.errors import Invalid, NotAllowed
from frankly.feedback import services
from frankly.feedback.models import Comment, Post, Vote
from frankly.feedback.search import filter_by_text
from frankly.transparency import moderation, rules
from frankly.transparency.models import Appeal, LedgerEntry, ModerationAction, Revision, Rule
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

SECRET = "quokkasecret"


@pytest.fixture
def rule(staff) -> Rule:
    return rules.create_rule(actor=staff, title="Be kind", description="No insults.")


@pytest.fixture
def comment(post, customer) -> Comment:
    return services.add_comment(
        author=customer, post_id=post.pk, body=f"Some rude words {SECRET} here"
    )


@pytest.fixture
def secret_post(customer) -> Post:
    return make_post(customer, title=f"Ideas about {SECRET}", body=f"More on {SECRET} inside")


def hide(staff, rule, object_type: str, object_id: int, reason: str = "Insulted a member"):
    return moderation.hide_content(
        actor=staff, object_type=object_type, object_id=object_id, rule_id=rule.pk, reason=reason
    )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def tombstone_html(page: str) -> str:
    found = re.search(r'<div class="tombstone"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert found, "no tombstone on the page"
    return found.group(1)


def ledger_kinds() -> list[str]:
    return list(LedgerEntry.objects.order_by("seq").values_list("kind", flat=True))


# --- Hiding -----------------------------------------------------------------------------


def test_staff_hide_a_comment_under_a_rule_with_a_public_reason(comment, rule, staff):
    action = hide(staff, rule, "comment", comment.pk, reason="Insulted a member")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == action
    assert comment.body == f"Some rude words {SECRET} here"  # kept for the author and staff
    assert (action.action, action.rule, action.rule_title) == ("hide", rule, "Be kind")
    assert (action.reason, action.actor_role) == ("Insulted a member", "staff")
    assert action.object_url == comment.get_absolute_url()
    entry = LedgerEntry.objects.get(kind="moderation.hide")
    body = json.loads(entry.body)
    assert (entry.object_type, entry.object_id) == ("comment", str(comment.pk))
    assert body["rule"] == "Be kind" and body["reason"] == "Insulted a member"
    assert body["actor_role"] == "staff"


def test_staff_hide_a_post_through_the_service(secret_post, rule, staff):
    hide(staff, rule, "post", secret_post.pk)
    secret_post.refresh_from_db()
    assert secret_post.is_hidden
    assert ledger_kinds()[-1] == "moderation.hide"


@pytest.mark.parametrize(
    ("rule_id", "reason"),
    [(None, "Rude"), ("", "Rude"), (123456, "Rude"), ("abc", "Rude"), ("RULE", ""), ("RULE", " ")],
)
def test_hiding_needs_a_current_rule_and_a_reason(comment, rule, staff, rule_id, reason):
    with pytest.raises(Invalid):
        moderation.hide_content(
            actor=staff,
            object_type="comment",
            object_id=comment.pk,
            rule_id=rule.pk if rule_id == "RULE" else rule_id,
            reason=reason,
        )
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ModerationAction.objects.count() == 0


def test_customers_cannot_hide_through_the_service(comment, rule, customer, other_customer):
    for person in (customer, other_customer):
        with pytest.raises(NotAllowed):
            hide(person, rule, "comment", comment.pk)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_staff_hide_on_the_page(comment, rule, staff, client_for):
    response = client_for(staff).post(
        "/transparency/hide/",
        {
            "object_type": "comment",
            "object_id": comment.pk,
            "rule": rule.pk,
            "reason": "Insulted a member",
            "next": f"/posts/{comment.post_id}/",
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_by.reason == "Insulted a member"


def test_the_page_refuses_to_hide_without_a_reason(comment, rule, staff, client_for):
    response = client_for(staff).post(
        "/transparency/hide/",
        {"object_type": "comment", "object_id": comment.pk, "rule": rule.pk, "reason": " "},
        follow=True,
    )
    assert "Give a reason" in text_of(response)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_customers_and_anonymous_cannot_hide_on_the_page(
    comment, rule, customer, other_customer, client_for
):
    data = {"object_type": "comment", "object_id": comment.pk, "rule": rule.pk, "reason": "x"}
    for person in (customer, other_customer):
        assert client_for(person).post("/transparency/hide/", data).status_code == 403
    anonymous = client_for(None).post("/transparency/hide/", data)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ModerationAction.objects.count() == 0


def test_staff_hide_through_the_api(comment, rule, staff, api_client):
    response = api_client(staff).post(
        "/moderation/hide",
        {"object": f"comment:{comment.pk}", "rule": rule.pk, "reason": "Insulted a member"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["action"], data["rule"], data["reason"]) == (
        "hide",
        "Be kind",
        "Insulted a member",
    )
    assert data["actor_role"] == "staff"
    comment.refresh_from_db()
    assert comment.is_hidden


def test_customers_and_anonymous_cannot_hide_through_the_api(
    comment, rule, customer, other_customer, api_client
):
    payload = {"object": f"comment:{comment.pk}", "rule": rule.pk, "reason": "x"}
    for person in (customer, other_customer):
        response = api_client(person).post("/moderation/hide", payload)
        assert response.status_code == 403 and response.json()["detail"]
    assert api_client(None).post("/moderation/hide", payload).status_code == 401
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_staff_show_hidden_content_again(comment, rule, staff, api_client, client_for):
    hide(staff, rule, "comment", comment.pk)
    response = api_client(staff).post(
        "/moderation/unhide", {"object": f"comment:{comment.pk}", "reason": "Misread it"}
    )
    assert response.status_code == 201, response.content
    comment.refresh_from_db()
    assert not comment.is_hidden
    again = api_client(staff).post(
        "/moderation/unhide", {"object": f"comment:{comment.pk}", "reason": "Again"}
    )
    assert again.status_code == 409
    hide(staff, rule, "comment", comment.pk)
    page = client_for(staff).post(
        "/transparency/unhide/",
        {"object_type": "comment", "object_id": comment.pk, "reason": "Misread it twice"},
    )
    assert page.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ledger_kinds()[-4:] == [
        "moderation.hide",
        "moderation.unhide",
        "moderation.hide",
        "moderation.unhide",
    ]


# --- What the public sees of hidden content ---------------------------------------------


def test_a_hidden_comment_is_a_tombstone_naming_the_rule_and_the_reason(
    comment, rule, staff, other_customer, client_for
):
    assert SECRET in client_for(None).get(f"/posts/{comment.post_id}/").content.decode()
    action = hide(staff, rule, "comment", comment.pk, reason="Insulted a member")
    when = dateformat.format(timezone.localtime(action.created_at), "j M Y")
    for viewer in (None, other_customer):
        response = client_for(viewer).get(f"/posts/{comment.post_id}/")
        assert response.status_code == 200
        page = text_of(response)
        assert SECRET not in page
        stone = tombstone_html(page)
        assert re.search(
            r"Hidden by a moderator under rule ['\u2018]Be kind['\u2019]: Insulted a member", stone
        )
        assert when in stone


def test_the_api_withholds_a_hidden_comment(comment, rule, staff, other_customer, api_client):
    hide(staff, rule, "comment", comment.pk, reason="Insulted a member")
    for viewer in (None, other_customer):
        response = api_client(viewer).get(f"/posts/{comment.post_id}/comments")
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        [item] = response.json()["items"]
        assert item["body"] is None and item["body_html"] is None
        assert item["tombstone"]["kind"] == "hidden"
        assert item["tombstone"]["text"] == (
            "Hidden by a moderator under rule 'Be kind': Insulted a member"
        )
        assert (item["tombstone"]["rule"], item["tombstone"]["reason"]) == (
            "Be kind",
            "Insulted a member",
        )
        assert item["tombstone"]["at"]


def test_others_cannot_open_the_edit_form_of_a_hidden_comment(
    comment, rule, staff, other_customer, client_for
):
    hide(staff, rule, "comment", comment.pk)
    response = client_for(other_customer).get(f"/comments/{comment.pk}/edit/")
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_others_cannot_open_the_edit_form_of_a_hidden_post(
    secret_post, rule, staff, other_customer, client_for
):
    hide(staff, rule, "post", secret_post.pk)
    response = client_for(other_customer).get(f"/posts/{secret_post.pk}/edit/")
    assert response.status_code == 403
    assert SECRET not in response.content.decode()


def test_a_hidden_comment_leaves_its_authors_profile(comment, rule, staff, customer, client_for):
    assert SECRET in client_for(None).get(f"/people/{customer.pk}/").content.decode()
    hide(staff, rule, "comment", comment.pk)
    assert SECRET not in client_for(None).get(f"/people/{customer.pk}/").content.decode()


def test_the_author_and_staff_still_see_a_hidden_comment(
    comment, rule, staff, customer, client_for, api_client
):
    hide(staff, rule, "comment", comment.pk, reason="Insulted a member")
    for viewer in (customer, staff):
        page = text_of(client_for(viewer).get(f"/posts/{comment.post_id}/"))
        assert SECRET in page
        assert "Hidden from everyone else" in page
        [item] = api_client(viewer).get(f"/posts/{comment.post_id}/comments").json()["items"]
        assert SECRET in item["body"]
        assert item["tombstone"]["kind"] == "hidden"


def test_a_hidden_post_leaves_the_board_the_search_and_the_profile(
    secret_post, rule, staff, customer, client_for, api_client
):
    public, api = client_for(None), api_client(None)
    link = f'href="/posts/{secret_post.pk}/"'
    pages = {
        "board": lambda: public.get("/"),
        "search page": lambda: public.get(f"/search/?q={SECRET}"),
        "profile": lambda: public.get(f"/people/{customer.pk}/"),
    }
    lists = {
        "api list": lambda: api.get("/posts"),
        "api search": lambda: api.get(f"/posts?q={SECRET}"),
    }
    for name, fetch in pages.items():
        assert link in fetch().content.decode(), f"{name} should list it before hiding"
    for name, fetch in lists.items():
        assert SECRET in fetch().content.decode(), f"{name} should list it before hiding"
    hide(staff, rule, "post", secret_post.pk)
    for name, fetch in pages.items():
        response = fetch()
        assert response.status_code == 200
        assert link not in response.content.decode(), f"{name} still lists it"
        # The search page repeats the query itself; the post's own text is what must go.
        assert f"Ideas about {SECRET}" not in text_of(response), f"{name} still shows it"
        assert f"More on {SECRET}" not in text_of(response), f"{name} still shows it"
    for name, fetch in lists.items():
        response = fetch()
        assert response.status_code == 200 and response.json()["items"] == []
        assert SECRET not in response.content.decode(), f"{name} still shows it"


def test_a_hidden_post_shows_its_tombstone_not_its_title(
    secret_post, rule, staff, other_customer, client_for, api_client
):
    hide(staff, rule, "post", secret_post.pk, reason="Spam link")
    for viewer in (None, other_customer):
        response = client_for(viewer).get(f"/posts/{secret_post.pk}/")
        assert response.status_code == 200
        page = text_of(response)
        assert SECRET not in page
        assert re.search(r"under rule ['\u2018]Be kind['\u2019]: Spam link", tombstone_html(page))
        data = api_client(viewer).get(f"/posts/{secret_post.pk}").json()
        assert data["title"] is None and data["body"] is None and data["body_html"] is None
        assert data["tombstone"]["reason"] == "Spam link"


def test_the_author_of_a_hidden_post_still_sees_it_with_a_banner(
    secret_post, rule, staff, customer, client_for
):
    hide(staff, rule, "post", secret_post.pk, reason="Spam link")
    page = text_of(client_for(customer).get(f"/posts/{secret_post.pk}/"))
    assert f"Ideas about {SECRET}" in page
    assert "Hidden from everyone else" in page and "Spam link" in page


def test_a_hidden_post_takes_no_votes_or_comments(
    secret_post, rule, staff, other_customer, api_client
):
    hide(staff, rule, "post", secret_post.pk)
    client = api_client(other_customer)
    vote = client.post(f"/posts/{secret_post.pk}/vote")
    assert vote.status_code == 409 and "hid" in vote.json()["detail"]
    reply = client.post(f"/posts/{secret_post.pk}/comments", {"body": "Me too"})
    assert reply.status_code == 409 and reply.json()["detail"]
    assert not Vote.objects.filter(post=secret_post, user=other_customer).exists()
    assert not Comment.objects.filter(post=secret_post).exists()


# --- Authors deleting their own words ---------------------------------------------------


def test_the_author_deletes_a_comment_on_the_page_and_its_text_is_gone(
    comment, customer, client_for, api_client
):
    services.edit_comment(
        actor=customer, comment_id=comment.pk, body=f"Edited {SECRET} words", reason="oops"
    )
    response = client_for(customer).post(
        "/transparency/delete/", {"object_type": "comment", "object_id": comment.pk}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_deleted
    assert (comment.body, comment.body_html) == ("", "")
    [revision] = Revision.objects.filter(object_type="comment", object_id=comment.pk)
    assert revision.old == {"body": ""} and revision.new == {"body": ""}
    assert revision.reason == "oops"  # the record that it was edited stays
    for viewer in (None, customer):
        page = text_of(client_for(viewer).get(f"/posts/{comment.post_id}/"))
        assert "Deleted by its author" in page
        assert SECRET not in page
    [item] = api_client(None).get(f"/posts/{comment.post_id}/comments").json()["items"]
    assert item["body"] is None and item["tombstone"]["kind"] == "deleted"
    assert item["tombstone"]["text"] == "Deleted by its author."


def test_the_author_deletes_a_post_through_the_api_and_search_forgets_it(
    secret_post, customer, api_client, client_for
):
    services.edit_post(
        actor=customer, post_id=secret_post.pk, body=f"Even more {SECRET}", reason="more"
    )
    assert filter_by_text(Post.objects.all(), SECRET).filter(pk=secret_post.pk).exists()
    response = api_client(customer).delete(f"/posts/{secret_post.pk}")
    assert response.status_code == 204
    secret_post.refresh_from_db()
    assert secret_post.is_deleted
    assert (secret_post.title, secret_post.body, secret_post.body_html) == ("", "", "")
    [revision] = Revision.objects.filter(object_type="post", object_id=secret_post.pk)
    assert set(revision.old.values()) == {""} and set(revision.new.values()) == {""}
    # The full-text index itself no longer holds the words, not just the board's filter.
    assert not filter_by_text(Post.objects.all(), SECRET).exists()
    assert SECRET not in api_client(None).get(f"/posts?q={SECRET}").content.decode()
    page = text_of(client_for(None).get(f"/posts/{secret_post.pk}/"))
    assert "Deleted by its author" in page and SECRET not in page
    assert api_client(customer).delete(f"/posts/{secret_post.pk}").status_code == 204


def test_the_author_deletes_a_comment_through_the_api(comment, customer, api_client):
    assert api_client(customer).delete(f"/comments/{comment.pk}").status_code == 204
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""


def test_only_the_author_can_delete(
    secret_post, comment, other_customer, staff, client_for, api_client
):
    for person in (other_customer, staff):
        assert api_client(person).delete(f"/posts/{secret_post.pk}").status_code == 403
        assert api_client(person).delete(f"/comments/{comment.pk}").status_code == 403
        page = client_for(person).post(
            "/transparency/delete/", {"object_type": "comment", "object_id": comment.pk}
        )
        assert page.status_code == 403
    assert api_client(None).delete(f"/comments/{comment.pk}").status_code == 401
    secret_post.refresh_from_db()
    comment.refresh_from_db()
    assert not secret_post.is_deleted and SECRET in secret_post.title
    assert not comment.is_deleted and SECRET in comment.body


@pytest.mark.parametrize("path", ["/posts/99999999999999999999", "/comments/123456789"])
def test_deleting_what_does_not_exist_is_a_404(customer, api_client, path):
    response = api_client(customer).delete(path)
    assert response.status_code == 404 and response.json()["detail"]


# --- Appeals ----------------------------------------------------------------------------


@pytest.fixture
def hidden_comment(comment, rule, staff) -> Comment:
    hide(staff, rule, "comment", comment.pk, reason="Insulted a member")
    comment.refresh_from_db()
    return comment


def appeal(client, comment, message="I was quoting someone"):
    return client.post(
        "/moderation/appeals", {"object": f"comment:{comment.pk}", "message": message}
    )


def test_the_author_appeals_once(hidden_comment, customer, api_client):
    first = appeal(api_client(customer), hidden_comment)
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "pending"
    assert first.json()["action"]["reason"] == "Insulted a member"
    second = appeal(api_client(customer), hidden_comment, "Please!")
    assert second.status_code == 409 and second.json()["detail"]
    assert Appeal.objects.count() == 1


def test_only_the_author_can_appeal(hidden_comment, other_customer, staff, api_client):
    for person in (other_customer, staff):
        assert appeal(api_client(person), hidden_comment).status_code == 403
    assert Appeal.objects.count() == 0


def test_appealing_content_that_is_not_hidden_is_a_conflict(comment, customer, api_client):
    response = appeal(api_client(customer), comment)
    assert response.status_code == 409 and response.json()["detail"]
    assert Appeal.objects.count() == 0


def test_staff_see_appeals_and_customers_do_not(
    hidden_comment, customer, other_customer, staff, client_for, api_client
):
    appeal(api_client(customer), hidden_comment, "I was quoting someone")
    page = client_for(staff).get("/transparency/appeals/")
    assert page.status_code == 200
    assert "I was quoting someone" in text_of(page)
    assert SECRET in text_of(page)  # staff read the hidden text to decide
    [item] = api_client(staff).get("/moderation/appeals").json()
    assert item["message"] == "I was quoting someone"
    assert item["action"]["object_id"] == hidden_comment.pk
    for person in (customer, other_customer):
        assert client_for(person).get("/transparency/appeals/").status_code == 403
        assert api_client(person).get("/moderation/appeals").status_code == 403


def test_granting_an_appeal_shows_the_content_again(hidden_comment, customer, staff, api_client):
    created = appeal(api_client(customer), hidden_comment).json()
    response = api_client(staff).post(
        f"/moderation/appeals/{created['id']}/decision",
        {"reverse": True, "note": "You were quoting; fair enough."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "reversed"
    [item] = api_client(None).get(f"/posts/{hidden_comment.post_id}/comments").json()["items"]
    assert SECRET in item["body"] and item["tombstone"] is None
    unhide = ModerationAction.objects.get(action="unhide")
    assert unhide.reason == "Appeal granted: You were quoting; fair enough."
    assert ledger_kinds()[-1] == "moderation.unhide"
    twice = api_client(staff).post(
        f"/moderation/appeals/{created['id']}/decision", {"reverse": False, "note": "No"}
    )
    assert twice.status_code == 409


def test_refusing_an_appeal_keeps_it_hidden(
    hidden_comment, customer, staff, client_for, api_client
):
    created = appeal(api_client(customer), hidden_comment).json()
    page = client_for(staff).post(
        f"/transparency/appeals/{created['id']}/decide/",
        {"reverse": "0", "note": "Quoting insults is still insulting."},
    )
    assert page.status_code == 302
    hidden_comment.refresh_from_db()
    assert hidden_comment.is_hidden
    assert Appeal.objects.get().outcome == "upheld"
    assert not ModerationAction.objects.filter(action="unhide").exists()
    twice = api_client(staff).post(
        f"/moderation/appeals/{created['id']}/decision", {"reverse": True, "note": "Changed"}
    )
    assert twice.status_code == 409
    hidden_comment.refresh_from_db()
    assert hidden_comment.is_hidden


def test_the_author_appeals_a_hidden_comment_on_the_page_and_reads_the_answer(
    hidden_comment, customer, staff, client_for
):
    client = client_for(customer)
    response = client.post(
        "/transparency/appeal/",
        {"object_type": "comment", "object_id": hidden_comment.pk, "message": "Was a quote"},
    )
    assert response.status_code == 302
    assert "You appealed on" in text_of(client.get(f"/posts/{hidden_comment.post_id}/"))
    moderation.decide_appeal(
        actor=staff, appeal_id=Appeal.objects.get().pk, reverse=False, note="Still rude"
    )
    page = text_of(client.get(f"/posts/{hidden_comment.post_id}/"))
    assert "Stays hidden" in page and "Still rude" in page


def test_the_author_of_a_hidden_post_reads_the_answer_to_their_appeal(
    secret_post, rule, staff, customer, client_for
):
    hide(staff, rule, "post", secret_post.pk)
    client = client_for(customer)
    client.post(
        "/transparency/appeal/",
        {"object_type": "post", "object_id": secret_post.pk, "message": "Not spam"},
    )
    moderation.decide_appeal(
        actor=staff, appeal_id=Appeal.objects.get().pk, reverse=False, note="It is spam"
    )
    page = text_of(client.get(f"/posts/{secret_post.pk}/"))
    assert "Stays hidden" in page and "It is spam" in page


# --- Locking ----------------------------------------------------------------------------


def test_staff_lock_a_thread_on_the_page(post, staff, other_customer, client_for, api_client):
    response = client_for(staff).post(
        f"/transparency/lock/{post.pk}/", {"locked": "1", "reason": "Heated; cooling off"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_locked and post.lock_reason == "Heated; cooling off"
    reply = api_client(other_customer).post(f"/posts/{post.pk}/comments", {"body": "But..."})
    assert reply.status_code == 409
    assert "Heated; cooling off" in reply.json()["detail"]
    page = client_for(other_customer).post(f"/posts/{post.pk}/comment/", {"body": "But..."})
    assert page.status_code == 400 and "Heated; cooling off" in text_of(page)
    assert not Comment.objects.filter(post=post).exists()
    assert ledger_kinds()[-1] == "moderation.lock"


def test_staff_lock_and_unlock_through_the_api(post, staff, other_customer, api_client):
    client = api_client(staff)
    locked = client.post("/moderation/lock", {"post": post.pk, "reason": "Off the rails"})
    assert locked.status_code == 201 and locked.json()["action"] == "lock"
    twice = client.post("/moderation/lock", {"post": post.pk, "reason": "Again"})
    assert twice.status_code == 409 and twice.json()["detail"]
    unlocked = client.post(
        "/moderation/lock", {"post": post.pk, "locked": False, "reason": "Calm again"}
    )
    assert unlocked.status_code == 201 and unlocked.json()["action"] == "unlock"
    post.refresh_from_db()
    assert not post.is_locked
    reply = api_client(other_customer).post(f"/posts/{post.pk}/comments", {"body": "Thanks"})
    assert reply.status_code == 201
    again = client.post("/moderation/lock", {"post": post.pk, "locked": False, "reason": "x"})
    assert again.status_code == 409


def test_customers_cannot_lock(post, customer, client_for, api_client):
    assert (
        api_client(customer)
        .post("/moderation/lock", {"post": post.pk, "reason": "Mine"})
        .status_code
        == 403
    )
    page = client_for(customer).post(f"/transparency/lock/{post.pk}/", {"reason": "Mine"})
    assert page.status_code == 403
    post.refresh_from_db()
    assert not post.is_locked


# --- Banning ----------------------------------------------------------------------------


def test_a_banned_customer_cannot_post_comment_or_vote(
    post, rule, staff, other_customer, api_client, client_for
):
    response = api_client(staff).post(
        "/moderation/ban",
        {"user": other_customer.pk, "rule": rule.pk, "reason": "Repeated insults"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["rule"] == "Be kind"
    posts_before = Post.objects.count()

    client = api_client(other_customer)
    for attempt in (
        client.post("/posts", {"title": "Let me back in"}),
        client.post(f"/posts/{post.pk}/comments", {"body": "Hello?"}),
        client.post(f"/posts/{post.pk}/vote"),
    ):
        assert attempt.status_code == 403
        assert "banned" in attempt.json()["detail"]

    page = client_for(other_customer)
    for attempt in (
        page.post("/posts/new/", {"kind": "idea", "title": "Let me back in"}),
        page.post(f"/posts/{post.pk}/comment/", {"body": "Hello?"}),
        page.post(f"/posts/{post.pk}/vote/"),
    ):
        assert attempt.status_code == 403
        assert "banned" in text_of(attempt)

    assert Post.objects.count() == posts_before
    assert not Comment.objects.filter(author=other_customer).exists()
    assert not Vote.objects.filter(user=other_customer).exists()


def test_staff_cannot_be_banned(rule, staff, admin, api_client):
    response = api_client(admin).post(
        "/moderation/ban", {"user": staff.pk, "rule": rule.pk, "reason": "Testing"}
    )
    assert response.status_code == 409 and response.json()["detail"]
    staff.refresh_from_db()
    assert staff.banned_at is None


def test_lifting_a_ban_lets_them_write_again(rule, staff, other_customer, api_client):
    moderation.set_ban(
        actor=staff, user_id=other_customer.pk, banned=True, reason="Spam", rule_id=rule.pk
    )
    response = api_client(staff).post(
        "/moderation/ban", {"user": other_customer.pk, "banned": False, "reason": "Served time"}
    )
    assert response.status_code == 201 and response.json()["action"] == "unban"
    assert api_client(other_customer).post("/posts", {"title": "I am back"}).status_code == 201
    again = api_client(staff).post(
        "/moderation/ban", {"user": other_customer.pk, "banned": False, "reason": "Twice"}
    )
    assert again.status_code == 409


def test_staff_ban_on_the_profile_page(rule, staff, other_customer, client_for):
    response = client_for(staff).post(
        f"/transparency/ban/{other_customer.pk}/",
        {"banned": "1", "rule": rule.pk, "reason": "Spam"},
    )
    assert response.status_code == 302
    other_customer.refresh_from_db()
    assert other_customer.banned_at is not None
    profile = text_of(client_for(None).get(f"/people/{other_customer.pk}/"))
    assert "banned from writing" in profile


def test_customers_cannot_ban(rule, customer, other_customer, api_client, client_for):
    payload = {"user": other_customer.pk, "rule": rule.pk, "reason": "I dislike them"}
    assert api_client(customer).post("/moderation/ban", payload).status_code == 403
    page = client_for(customer).post(
        f"/transparency/ban/{other_customer.pk}/", {"rule": rule.pk, "reason": "x"}
    )
    assert page.status_code == 403
    other_customer.refresh_from_db()
    assert other_customer.banned_at is None


# --- The public moderation log ----------------------------------------------------------


def do_every_action(*, staff, rule, post, comment, person) -> None:
    duplicate = make_post(person, title="Dark mode please")
    hide(staff, rule, "comment", comment.pk, reason="Reason for hide")
    moderation.unhide_content(
        actor=staff, object_type="comment", object_id=comment.pk, reason="Reason for unhide"
    )
    moderation.set_lock(actor=staff, post_id=post.pk, locked=True, reason="Reason for lock")
    moderation.set_lock(actor=staff, post_id=post.pk, locked=False, reason="Reason for unlock")
    moderation.set_ban(
        actor=staff, user_id=person.pk, banned=True, reason="Reason for ban", rule_id=rule.pk
    )
    moderation.set_ban(actor=staff, user_id=person.pk, banned=False, reason="Reason for unban")
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=post.pk)


ALL_ACTIONS = ["hide", "unhide", "lock", "unlock", "ban", "unban", "merge"]


@pytest.mark.parametrize("shows_names", [False, True])
def test_every_moderation_action_is_logged_publicly_and_on_the_ledger(
    settings, post, comment, rule, staff, other_customer, api_client, client_for, shows_names
):
    settings.MODLOG_SHOWS_NAMES = shows_names
    do_every_action(staff=staff, rule=rule, post=post, comment=comment, person=other_customer)

    response = api_client(None).get("/moderation")
    assert response.status_code == 200
    items = response.json()["items"]
    assert sorted(i["action"] for i in items) == sorted(ALL_ACTIONS)
    for item in items:
        assert item["actor_role"] == "staff"
        assert item["reason"]
        if item["action"] != "merge":
            assert item["reason"] == f"Reason for {item['action']}"
        assert item["rule"] == ("Be kind" if item["action"] in ("hide", "ban") else "")
    merge = next(i for i in items if i["action"] == "merge")
    assert merge["object_type"] == "post" and merge["reason"].startswith(f"Duplicate of #{post.pk}")

    moderation_entries = LedgerEntry.objects.filter(kind__startswith="moderation.")
    assert sorted(e.kind for e in moderation_entries) == sorted(
        f"moderation.{a}" for a in ALL_ACTIONS
    )
    bodies = [json.loads(e.body) for e in moderation_entries]
    assert all(b["actor_role"] == "staff" for b in bodies)

    page = text_of(client_for(None).get("/transparency/moderation/"))
    feed = client_for(None).get("/transparency/moderation/feed.atom").content.decode()
    public = [response.content.decode(), page, feed, *(e.body for e in moderation_entries)]
    assert not any(staff.email in text for text in public)
    if shows_names:
        assert all(item["actor"] == "Sam Staff" for item in items)
        assert all(b["actor"] == "Sam Staff" for b in bodies)
        assert "Sam Staff" in page
    else:
        assert not any("Sam Staff" in text for text in public)
        assert all("actor" not in b for b in bodies)


def test_merges_appear_in_the_moderation_log(customer, staff, api_client):
    original, duplicate = make_post(customer, title="Original"), make_post(customer, title="Dupe")
    api_client(staff).post(f"/posts/{duplicate.pk}/merge", {"into": original.pk})
    [item] = api_client(None).get("/moderation?action=merge").json()["items"]
    assert item["object_id"] == duplicate.pk
    assert item["object_url"] == f"/posts/{duplicate.pk}/"
    assert f"#{original.pk}" in item["reason"]
    entry = LedgerEntry.objects.get(kind="moderation.merge")
    assert json.loads(entry.body)["into"]["id"] == str(original.pk)


# --- Community rules --------------------------------------------------------------------


def test_staff_create_change_and_retire_a_rule_on_the_page(staff, client_for):
    client = client_for(staff)
    client.post("/transparency/rules/save/", {"title": "No spam", "description": "Ads go."})
    rule = Rule.objects.get(title="No spam")
    client.post(
        "/transparency/rules/save/",
        {
            "rule_id": rule.pk,
            "title": "No spam or ads",
            "description": "Ads go.",
            "is_active": "on",
        },
    )
    rule.refresh_from_db()
    assert rule.title == "No spam or ads" and rule.is_active
    client.post(
        "/transparency/rules/save/",
        {"rule_id": rule.pk, "title": "No spam or ads", "description": "Ads go."},
    )
    rule.refresh_from_db()
    assert not rule.is_active
    assert ledger_kinds() == ["rule.created", "rule.changed", "rule.retired"]
    entries = LedgerEntry.objects.order_by("seq")
    assert [json.loads(e.body)["title"] for e in entries] == ["No spam", *["No spam or ads"] * 2]
    assert "No spam or ads" not in text_of(client_for(None).get("/transparency/rules/"))


def test_staff_create_change_and_retire_a_rule_through_the_api(staff, api_client):
    client = api_client(staff)
    created = client.post("/rules", {"title": "No spam", "description": "Ads go."})
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    changed = client.patch(f"/rules/{rule_id}", {"title": "No spam", "description": "No ads."})
    assert changed.status_code == 200 and changed.json()["description"] == "No ads."
    retired = client.patch(f"/rules/{rule_id}", {"title": "No spam", "is_active": False})
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert ledger_kinds() == ["rule.created", "rule.changed", "rule.retired"]
    assert api_client(None).get("/rules").json() == []


def test_customers_cannot_change_the_rules(rule, customer, client_for, api_client):
    assert api_client(customer).post("/rules", {"title": "My rule"}).status_code == 403
    assert api_client(customer).patch(f"/rules/{rule.pk}", {"title": "Mine"}).status_code == 403
    page = client_for(customer).post("/transparency/rules/save/", {"title": "My rule"})
    assert page.status_code == 403
    assert list(Rule.objects.values_list("title", flat=True)) == ["Be kind"]
    assert ledger_kinds() == ["rule.created"]


def test_rule_titles_are_unique(rule, staff, api_client, client_for):
    duplicate = api_client(staff).post("/rules", {"title": "be KIND"})
    assert duplicate.status_code == 409 and duplicate.json()["detail"]
    other = rules.create_rule(actor=staff, title="No spam")
    renamed = api_client(staff).patch(f"/rules/{other.pk}", {"title": "Be kind"})
    assert renamed.status_code == 409
    page = client_for(staff).post("/transparency/rules/save/", {"title": "Be kind"}, follow=True)
    assert "already a rule" in text_of(page)
    assert Rule.objects.count() == 2


def test_retired_rules_cannot_be_used_to_hide(comment, rule, staff, api_client):
    rules.update_rule(
        actor=staff, rule_id=rule.pk, title=rule.title, description="", is_active=False
    )
    response = api_client(staff).post(
        "/moderation/hide", {"object": f"comment:{comment.pk}", "rule": rule.pk, "reason": "x"}
    )
    assert response.status_code == 422 and "retired" in response.json()["detail"]
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_the_log_keeps_the_rule_title_as_it_was_when_the_action_happened(
    comment, rule, staff, api_client, client_for
):
    hide(staff, rule, "comment", comment.pk, reason="Rude")
    rules.update_rule(actor=staff, rule_id=rule.pk, title="Be civil", description="")
    [item] = api_client(None).get("/moderation").json()["items"]
    assert item["rule"] == "Be kind"
    [listed] = api_client(None).get(f"/posts/{comment.post_id}/comments").json()["items"]
    assert listed["tombstone"]["rule"] == "Be kind"
    assert "Be kind" in text_of(client_for(None).get("/transparency/moderation/"))


# --- Bad input on every write -----------------------------------------------------------

HUGE = 99999999999999999999
HIDE = ("staff", "post", "/moderation/hide")
UNHIDE = ("staff", "post", "/moderation/unhide")
LOCK = ("staff", "post", "/moderation/lock")
BAN = ("staff", "post", "/moderation/ban")
APPEAL = ("customer", "post", "/moderation/appeals")
DECIDE = ("staff", "post", "/moderation/appeals/{appeal}/decision")
NEW_RULE = ("staff", "post", "/rules")
CHANGE_RULE = ("staff", "patch", "/rules/{rule}")
CASES = {
    # name: (who, method, path, body); {post}, {comment}, {hidden} (appealed), {fresh}
    # (hidden, not appealed), {rule}, {retired}, {customer}, {staff} and {appeal} are
    # filled in with real ids.
    "hide: empty body": (*HIDE, {}),
    "hide: no reason": (*HIDE, {"object": "comment:{comment}", "rule": "{rule}"}),
    "hide: no rule": (*HIDE, {"object": "comment:{comment}", "reason": "x"}),
    "hide: no id": (*HIDE, {"object": "comment", "rule": "{rule}", "reason": "x"}),
    "hide: id not a number": (*HIDE, {"object": "comment:abc", "rule": "{rule}", "reason": "x"}),
    "hide: unknown type": (*HIDE, {"object": "user:{customer}", "rule": "{rule}", "reason": "x"}),
    "hide: huge id": (*HIDE, {"object": f"comment:{HUGE}", "rule": "{rule}", "reason": "x"}),
    "hide: largest id": (
        *HIDE,
        {"object": f"comment:{2**63 - 1}", "rule": "{rule}", "reason": "x"},
    ),
    "hide: object not a string": (*HIDE, {"object": 5, "rule": "{rule}", "reason": "x"}),
    "hide: rule not a number": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "abc", "reason": "x"},
    ),
    "hide: huge rule": (*HIDE, {"object": "comment:{comment}", "rule": HUGE, "reason": "x"}),
    "hide: unknown rule": (*HIDE, {"object": "comment:{comment}", "rule": 987654, "reason": "x"}),
    "hide: retired rule": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "{retired}", "reason": "x"},
    ),
    "hide: empty reason": (*HIDE, {"object": "comment:{comment}", "rule": "{rule}", "reason": ""}),
    "hide: blank reason": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "{rule}", "reason": "  \n "},
    ),
    "hide: null reason": (*HIDE, {"object": "comment:{comment}", "rule": "{rule}", "reason": None}),
    "hide: list reason": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "{rule}", "reason": ["x"]},
    ),
    "hide: NUL in reason": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "{rule}", "reason": "a\x00b"},
    ),
    "hide: long reason": (
        *HIDE,
        {"object": "comment:{comment}", "rule": "{rule}", "reason": "x" * 2_001},
    ),
    "hide: bare string": (*HIDE, '"hide it"'),
    "hide: list body": (*HIDE, "[]"),
    "hide: not JSON": (*HIDE, "{object: comment"),
    "hide: already hidden": (
        *HIDE,
        {"object": "comment:{hidden}", "rule": "{rule}", "reason": "x"},
    ),
    "unhide: empty body": (*UNHIDE, {}),
    "unhide: not hidden": (*UNHIDE, {"object": "comment:{comment}", "reason": "x"}),
    "unhide: empty reason": (*UNHIDE, {"object": "comment:{hidden}", "reason": ""}),
    "unhide: huge id": (*UNHIDE, {"object": f"post:{HUGE}", "reason": "x"}),
    "unhide: bare string": (*UNHIDE, '"comment:1"'),
    "lock: empty body": (*LOCK, {}),
    "lock: post not a number": (*LOCK, {"post": "abc", "reason": "x"}),
    "lock: huge post": (*LOCK, {"post": HUGE, "reason": "x"}),
    "lock: zero post": (*LOCK, {"post": 0, "reason": "x"}),
    "lock: unknown post": (*LOCK, {"post": 987654, "reason": "x"}),
    "lock: empty reason": (*LOCK, {"post": "{post}", "reason": ""}),
    "lock: NUL in reason": (*LOCK, {"post": "{post}", "reason": "\x00"}),
    "lock: locked not a bool": (*LOCK, {"post": "{post}", "locked": "maybe", "reason": "x"}),
    "lock: bare string": (*LOCK, '"lock"'),
    "ban: empty body": (*BAN, {}),
    "ban: no rule": (*BAN, {"user": "{customer}", "reason": "x"}),
    "ban: unknown rule": (*BAN, {"user": "{customer}", "rule": 987654, "reason": "x"}),
    "ban: huge rule": (*BAN, {"user": "{customer}", "rule": HUGE, "reason": "x"}),
    "ban: huge user": (*BAN, {"user": HUGE, "rule": "{rule}", "reason": "x"}),
    "ban: unknown user": (*BAN, {"user": 987654, "rule": "{rule}", "reason": "x"}),
    "ban: user not a number": (*BAN, {"user": "me", "rule": "{rule}", "reason": "x"}),
    "ban: empty reason": (*BAN, {"user": "{customer}", "rule": "{rule}", "reason": ""}),
    "ban: NUL in reason": (*BAN, {"user": "{customer}", "rule": "{rule}", "reason": "x\x00"}),
    "ban: staff": (*BAN, {"user": "{staff}", "rule": "{rule}", "reason": "x"}),
    "ban: bare string": (*BAN, '"ban"'),
    "appeal: empty body": (*APPEAL, {}),
    "appeal: empty message": (*APPEAL, {"object": "comment:{fresh}", "message": " "}),
    "appeal: NUL in message": (*APPEAL, {"object": "comment:{fresh}", "message": "\x00"}),
    "appeal: long message": (*APPEAL, {"object": "comment:{fresh}", "message": "x" * 2_001}),
    "appeal: twice": (*APPEAL, {"object": "comment:{hidden}", "message": "Again"}),
    "appeal: not hidden": (*APPEAL, {"object": "comment:{comment}", "message": "x"}),
    "appeal: by staff": (
        "staff",
        "post",
        "/moderation/appeals",
        {"object": "comment:{fresh}", "message": "x"},
    ),
    "appeal: huge id": (*APPEAL, {"object": f"comment:{HUGE}", "message": "x"}),
    "appeal: unknown id": (*APPEAL, {"object": "comment:987654", "message": "x"}),
    "appeal: bare string": (*APPEAL, '"please"'),
    "decide: empty body": (*DECIDE, {}),
    "decide: empty note": (*DECIDE, {"reverse": True, "note": ""}),
    "decide: NUL in note": (*DECIDE, {"reverse": True, "note": "\x00"}),
    "decide: reverse not a bool": (*DECIDE, {"reverse": "perhaps", "note": "x"}),
    "decide: huge appeal": (
        "staff",
        "post",
        f"/moderation/appeals/{HUGE}/decision",
        {"reverse": True, "note": "x"},
    ),
    "decide: unknown appeal": (
        "staff",
        "post",
        "/moderation/appeals/987654/decision",
        {"reverse": True, "note": "x"},
    ),
    "decide: appeal not a number": (
        "staff",
        "post",
        "/moderation/appeals/abc/decision",
        {"reverse": True, "note": "x"},
    ),
    "decide: bare string": (*DECIDE, '"yes"'),
    "rule: empty body": (*NEW_RULE, {}),
    "rule: empty title": (*NEW_RULE, {"title": "  "}),
    "rule: title not a string": (*NEW_RULE, {"title": 5}),
    "rule: long title": (*NEW_RULE, {"title": "x" * 81}),
    "rule: NUL in title": (*NEW_RULE, {"title": "No\x00spam"}),
    "rule: NUL in description": (*NEW_RULE, {"title": "No spam", "description": "\x00"}),
    "rule: duplicate": (*NEW_RULE, {"title": "Be Kind"}),
    "rule: bare string": (*NEW_RULE, '"No spam"'),
    "rule: active not a bool": (*CHANGE_RULE, {"title": "x", "is_active": "maybe"}),
    "rule: change huge id": ("staff", "patch", f"/rules/{HUGE}", {"title": "x"}),
    "rule: change unknown id": ("staff", "patch", "/rules/987654", {"title": "x"}),
    "rule: change id not a number": ("staff", "patch", "/rules/abc", {"title": "x"}),
    "rule: change to empty title": (*CHANGE_RULE, {"title": ""}),
    "rule: change to NUL title": (*CHANGE_RULE, {"title": "\x00"}),
    "rule: change bare string": (*CHANGE_RULE, '"x"'),
    "delete: huge post": ("customer", "delete", f"/posts/{HUGE}", None),
    "delete: huge comment": ("customer", "delete", f"/comments/{HUGE}", None),
}


@pytest.fixture
def world(post, comment, rule, customer, staff):
    hidden = services.add_comment(author=customer, post_id=post.pk, body="Hidden words")
    hide(staff, rule, "comment", hidden.pk)
    fresh = services.add_comment(author=customer, post_id=post.pk, body="Also hidden")
    hide(staff, rule, "comment", fresh.pk)
    retired = rules.create_rule(actor=staff, title="Old rule")
    rules.update_rule(
        actor=staff, rule_id=retired.pk, title="Old rule", description="", is_active=False
    )
    pending = moderation.appeal_hiding(
        author=customer, object_type="comment", object_id=hidden.pk, message="Please"
    )
    return SimpleNamespace(
        ids={
            "post": post.pk,
            "comment": comment.pk,
            "hidden": hidden.pk,
            "fresh": fresh.pk,
            "rule": rule.pk,
            "retired": retired.pk,
            "customer": customer.pk,
            "staff": staff.pk,
            "appeal": pending.pk,
        },
        people={"customer": customer, "staff": staff},
    )


def fill(value, ids: dict):
    """Put real ids into a case: "{rule}" alone becomes the number, inside text the digits."""
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and re.fullmatch(r"\{\w+\}", value):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), value)
    return value


def stored_state() -> dict:
    return {
        "actions": set(ModerationAction.objects.values_list("id", flat=True)),
        "ledger": set(LedgerEntry.objects.values_list("seq", flat=True)),
        "appeals": set(Appeal.objects.values_list("id", "outcome", "message")),
        "rules": set(Rule.objects.values_list("id", "title", "description", "is_active")),
        "posts": set(
            Post.objects.values_list("id", "title", "hidden_by", "locked_at", "deleted_at")
        ),
        "comments": set(Comment.objects.values_list("id", "body", "hidden_by", "deleted_at")),
        "bans": set(User.objects.values_list("id", "banned_at")),
    }


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_on_moderation_writes_is_refused_and_changes_nothing(world, api_client, case):
    who, method, path, body = CASES[case]
    ids = world.ids
    client = api_client(world.people[who])
    before = stored_state()
    path = fill(path, ids)
    if isinstance(body, dict):
        body = json.dumps(fill(body, ids))
    response = client.delete(path) if method == "delete" else getattr(client, method)(path, body)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert stored_state() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/transparency/hide/", {"object_type": "comment", "object_id": HUGE, "rule": "{rule}"}),
        ("/transparency/hide/", {"object_type": "comment", "object_id": "abc", "rule": "{rule}"}),
        ("/transparency/unhide/", {"object_type": "post", "object_id": HUGE}),
        (f"/transparency/lock/{HUGE}/", {"locked": "1"}),
        ("/transparency/lock/987654/", {"locked": "1"}),
        (f"/transparency/ban/{HUGE}/", {"banned": "1", "rule": "{rule}"}),
        (f"/transparency/appeals/{HUGE}/decide/", {"reverse": "1"}),
        ("/transparency/delete/", {"object_type": "post", "object_id": HUGE}),
        ("/transparency/appeal/", {"object_type": "comment", "object_id": HUGE}),
        ("/transparency/rules/save/", {"rule_id": HUGE, "title": "Sneaky new rule"}),
        ("/transparency/rules/save/", {"rule_id": "abc", "title": "Sneaky new rule"}),
    ],
)
def test_moderation_forms_with_ids_that_cannot_exist_are_a_404(world, client_for, path, data):
    ids = world.ids
    before = stored_state()
    response = client_for(world.people["staff"]).post(path, {"reason": "x", **fill(data, ids)})
    assert response.status_code == 404
    assert stored_state() == before


@pytest.mark.parametrize(
    "data",
    [
        {"object_type": "user", "object_id": "{customer}", "rule": "{rule}", "reason": "x"},
        {"object_type": "comment", "object_id": "{comment}", "rule": "{retired}", "reason": "x"},
        {"object_type": "comment", "object_id": "{comment}", "rule": "{rule}", "reason": "\x00"},
        {"object_type": "comment", "object_id": "{hidden}", "rule": "{rule}", "reason": "x"},
    ],
)
def test_the_hide_form_explains_what_is_wrong_and_changes_nothing(world, client_for, data):
    ids = world.ids
    before = stored_state()
    response = client_for(world.people["staff"]).post(
        "/transparency/hide/", fill(data, ids), follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert stored_state() == before
