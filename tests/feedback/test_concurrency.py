"""Exact counts under real concurrency: many threads, each with its own connection."""

import threading

import pytest
from django.db import connection, connections

from frankly.feedback import services
from frankly.feedback.models import Post, Vote
from tests.conftest import make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(jobs, *, threads: int = 8) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def worker(chunk):
        try:
            barrier.wait()
            for job in chunk:
                job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    chunks = [jobs[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


def test_concurrent_votes_give_an_exact_count():
    author = make_user()
    post = make_post(author)
    voters = [make_user() for _ in range(24)]
    # Each voter votes three times at once from different threads: one must count.
    jobs = [
        (lambda v=v: services.add_vote(user=v, post_id=post.pk)) for v in voters for _ in range(3)
    ]
    errors = run_concurrently(jobs)
    assert errors == []
    post.refresh_from_db()
    assert post.vote_count == Vote.objects.filter(post=post).count() == len(voters)


def test_concurrent_toggles_and_comments_keep_counters_equal_to_rows():
    author = make_user()
    post = make_post(author)
    people = [make_user() for _ in range(16)]
    jobs = []
    for person in people:
        jobs.append(lambda p=person: services.toggle_vote(user=p, post_id=post.pk))
        jobs.append(lambda p=person: services.add_comment(author=p, post_id=post.pk, body="+1"))
        jobs.append(lambda p=person: services.toggle_vote(user=p, post_id=post.pk))
    errors = run_concurrently(jobs)
    assert errors == []
    post = Post.objects.get(pk=post.pk)
    assert post.vote_count == Vote.objects.filter(post=post).count()
    assert post.comment_count == post.comments.count() == len(people)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_merges_of_the_same_duplicate_happen_once():
    staff = make_user(staff=True)
    author = make_user()
    duplicate, first, second = make_post(author), make_post(author), make_post(author)
    voters = [make_user() for _ in range(5)]
    for v in voters:
        services.add_vote(user=v, post_id=duplicate.pk)
    outcomes = []

    def merge_into(target):
        try:
            services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=target.pk)
            outcomes.append("merged")
        except Exception as exc:
            outcomes.append(type(exc).__name__)

    errors = run_concurrently([lambda: merge_into(first), lambda: merge_into(second)], threads=2)
    assert errors == []
    assert sorted(outcomes) == ["Conflict", "merged"]
    total = sum(Post.objects.get(pk=p.pk).vote_count for p in (duplicate, first, second))
    assert total == Vote.objects.count() == 5


def test_concurrent_http_votes_through_the_api_are_exact(live_server):
    """Real requests at once against a live server: one vote per person, exact count."""
    import json
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from frankly.accounts.services import create_api_token

    post = make_post(make_user())
    tokens = [create_api_token(user=make_user(), name="load")[1] for _ in range(12)]

    def vote(token: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - the test's own live server
            f"{live_server.url}/api/v1/posts/{post.pk}/vote",
            method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert json.load(response)["has_voted"] is True
            return response.status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(vote, tokens * 3))  # each person votes three times
    assert statuses == [200] * len(statuses)
    post.refresh_from_db()
    assert post.vote_count == Vote.objects.filter(post=post).count() == len(tokens)
