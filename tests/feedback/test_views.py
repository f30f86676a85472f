"""The HTML pages: they work without JavaScript, check permissions, show clear
errors, and run a fixed number of queries however long the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frankly.feedback import services
from frankly.feedback.models import Post, Tag, Vote
from tests.conftest import make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def seed_board(author, *, n: int):
    for name in ("API", "Billing"):
        if not Tag.objects.filter(name=name).exists():
            make_tag(name)
    voters = [make_user() for _ in range(3)]
    for i in range(n):
        post = make_post(author, title=f"Post {i}", tags=["api", "billing"][: i % 3])
        for voter in voters[: i % 4]:
            services.add_vote(user=voter, post_id=post.pk)
        services.add_comment(author=voters[0], post_id=post.pk, body="Me too")
    return voters


def count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("url", ["/", "/?sort=top", "/?q=post", "/search/?q=post&kind=idea"])
def test_list_pages_run_a_fixed_number_of_queries(client_for, customer, url):
    voters = seed_board(customer, n=3)
    few_anon, _ = count_queries(client_for(None), url)
    few_user, _ = count_queries(client_for(voters[0]), url)
    seed_board(customer, n=15)
    many_anon, response = count_queries(client_for(None), url)
    many_user, _ = count_queries(client_for(voters[0]), url)
    assert many_anon == few_anon
    assert many_user == few_user
    assert few_anon <= 4  # the board version (caching.py), posts, tags on posts, tag list
    assert b"Post 1" in response.content


def test_post_page_runs_a_fixed_number_of_queries(client_for, customer, staff):
    post = make_post(customer, kind="question")
    services.set_official_response(actor=staff, post_id=post.pk, body="Yes")
    services.change_status(actor=staff, post_id=post.pk, status="planned", note="Soon")

    def add_thread():
        top = services.add_comment(author=make_user(), post_id=post.pk, body="Top")
        services.add_comment(author=make_user(), post_id=post.pk, body="Reply", parent_id=top.pk)
        services.change_status(
            actor=staff,
            post_id=post.pk,
            status="in_progress" if Post.objects.get(pk=post.pk).status == "planned" else "planned",
        )

    add_thread()
    few, _ = count_queries(client_for(staff), f"/posts/{post.pk}/")
    for _ in range(6):
        add_thread()
    many, response = count_queries(client_for(staff), f"/posts/{post.pk}/")
    assert many == few
    assert response.content.count(b'<article class="comment') == 14


def test_profile_page_runs_a_fixed_number_of_queries(client_for, customer):
    seed_board(customer, n=2)
    few, _ = count_queries(client_for(None), f"/people/{customer.pk}/")
    seed_board(customer, n=10)
    many, response = count_queries(client_for(None), f"/people/{customer.pk}/")
    assert many == few
    assert customer.email.encode() not in response.content


def test_board_shows_posts_and_a_next_page_link(client_for, customer):
    for i in range(25):
        make_post(customer, title=f"Numbered {i}")
    response = client_for(None).get("/?sort=new")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Numbered 24" in page and "Numbered 4" not in page
    assert 'rel="next"' in page
    assert "<link" in page


def test_bad_filters_give_a_page_with_the_reason(client_for):
    response = client_for(None).get("/?sort=loudest")
    assert response.status_code == 400
    assert b"is not a way to sort" in response.content
    response = client_for(None).get("/?cursor=%%%")
    assert response.status_code == 400
    assert b"cursor is not valid" in response.content


def test_empty_board_and_empty_search_say_what_to_do(client_for):
    assert b"Be the first to post" in client_for(None).get("/").content
    response = client_for(None).get("/search/?q=nothing+here")
    assert "No post matches “nothing here”".encode() in response.content


def test_anonymous_visitors_are_sent_to_log_in_for_writes(client_for, post):
    anonymous = client_for(None)
    for url in (
        f"/posts/{post.pk}/vote/",
        f"/posts/{post.pk}/comment/",
        "/posts/new/",
        f"/posts/{post.pk}/status/",
    ):
        response = anonymous.post(url, {"body": "x", "status": "done"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Post.objects.get(pk=post.pk).vote_count == 0
    assert Post.objects.get(pk=post.pk).status == "open"


def test_new_post_form_creates_a_post_and_shows_errors(client_for, customer):
    client = client_for(customer)
    assert client.get("/posts/new/").status_code == 200
    response = client.post("/posts/new/", {"kind": "idea", "title": "   ", "body": "x"})
    assert response.status_code == 400
    assert b"title" in response.content.lower()
    assert Post.objects.count() == 0
    response = client.post(
        "/posts/new/", {"kind": "problem", "title": "Exports time out", "body": "Since **Monday**."}
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/posts/{post.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Exports time out" in page and "<strong>Monday</strong>" in page


def test_voting_without_javascript_redirects_back_with_the_new_count(
    client_for, post, other_customer
):
    client = client_for(other_customer)
    response = client.post(f"/posts/{post.pk}/vote/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Vote.objects.filter(post=post, user=other_customer).exists()
    client.post(f"/posts/{post.pk}/vote/")
    assert not Vote.objects.filter(post=post).exists()


def test_vote_from_script_returns_the_button_fragment(client_for, post, other_customer):
    response = client_for(other_customer).post(
        f"/posts/{post.pk}/vote/", headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'aria-pressed="true"' in fragment and "data-vote-count>1<" in fragment


def test_vote_redirect_never_leaves_the_site(client_for, post, other_customer):
    response = client_for(other_customer).post(
        f"/posts/{post.pk}/vote/", {"next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_comment_form_posts_and_rejects_empty(client_for, post, other_customer):
    client = client_for(other_customer)
    response = client.post(f"/posts/{post.pk}/comment/", {"body": "  "})
    assert response.status_code == 400
    assert post.comments.count() == 0
    response = client.post(f"/posts/{post.pk}/comment/", {"body": "Same here"})
    comment = post.comments.get()
    assert response["Location"] == f"/posts/{post.pk}/#comment-{comment.pk}"


def test_staff_actions_are_refused_to_customers(client_for, post, other_customer):
    client = client_for(other_customer)
    assert client.post(f"/posts/{post.pk}/status/", {"status": "done"}).status_code == 403
    assert client.post(f"/posts/{post.pk}/response/", {"body": "Official!"}).status_code == 403
    other = make_post(other_customer)
    assert client.post(f"/posts/{post.pk}/merge/", {"into": other.pk}).status_code == 403
    post.refresh_from_db()
    assert post.status == "open" and not hasattr(post, "official_response")
    assert post.merged_into_id is None
    page = client.get(f"/posts/{post.pk}/").content
    assert b"Staff actions" not in page


def test_staff_change_status_respond_and_merge_from_the_post_page(client_for, post, staff):
    client = client_for(staff)
    client.post(f"/posts/{post.pk}/status/", {"status": "planned", "note": "Next quarter"})
    client.post(f"/posts/{post.pk}/response/", {"body": "We will build this."})
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert "Official response" in page and "We will build this." in page
    assert "Next quarter" in page and "Staff actions" in page
    duplicate = make_post(post.author, title="Night mode")
    response = client.post(f"/posts/{duplicate.pk}/merge/", {"into": post.pk})
    assert response.status_code == 302
    merged_page = client.get(f"/posts/{duplicate.pk}/").content.decode()
    assert f'Merged into <a href="/posts/{post.pk}/">#{post.pk}' in merged_page


def test_merge_form_shows_the_reason_when_it_cannot_merge(client_for, post, staff):
    response = client_for(staff).post(f"/posts/{post.pk}/merge/", {"into": post.pk})
    assert response.status_code == 400
    assert b"cannot be merged into itself" in response.content
    response = client_for(staff).post(f"/posts/{post.pk}/merge/", {"into": 987654})
    assert response.status_code == 400
    assert b"no post #987654" in response.content


def test_staff_comments_are_marked(client_for, post, staff):
    services.add_comment(author=staff, post_id=post.pk, body="From the team")
    page = client_for(None).get(f"/posts/{post.pk}/").content.decode()
    assert 'class="badge staff"' in page


def test_asker_marks_an_accepted_answer_from_the_page(client_for, customer, other_customer):
    question = make_post(customer, kind="question", title="Where are invoices?")
    answer = services.add_comment(author=other_customer, post_id=question.pk, body="Billing tab")
    client_for(customer).post(f"/posts/{question.pk}/accept/", {"comment": answer.pk})
    page = client_for(None).get(f"/posts/{question.pk}/").content.decode()
    assert "Accepted answer" in page


def test_unknown_post_is_a_404_page(client_for):
    response = client_for(None).get("/posts/424242/")
    assert response.status_code == 404
    assert b"There is no post #424242" in response.content


def test_author_edits_from_the_page_and_others_cannot(client_for, post, other_customer):
    response = client_for(other_customer).post(
        f"/posts/{post.pk}/edit/", {"title": "Hijack", "body": "", "kind": "idea"}
    )
    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).title == "Dark mode for the dashboard"
    client_for(post.author).post(
        f"/posts/{post.pk}/edit/", {"title": "Dark mode please", "body": "Thanks"}
    )
    assert Post.objects.get(pk=post.pk).title == "Dark mode please"


def test_follow_button_follows_and_unfollows(client_for, post, other_customer):
    client = client_for(other_customer)
    client.post(f"/posts/{post.pk}/follow/")
    assert post.follows.filter(user=other_customer).exists()
    client.post(f"/posts/{post.pk}/follow/", {"follow": "0"})
    assert not post.follows.filter(user=other_customer).exists()


def test_a_long_thread_shows_its_first_and_latest_comments_and_links_the_rest(
    client_for, customer, monkeypatch
):
    from frankly.feedback import queries

    monkeypatch.setattr(queries, "THREAD_HEAD", 3)
    monkeypatch.setattr(queries, "THREAD_TAIL", 2)
    post = make_post(customer)
    author = make_user()
    comments = [
        services.add_comment(author=author, post_id=post.pk, body=f"Comment {n}") for n in range(20)
    ]
    services.add_comment(author=customer, post_id=post.pk, body="A reply", parent_id=comments[1].pk)
    client = client_for(customer)
    many, response = count_queries(client, f"/posts/{post.pk}/")
    page = response.content.decode()
    shown = [c for c in comments if f'id="comment-{c.pk}"' in page]
    assert shown == comments[:3] + comments[-2:]
    assert "A reply" in page  # replies come with their comment
    assert f'href="?comments=all#comment-{comments[3].pk}">Show 15 more comments</a>' in page
    whole = client.get(f"/posts/{post.pk}/?comments=all").content.decode()
    assert all(f'id="comment-{c.pk}"' in whole for c in comments)
    assert "more comments" not in whole
    # A short thread costs the same number of queries.
    short = make_post(customer)
    services.add_comment(author=author, post_id=short.pk, body="Only one")
    few, _ = count_queries(client, f"/posts/{short.pk}/")
    assert few == many
