"""Closing the loop: publishing an entry marks the posts it delivers done and tells
everyone who voted for or follows them, once, in the background."""

import pytest

from frankly.feedback import services as feedback
from frankly.feedback.models import Status, StatusChange
from frankly.notify.models import Kind, Notification
from frankly.roadmap import services, tasks
from tests.conftest import make_post, make_user
from tests.roadmap.conftest import make_entry, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(customer, other_customer, staff, post):
    """Who asked for ``post`` (by customer, who follows it) and who did not."""
    follower = make_user(name="Fiona Follower")
    feedback.follow_post(user=follower, post_id=post.pk)
    voter = make_user(name="Victor Voter")
    feedback.add_vote(user=voter, post_id=post.pk)
    feedback.unfollow_post(user=voter, post_id=post.pk)  # a vote alone is enough
    feedback.add_vote(user=other_customer, post_id=post.pk)
    feedback.add_vote(user=staff, post_id=post.pk)  # the publisher knows already
    bystander = make_user(name="Bea Bystander")
    feedback.add_vote(user=bystander, post_id=make_post(bystander).pk)
    return {
        "asked": {customer, other_customer, follower, voter},
        "staff": staff,
        "bystander": bystander,
    }


def shipped() -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=Kind.SHIPPED).values_list("user_id", "key"))


def publish(staff, entry, capture):
    with capture(execute=True):
        services.publish_entry(actor=staff, entry_id=entry.pk)


def test_publishing_marks_the_posts_done_on_the_record(staff, draft, post):
    services.publish_entry(actor=staff, entry_id=draft.pk)

    assert reload(post).status == Status.DONE
    change = StatusChange.objects.get(post=post)
    assert change.to_status == Status.DONE
    assert change.actor == staff
    assert change.note == "Shipped: Dark mode is here"


def test_voters_and_followers_hear_it_shipped(
    staff, draft, post, people, django_capture_on_commit_callbacks
):
    publish(staff, draft, django_capture_on_commit_callbacks)

    key = f"shipped:{draft.pk}:{post.pk}"
    assert shipped() == sorted((u.pk, key) for u in people["asked"])
    notification = Notification.objects.filter(kind=Kind.SHIPPED).first()
    assert notification.title == "You asked for “Dark mode for the dashboard”; it shipped"
    assert notification.url == reload(draft).get_absolute_url()
    assert not Notification.objects.filter(user=people["bystander"]).exists()
    assert not Notification.objects.filter(user=staff, kind=Kind.SHIPPED).exists()
    # One event, one notification: the "now done" status notice is not sent as well.
    assert not Notification.objects.filter(kind=Kind.STATUS).exists()


def test_nobody_hears_it_twice_after_edits_and_publishing_again(
    staff, draft, post, people, django_capture_on_commit_callbacks
):
    publish(staff, draft, django_capture_on_commit_callbacks)
    first = shipped()

    with django_capture_on_commit_callbacks(execute=True):
        services.edit_entry(actor=staff, entry_id=draft.pk, title="Dark mode, finally")
        services.edit_entry(actor=staff, entry_id=draft.pk, body="Better", post_ids=[post.pk])
    publish(staff, draft, django_capture_on_commit_callbacks)
    tasks.close_loop_on_ship.call(draft.pk, [post.pk])  # a worker's retry

    assert shipped() == first
    assert len(first) == len(people["asked"])
    assert StatusChange.objects.filter(post=post, to_status=Status.DONE).count() == 1


def test_the_fan_out_waits_for_the_commit(staff, draft, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.publish_entry(actor=staff, entry_id=draft.pk)

    assert callbacks  # the task is queued for after the commit...
    assert not Notification.objects.filter(kind=Kind.SHIPPED).exists()  # ...not run inline


def test_a_post_already_done_keeps_its_status_but_its_voters_hear(
    staff, customer, other_customer, django_capture_on_commit_callbacks
):
    post = make_post(customer)
    feedback.add_vote(user=other_customer, post_id=post.pk)
    feedback.change_status(actor=staff, post_id=post.pk, status="done", note="Released")
    entry = make_entry(staff, posts=[post])

    publish(staff, entry, django_capture_on_commit_callbacks)

    assert StatusChange.objects.filter(post=post).count() == 1
    assert {u for u, _ in shipped()} == {customer.pk, other_customer.pk}


def test_a_post_linked_after_publishing_ships_then(
    staff, customer, other_customer, draft, post, django_capture_on_commit_callbacks
):
    publish(staff, draft, django_capture_on_commit_callbacks)
    later = make_post(other_customer, title="Dark mode for emails")

    with django_capture_on_commit_callbacks(execute=True):
        services.edit_entry(actor=staff, entry_id=draft.pk, post_ids=[post.pk, later.pk])

    assert reload(later).status == Status.DONE
    assert shipped() == sorted(
        [
            (customer.pk, f"shipped:{draft.pk}:{post.pk}"),
            (other_customer.pk, f"shipped:{draft.pk}:{later.pk}"),
        ]
    )


def test_publishing_at_creation_closes_the_loop_too(
    staff, customer, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = make_entry(staff, posts=[post], publish=True)

    assert reload(post).status == Status.DONE
    assert shipped() == [(customer.pk, f"shipped:{entry.pk}:{post.pk}")]


def test_a_hidden_post_is_neither_moved_nor_announced(
    staff, customer, draft, post, django_capture_on_commit_callbacks
):
    from frankly.transparency import moderation, rules

    rule = rules.create_rule(actor=staff, title="No spam")
    moderation.hide_content(
        actor=staff, object_type="post", object_id=post.pk, rule_id=rule.pk, reason="Spam"
    )

    publish(staff, draft, django_capture_on_commit_callbacks)

    assert reload(post).status == Status.OPEN
    assert shipped() == []


def test_publishing_sends_the_webhook_event(
    staff, draft, post, monkeypatch, django_capture_on_commit_callbacks
):
    from frankly.notify import webhooks

    sent = []
    monkeypatch.setattr(
        webhooks, "dispatch", lambda event, payload, **_: sent.append((event, payload))
    )

    publish(staff, draft, django_capture_on_commit_callbacks)
    publish(staff, draft, django_capture_on_commit_callbacks)  # again: no second event

    published = [payload for event, payload in sent if event == "changelog.published"]
    assert len(published) == 1
    entry = published[0]["entry"]
    assert entry["id"] == draft.pk
    assert entry["url"] == reload(draft).get_absolute_url()
    assert entry["posts"] == [{"id": post.pk, "title": post.title, "url": post.get_absolute_url()}]
