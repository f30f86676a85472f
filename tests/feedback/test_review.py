"""Holding new accounts' first posts for review (FRANKLY_HOLD_FIRST_POSTS), over HTTP:
a held post exists only for its author and staff until staff approve it, and
approving sets off exactly once what posting sets off."""

import pytest

from frankly.feedback.models import Post
from frankly.notify.models import Kind, Notification, WebhookDelivery
from frankly.notify.webhook_admin import register_endpoint
from frankly.transparency import rules
from frankly.transparency.models import LedgerEntry, ModerationAction
from tests.conftest import make_post
from tests.notify.receiver import TIMEOUT, Receiver

TITLE = "Quarterly invoices in PDF"


@pytest.fixture(autouse=True)
def _hold_two_posts(settings):
    settings.HOLD_FIRST_POSTS = 2
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def receiver(settings, staff):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        register_endpoint(actor=staff, url=receiver.url, events=["post.created"], description="")
        yield receiver


def post_on_page(client, title=TITLE, body="Our accountant asks every quarter.") -> Post:
    response = client.post("/posts/new/", {"kind": "idea", "title": title, "body": body})
    assert response.status_code == 302, response.content.decode()[:500]
    return Post.objects.get(title=title)


def test_a_new_customers_post_is_held_and_shown_only_to_its_author_and_staff(
    client_for, customer, other_customer, staff, receiver, django_capture_on_commit_callbacks
):
    ledger_before = LedgerEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        held = post_on_page(client_for(customer))
    assert held.is_held

    page = client_for(customer).get(held.get_absolute_url()).content.decode()
    assert TITLE in page and "Your post is waiting for review" in page
    assert "waiting for review" in client_for(staff).get(held.get_absolute_url()).content.decode()
    for outsider in (client_for(None), client_for(other_customer)):
        assert outsider.get(held.get_absolute_url()).status_code == 404
        assert outsider.get(f"/posts/{held.pk}/feed.atom").status_code == 404
        history = outsider.get(f"/transparency/history/post/{held.pk}/")
        assert TITLE not in history.content.decode()
        for url in ("/", "/?sort=new", "/search/?q=invoices", "/feeds/posts.atom"):
            assert TITLE not in outsider.get(url).content.decode(), url
    # Not even its author sees it among the published posts, and nothing was announced.
    assert TITLE not in client_for(customer).get("/?sort=new").content.decode()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
    assert LedgerEntry.objects.count() == ledger_before


def test_the_api_holds_too_and_tells_the_author(
    api_client, customer, other_customer, staff, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(customer).post("/posts", {"title": TITLE, "body": "Please."})
    assert response.status_code == 201
    created = response.json()
    assert created["is_waiting_for_review"] is True
    assert created["title"] == TITLE
    post_id = created["id"]
    assert api_client(customer).get(f"/posts/{post_id}").json()["is_waiting_for_review"]
    assert api_client(staff).get(f"/posts/{post_id}").status_code == 200
    for outsider in (api_client(None), api_client(other_customer)):
        missing = outsider.get(f"/posts/{post_id}")
        assert missing.status_code == 404 and "detail" in missing.json()
        assert outsider.get(f"/posts/{post_id}/comments").status_code == 404
        listed = outsider.get("/posts?sort=new").json()["items"]
        assert post_id not in [p["id"] for p in listed]
        assert outsider.get("/posts?q=invoices").json()["items"] == []
        refused = outsider.post(f"/posts/{post_id}/vote")
        assert refused.status_code in (401, 404, 409)
    # Votes and comments wait, for the author too.
    vote = api_client(other_customer).post(f"/posts/{post_id}/vote")
    assert vote.status_code == 409 and "waiting for review" in vote.json()["detail"]
    assert Post.objects.get(pk=post_id).vote_count == 0
    assert receiver.requests == []


def test_similar_post_suggestions_leave_held_posts_out(client_for, customer, staff):
    make_post(staff, title="Invoices as PDF files")
    held = post_on_page(client_for(customer), title="Invoices as PDF downloads")
    from frankly.insights.similarity import similar_posts

    titles = [s.post.title for s in similar_posts("Invoices as PDF")]
    assert "Invoices as PDF files" in titles
    assert held.title not in titles


def test_approval_publishes_and_announces_exactly_once(
    client_for, customer, other_customer, staff, receiver, django_capture_on_commit_callbacks
):
    held = post_on_page(client_for(customer))
    queue = client_for(staff).get("/review/")
    assert queue.status_code == 200 and TITLE in queue.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(staff).post(f"/posts/{held.pk}/approve/")
    assert approved.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(staff).post(f"/posts/{held.pk}/approve/", follow=True)
    assert "not waiting for review" in again.content.decode()

    assert [r.json["data"]["post"]["id"] for r in receiver.requests] == [held.pk]
    assert TITLE in client_for(None).get("/?sort=new").content.decode()
    assert TITLE not in client_for(staff).get("/review/").content.decode()
    assert not Post.objects.get(pk=held.pk).is_held
    # Its author follows it as any author does: a status change reaches their inbox.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(f"/posts/{held.pk}/status/", {"status": "planned", "note": ""})
    assert Notification.objects.filter(user=customer, kind=Kind.STATUS).count() == 1


def test_posts_are_held_until_enough_are_approved_and_staff_are_never_held(
    client_for, customer, staff
):
    first = post_on_page(client_for(customer), title="First idea")
    second = post_on_page(client_for(customer), title="Second idea")
    assert first.is_held and second.is_held
    client_for(staff).post(f"/posts/{first.pk}/approve/")
    assert post_on_page(client_for(customer), title="Third idea").is_held
    client_for(staff).post(f"/posts/{second.pk}/approve/")
    assert not post_on_page(client_for(customer), title="Fourth idea").is_held
    assert not post_on_page(client_for(staff), title="Staff idea").is_held


def test_rejection_leaves_a_tombstone_with_the_reason_on_the_moderation_log(
    client_for, customer, other_customer, staff, receiver, django_capture_on_commit_callbacks
):
    rule = rules.create_rule(actor=staff, title="No advertising", description="")
    held = post_on_page(client_for(customer), title="Cheap watches here")
    missing = client_for(staff).post(f"/posts/{held.pk}/reject/", {"rule": rule.pk, "reason": ""})
    assert missing.status_code == 302
    assert Post.objects.get(pk=held.pk).is_held  # no reason: nothing changed

    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(
            f"/posts/{held.pk}/reject/", {"rule": rule.pk, "reason": "Selling watches."}
        )
    held.refresh_from_db()
    assert held.is_hidden and not held.is_held
    action = ModerationAction.objects.get(object_type="post", object_id=held.pk)
    assert (action.rule_title, action.reason) == ("No advertising", "Selling watches.")
    tombstone = client_for(other_customer).get(held.get_absolute_url()).content.decode()
    assert "Selling watches." in tombstone and "Cheap watches here" not in tombstone
    assert "Selling watches." in client_for(None).get("/transparency/moderation/").content.decode()
    assert receiver.requests == []
    assert TITLE not in client_for(None).get("/").content.decode()


def test_only_staff_review(client_for, customer, other_customer):
    held = post_on_page(client_for(customer))
    assert client_for(customer).get("/review/").status_code == 403
    assert client_for(None).get("/review/").status_code == 302
    assert client_for(customer).post(f"/posts/{held.pk}/approve/").status_code == 403
    assert client_for(other_customer).post(f"/posts/{held.pk}/reject/").status_code == 403
    assert Post.objects.get(pk=held.pk).is_held


def test_nothing_is_held_when_the_setting_is_off(client_for, customer, settings):
    settings.HOLD_FIRST_POSTS = 0
    post = post_on_page(client_for(customer))
    assert not post.is_held
    assert TITLE in client_for(None).get("/?sort=new").content.decode()
