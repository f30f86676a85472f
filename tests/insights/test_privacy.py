"""Customers never see a sentiment score attached to them: not on public pages, not in
the API. Staff see it on posts, comments and lists."""

import pytest

from frankly.feedback import services as feedback
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

SCORE_WORDS = ("sentiment", "compound", "negative -0.", "vader")


@pytest.fixture
def scored(customer, other_customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(customer, title="Terrible update", body="I hate it, everything broke.")
        comment = feedback.add_comment(
            author=other_customer, post_id=post.pk, body="Awful, same here."
        )
    return post, comment


def _public_urls(post, customer):
    return [
        "/",
        "/search/?q=terrible",
        f"/posts/{post.pk}/",
        f"/people/{customer.pk}/",
        "/feeds/posts.atom",
        f"/posts/{post.pk}/feed.atom",
        "/transparency/",
        "/transparency/responsiveness/",
        "/api/v1/posts",
        f"/api/v1/posts/{post.pk}",
        f"/api/v1/posts/{post.pk}/comments",
        "/api/v1/posts/similar?title=terrible+update",
    ]


@pytest.mark.parametrize("who", ["anonymous", "author", "other"])
def test_no_public_page_or_api_shows_a_score(scored, who, client_for, customer, other_customer):
    post, _ = scored
    viewer = {"anonymous": None, "author": customer, "other": other_customer}[who]
    client = client_for(viewer)
    for url in _public_urls(post, customer):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode().lower()
        for word in SCORE_WORDS:
            assert word not in text, f"{word!r} on {url} for {who}"


def test_staff_see_the_score_on_the_post_its_comments_and_the_board(scored, client_for, staff):
    post, comment = scored
    client = client_for(staff)
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert page.count("badge sentiment sentiment-negative") == 2  # the post and the comment
    assert page.index(f'id="comment-{comment.pk}"') < page.rindex("sentiment-negative")
    assert "Staff only. VADER compound score" in page
    board = client.get("/").content.decode()
    assert "sentiment-negative" in board


def test_the_board_reads_scores_without_a_query_per_post(
    customer, client_for, staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer, title="Great, thanks")
    client = client_for(staff)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            make_post(customer, title=f"Awful bug {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/")
