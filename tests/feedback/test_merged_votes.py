"""Merging respects voters: each voter of the duplicate is told where their vote went
and can take it back with one click, from the email (no login) or from the page; a
voter on both posts counts once; the merge and each withdrawal are on the public
moderation log (and so on the ledger)."""

import re

import pytest
from django.test import Client

from frankly.feedback import services
from frankly.feedback.models import Post, Vote
from frankly.notify import services as notify
from frankly.notify.models import Kind, Notification
from frankly.transparency.models import Action, LedgerEntry, ModerationAction
from tests.conftest import make_post, make_user

pytestmark = pytest.mark.django_db

WITHDRAW_LINK = re.compile(r"(https?://\S+/merged-votes/([^/\s]+)/withdraw/)")


@pytest.fixture
def posts(customer):
    return make_post(customer, title="Dark mode"), make_post(customer, title="Night theme")


@pytest.fixture
def voters(posts):
    original, duplicate = posts
    only_dup, both = make_user(name="Dana Dup"), make_user(name="Bea Both")
    for person in (only_dup, both):
        services.add_vote(user=person, post_id=duplicate.pk)
    services.add_vote(user=both, post_id=original.pk)
    return only_dup, both


def merge(staff, posts, capture):
    original, duplicate = posts
    with capture(execute=True):
        services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)


def test_a_voter_on_both_posts_is_counted_once(
    staff, posts, voters, django_capture_on_commit_callbacks
):
    original, _ = posts
    only_dup, both = voters
    merge(staff, posts, django_capture_on_commit_callbacks)
    original.refresh_from_db()
    assert original.vote_count == 2
    assert set(Vote.objects.filter(post=original).values_list("user_id", flat=True)) == {
        only_dup.pk,
        both.pk,
    }


def test_each_voter_of_the_duplicate_is_told_where_their_vote_went(
    staff, posts, voters, django_capture_on_commit_callbacks
):
    original, _ = posts
    only_dup, both = voters
    merge(staff, posts, django_capture_on_commit_callbacks)
    told = Notification.objects.get(user=only_dup, kind=Kind.MERGE)
    assert told.title == "“Night theme” was merged into “Dark mode”"
    assert told.url == original.get_absolute_url()
    assert WITHDRAW_LINK.search(told.body)
    counted_once = Notification.objects.get(user=both, kind=Kind.MERGE)
    assert "counts once" in counted_once.body
    assert not WITHDRAW_LINK.search(counted_once.body)
    assert ModerationAction.objects.filter(action=Action.MERGE).count() == 1


def test_the_email_link_withdraws_the_vote_without_login_and_logs_it(
    staff, posts, voters, smtp_server, django_capture_on_commit_callbacks
):
    original, duplicate = posts
    only_dup, _ = voters
    notify.set_email_preferences(user=only_dup, choices={Kind.MERGE: "instant"})
    merge(staff, posts, django_capture_on_commit_callbacks)
    [mail] = [m for m in smtp_server.messages if m["To"] == only_dup.email]
    url, _ = WITHDRAW_LINK.search(mail.get_content()).groups()
    path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(f"/{path}")
    assert page.status_code == 200
    assert "Withdraw my vote" in page.content.decode()
    assert Vote.objects.filter(user=only_dup, post=original).exists()  # GET changes nothing
    head_before = LedgerEntry.objects.count()

    done = anonymous.post(f"/{path}")

    assert done.status_code == 200
    assert not Vote.objects.filter(user=only_dup, post=original).exists()
    assert Post.objects.get(pk=original.pk).vote_count == 1
    withdrawal = ModerationAction.objects.get(action=Action.WITHDRAW)
    assert (withdrawal.object_id, withdrawal.actor_id) == (original.pk, only_dup.pk)
    assert f"#{duplicate.pk}" in withdrawal.reason
    assert LedgerEntry.objects.count() == head_before + 1
    again = anonymous.post(f"/{path}")
    assert again.status_code == 409
    assert ModerationAction.objects.filter(action=Action.WITHDRAW).count() == 1


def test_a_forged_link_is_404_and_changes_nothing(
    staff, posts, voters, django_capture_on_commit_callbacks
):
    original, _ = posts
    only_dup, _ = voters
    merge(staff, posts, django_capture_on_commit_callbacks)
    _, token = WITHDRAW_LINK.search(Notification.objects.get(user=only_dup).body).groups()
    response = Client().post(f"/merged-votes/{token[:-2]}xx/withdraw/")
    assert response.status_code == 404
    assert Vote.objects.filter(user=only_dup, post=original).exists()
    assert not ModerationAction.objects.filter(action=Action.WITHDRAW).exists()


def test_the_voter_can_withdraw_from_the_page(
    staff, posts, voters, client_for, django_capture_on_commit_callbacks
):
    original, _ = posts
    only_dup, both = voters
    merge(staff, posts, django_capture_on_commit_callbacks)
    client = client_for(only_dup)
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Your vote came here when staff merged" in page
    assert (
        "Your vote came here"
        not in client_for(both).get(original.get_absolute_url()).content.decode()
    )

    response = client.post(f"/posts/{original.pk}/withdraw-merged-vote/")

    assert response.status_code == 302
    assert not Vote.objects.filter(user=only_dup, post=original).exists()
    assert ModerationAction.objects.filter(action=Action.WITHDRAW, actor=only_dup).exists()
    log = Client().get("/transparency/moderation/").content.decode()
    assert "Vote withdrawn after a merge" in log


def test_a_vote_cast_on_the_original_itself_cannot_be_withdrawn_as_moved(
    staff, posts, voters, client_for, django_capture_on_commit_callbacks
):
    original, _ = posts
    _, both = voters
    merge(staff, posts, django_capture_on_commit_callbacks)
    response = client_for(both).post(f"/posts/{original.pk}/withdraw-merged-vote/", follow=True)
    assert "There is no vote of yours here that a merge moved" in response.content.decode()
    assert Vote.objects.filter(user=both, post=original).exists()
    assert not ModerationAction.objects.filter(action=Action.WITHDRAW).exists()
