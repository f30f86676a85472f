"""`frankly demo`: a believable board, made through the services, and made only once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, F, OuterRef
from django.test import Client
from django.utils import timezone

from frankly.accounts.models import User
from frankly.feedback import trending
from frankly.feedback.models import (
    Comment,
    Follow,
    Kind,
    OfficialResponse,
    Post,
    Status,
    StatusChange,
    Tag,
    Vote,
)
from tests.conftest import make_post, make_tag

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (User, Tag, Post, Vote, Comment, Follow, StatusChange, OfficialResponse)
    return {model.__name__: model.objects.count() for model in models}


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """{"a customer": (email, password), "staff": ..., "admin": ...} from the output."""
    logins = {}
    for line in output.splitlines():
        if line.startswith("Log in as "):
            role, credentials = line.removeprefix("Log in as ").split(": ", 1)
            email, password = credentials.split(" / ")
            logins[role] = (email, password)
    return logins


def test_running_it_twice_adds_nothing_the_second_time():
    run_demo()
    first = row_counts()
    second_output = run_demo()

    assert row_counts() == first
    assert first["Post"] >= 50
    assert first["User"] >= 14
    assert "already there" in second_output
    assert printed_logins(second_output)["a customer"] == ("demo@example.com", "frankly-demo")


def test_the_board_shows_every_kind_status_and_feature():
    run_demo()

    assert set(Post.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Post.objects.values_list("status", flat=True)) == set(Status.values)
    assert Post.objects.filter(merged_into__isnull=False).exists()
    assert Vote.objects.filter(merged_from__isnull=False).exists()
    answered = Post.objects.filter(accepted_comment__isnull=False)
    assert answered.exists()
    for question in answered:
        assert question.kind == Kind.QUESTION
        assert question.accepted_comment.post_id == question.pk
    assert OfficialResponse.objects.count() >= 3
    assert Post.objects.filter(vote_count__gte=8).count() >= 3
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(author_was_staff=True).exists()
    assert StatusChange.objects.exclude(note="").exists()
    assert Post.objects.filter(tags__isnull=False).distinct().count() >= 30


def test_counters_equal_the_rows_they_count():
    run_demo()

    posts = Post.objects.annotate(
        votes_counted=Count("votes", distinct=True),
        comments_counted=Count("comments", distinct=True),
    )
    for post in posts:
        assert post.vote_count == post.votes_counted, post.title
        assert post.comment_count == post.comments_counted, post.title
    follows = Follow.objects.filter(user=OuterRef("user"), post=OuterRef("post"))
    assert not Vote.objects.exclude(Exists(follows)).exists()


def test_history_lies_in_the_past_in_a_sensible_order():
    run_demo()
    now = timezone.now()

    assert Post.objects.filter(created_at__lt=now - timedelta(days=60)).exists()
    assert not Post.objects.filter(created_at__lt=now - timedelta(days=121)).exists()
    assert not Post.objects.filter(last_activity_at__gt=now).exists()
    assert not Post.objects.filter(last_activity_at__lt=F("created_at")).exists()
    assert not Vote.objects.filter(created_at__lt=F("post__created_at")).exists()
    assert not Comment.objects.filter(created_at__lt=F("post__created_at")).exists()
    assert not Comment.objects.filter(created_at__lt=F("parent__created_at")).exists()
    assert not StatusChange.objects.filter(created_at__lt=F("post__created_at")).exists()
    assert not Follow.objects.filter(created_at__gt=now - timedelta(minutes=1)).exists()
    for post in Post.objects.all():
        times = Vote.objects.filter(post=post).values_list("created_at", flat=True)
        assert post.trending == pytest.approx(trending.from_scratch(post.created_at, times))


def test_the_printed_logins_work_on_the_real_login_form():
    logins = printed_logins(run_demo())
    assert set(logins) == {"a customer", "staff", "admin"}

    for role, (email, password) in logins.items():
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302, role
        page = client.get("/")
        person = page.wsgi_request.user
        assert person.email == email
        assert person.public_name in page.content.decode()
        assert person.is_staff == (role != "a customer")
        assert person.is_superuser == (role == "admin")
    assert User.objects.get(email="demo@example.com").public_name == "Casey Customer"


def test_the_output_says_what_was_made_and_how_to_log_in():
    output = run_demo()

    assert f"{Post.objects.count()} posts" in output
    assert f"{Vote.objects.count()} votes" in output
    assert "Log in as a customer: demo@example.com / frankly-demo" in output
    assert "Log in as staff: demo-staff@example.com / frankly-demo" in output
    assert "Log in as admin: admin@example.com / frankly-demo" in output


def test_it_leaves_a_board_with_real_posts_alone(customer):
    make_post(customer, title="Real feedback from a real customer")

    output = run_demo()

    assert Post.objects.count() == 1
    assert not User.objects.filter(email="demo-staff@example.com").exists()
    assert "not added" in output


def test_it_uses_tags_staff_made_before_instead_of_failing():
    make_tag("Billing")

    run_demo()

    assert Tag.objects.filter(name="Billing").count() == 1
    assert Post.objects.filter(tags__slug="billing").exists()
