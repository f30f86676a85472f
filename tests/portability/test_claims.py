"""Claiming imported posts, comments and votes, over HTTP; and the staff import page."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from frankly.feedback.models import Comment, Post, Vote
from frankly.portability.importers import import_file
from frankly.portability.models import ImportedItem
from tests.conftest import make_user
from tests.portability.test_importers import assert_counters_exact, state

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def imported(db):
    import_file(source="canny", data=(SAMPLES / "canny-export.json").read_bytes(), apply=True)
    return Post.objects.get(title="CSV export")


def person_with(email: str, *, verified: bool = True):
    user = make_user(name="Jane Newcomer")
    user.email = email
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_person_with_a_matching_verified_email_claims_their_posts_and_votes(imported):
    jane = person_with("jane@example.com")
    client = csrf_client(jane)
    settings_page = client.get("/account/settings/").content.decode()
    assert "2 imported items" in settings_page and "/account/imported/" in settings_page
    page = client.get("/account/imported/")
    html = page.content.decode()
    assert "CSV export" in html and "Claim these as mine" in html
    # Nothing happens without the click.
    assert imported.author is None and not Vote.objects.filter(user=jane).exists()

    assert client.post("/account/imported/").status_code == 403  # no CSRF token
    assert Post.objects.get(pk=imported.pk).author is None

    token = client.cookies["csrftoken"].value
    response = client.post("/account/imported/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/account/imported/"
    post = Post.objects.get(pk=imported.pk)
    assert post.author == jane
    assert post.imported_from == "Originally posted by Jane D. on Canny, 2023-04-01"  # history
    vote = Vote.objects.get(user=jane, post=post)
    assert vote.created_at.isoformat() == "2023-04-03T10:00:00+00:00"  # the original date
    assert (post.vote_count, post.imported_vote_count) == (1, 4)  # one moved, none lost
    assert_counters_exact()
    detail = Client().get(post.get_absolute_url()).content.decode()
    assert "Jane Newcomer" in detail and "(Originally posted by Jane D. on Canny" in detail
    assert "jane@example.com" not in detail

    # Claiming again finds nothing left and changes nothing.
    before = state()
    again = client.post("/account/imported/", {"csrfmiddlewaretoken": token}, follow=True)
    assert "nothing left to claim" in again.content.decode()
    assert state() == before


def test_a_claimed_vote_on_a_post_already_voted_counts_once(imported):
    from frankly import feedback

    alice = person_with("alice@example.com")
    feedback.services.add_vote(user=alice, post_id=imported.pk)
    client = csrf_client(alice)
    client.get("/account/imported/")
    client.post("/account/imported/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    post = Post.objects.get(pk=imported.pk)
    assert (post.vote_count, post.imported_vote_count) == (1, 4)
    assert Comment.objects.get(body="Agreed, with a date filter.").author == alice
    assert_counters_exact()


def test_an_unverified_address_sees_and_claims_nothing(imported):
    jane = person_with("jane@example.com", verified=False)
    client = csrf_client(jane)
    assert "imported item" not in client.get("/account/settings/").content.decode()
    assert "Nothing imported matches" in client.get("/account/imported/").content.decode()
    client.post("/account/imported/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert Post.objects.get(pk=imported.pk).author is None
    assert not ImportedItem.objects.filter(claimed_by__isnull=False).exists()


def test_anonymous_people_are_sent_to_log_in(imported):
    response = Client().post("/account/imported/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_only_staff_can_use_the_import_page(db, client_for, customer, who):
    client = client_for(None if who == "anonymous" else customer)
    page = client.get("/staff/import/")
    sent = client.post(
        "/staff/import/",
        {"source": "canny", "file": _upload("canny-export.json"), "action": "apply"},
    )
    if who == "anonymous":
        assert page.status_code == sent.status_code == 302
    else:
        assert page.status_code == sent.status_code == 403
    assert Post.objects.count() == 0


def test_staff_check_a_file_then_import_it(db, client_for, staff):
    client = client_for(staff)
    assert client.get("/staff/import/").status_code == 200
    checked = client.post(
        "/staff/import/", {"source": "fider", "file": _upload("fider-posts.csv"), "action": "check"}
    )
    html = checked.content.decode()
    assert checked.status_code == 200 and "Dry run (nothing written)" in html
    assert "Would create: 5 posts" in html and "line 5: deleted on Fider" in html
    assert Post.objects.count() == 0
    applied = client.post(
        "/staff/import/", {"source": "fider", "file": _upload("fider-posts.csv"), "action": "apply"}
    )
    assert "Created: 5 posts" in applied.content.decode() and Post.objects.count() == 5


def test_a_malformed_upload_is_refused_on_the_page(db, client_for, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = state()
    response = client_for(staff).post(
        "/staff/import/",
        {"source": "canny", "file": SimpleUploadedFile("x.json", b"[1, 2"), "action": "apply"},
    )
    assert response.status_code == 400
    assert re.search(r"not a Canny JSON file.*Nothing was imported", response.content.decode())
    assert state() == before
