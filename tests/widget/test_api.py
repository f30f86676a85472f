"""The widget's token exchange (SSO JWT -> widget token) and what a widget token may do."""

import time
import uuid

import jwt
import pytest
from django.core.cache import cache
from django.test import Client

from frankly.accounts.models import User
from frankly.crm.models import UsedSsoToken
from frankly.feedback.models import Post, Vote
from frankly.widget.tokens import issue_widget_token
from tests.conftest import make_post, make_user

SECRET = "a-shared-secret-that-is-long-enough-for-hs256"


@pytest.fixture(autouse=True)
def _sso_secret(settings):
    settings.SSO_SECRET = SECRET
    settings.SSO_PUBLIC_KEY = ""


def sso_token(*, key=SECRET, **overrides) -> str:
    claims = {
        "email": "wendy@acme.example",
        "name": "Wendy Widget",
        "exp": int(time.time()) + 300,
        "jti": uuid.uuid4().hex,
        **overrides,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="HS256")


def exchange(token: str):
    return Client().post(
        "/api/v1/widget/session", {"sso_token": token}, content_type="application/json"
    )


def call(method: str, path: str, token: str, data=None):
    kwargs = {"headers": {"Authorization": f"Bearer {token}"}}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def state() -> tuple:
    return (
        list(User.objects.values_list("email", flat=True).order_by("pk")),
        UsedSsoToken.objects.count(),
        Post.objects.count(),
        Vote.objects.count(),
    )


def test_an_sso_token_buys_a_widget_token_that_posts_and_votes_as_that_person(db):
    response = exchange(sso_token())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == {"name": "Wendy Widget"}
    assert body["expires_in"] == 3600 and body["token"].startswith("frw_")
    wendy = User.objects.get(email="wendy@acme.example")
    target = make_post(make_user(), title="Keyboard shortcuts")

    created = call("post", "/posts", body["token"], {"title": "Dark mode in reports"})
    assert created.status_code == 201, created.content
    voted = call("post", f"/posts/{target.pk}/vote", body["token"], {})
    assert voted.json() == {"post": target.pk, "vote_count": 1, "has_voted": True}
    listed = call("get", "/posts?sort=top", body["token"]).json()["items"]
    assert [p["has_voted"] for p in listed if p["id"] == target.pk] == [True]
    assert Post.objects.get(title="Dark mode in reports").author == wendy
    assert list(Vote.objects.values_list("user", "post")) == [(wendy.pk, target.pk)]
    withdrawn = call("delete", f"/posts/{target.pk}/vote", body["token"])
    assert withdrawn.json()["vote_count"] == 0


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (lambda: sso_token(exp=int(time.time()) - 3600), 400, "has expired"),
        (lambda: sso_token(key="not-the-secret-not-the-secret-not-the-secret"), 403, "signature"),
        (lambda: "not.a.jwt", 400, "malformed"),
        (lambda: "", 400, "no usable token"),
        (lambda: sso_token(jti=None), 400, "no 'jti' claim"),
        (lambda: jwt.encode({"email": "a@b.example"}, "", algorithm="none"), 400, "'none'"),
    ],
    ids=["expired", "wrong-key", "malformed", "empty", "no-jti", "alg-none"],
)
def test_bad_sso_tokens_are_refused_with_json_and_change_nothing(db, make, status, text):
    before = state()
    response = exchange(make())
    assert response.status_code == status, response.content
    assert text in response.json()["detail"]
    assert state() == before


def test_a_replayed_sso_token_is_refused_and_changes_nothing(db):
    token = sso_token()
    assert exchange(token).status_code == 201
    before = state()
    response = exchange(token)
    assert response.status_code == 403
    assert "already used" in response.json()["detail"]
    assert state() == before


def test_the_exchange_is_a_404_when_sso_is_not_set_up(db, settings):
    settings.SSO_SECRET = ""
    response = exchange(sso_token())
    assert response.status_code == 404
    assert "not set up" in response.json()["detail"]
    assert UsedSsoToken.objects.count() == 0


def test_staff_accounts_get_no_widget_token_through_sso(staff):
    before = state()
    response = exchange(sso_token(email=staff.email))
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/me", None),
        ("get", "/me/exports", None),
        ("put", "/me/privacy", {"show_name": True, "hide_profile": True}),
        ("post", "/me/exports", {}),
        ("post", "/posts/{post}/comments", {"body": "Through the widget"}),
        ("post", "/posts/{post}/status", {"status": "planned", "note": ""}),
        ("post", "/posts/{post}/follow", {}),
        ("get", "/insights/summary", None),
    ],
)
def test_a_widget_token_works_nowhere_outside_the_widget(customer, method, path, data):
    """Even a staff member's widget token cannot reach account settings or staff actions."""
    post = make_post(customer, title="Export to CSV")
    token = issue_widget_token(make_user(staff=True))
    before = state()
    response = call(method, path.format(post=post.pk), token, data)
    assert response.status_code == 403, response.content
    assert "widget token" in response.json()["detail"]
    assert state() == before


def test_an_expired_or_forged_widget_token_is_refused(customer, monkeypatch):
    an_hour_and_a_minute_ago = time.time() - 3660
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: an_hour_and_a_minute_ago)
        old = issue_widget_token(customer)
    fresh = issue_widget_token(customer)
    expired = call("post", "/posts", old, {"title": "Too late"})
    forged = call("post", "/posts", fresh[:-2] + "xx", {"title": "Forged"})
    for response in (expired, forged):
        assert response.status_code == 401
        assert "widget" in response.json()["detail"]
    assert Post.objects.count() == 0


def test_a_disabled_persons_widget_token_stops_working(customer):
    token = issue_widget_token(customer)
    customer.is_active = False
    customer.save()
    assert call("post", "/posts", token, {"title": "Still here?"}).status_code == 401
    assert Post.objects.count() == 0


@pytest.fixture
def limits(settings):
    cache.clear()

    def set_limits(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    yield set_limits
    cache.clear()


def test_widget_posts_and_votes_count_against_the_same_rate_limits(customer, limits):
    limits(post="2/m", vote="1/m")
    token = issue_widget_token(customer)
    target = make_post(make_user(), title="Keyboard shortcuts")
    statuses = [call("post", "/posts", token, {"title": f"Idea {n}"}).status_code for n in range(3)]
    votes = [call("post", f"/posts/{target.pk}/vote", token, {}).status_code for _ in range(2)]
    assert (statuses, votes) == ([201, 201, 429], [200, 429])
    assert Post.objects.filter(author=customer).count() == 2


def test_the_token_exchange_is_limited_like_a_login(db, limits):
    limits(login="2/m")
    answers = [exchange(sso_token()) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "Too many login attempts" in answers[2].json()["detail"]
    assert UsedSsoToken.objects.count() == 2


def test_the_rules_of_posting_apply_to_the_widget(customer):
    token = issue_widget_token(customer)
    response = call("post", "/posts", token, {"title": "   "})
    assert response.status_code == 422
    assert response.json()["field"] == "title"
    assert Post.objects.count() == 0
