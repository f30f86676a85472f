"""Abuse controls: rate limits per IP and per account, login lockout, the spam trap
on public forms, and the security headers."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client

from frankly.accounts.models import User
from frankly.feedback.models import Comment, Post, Vote
from frankly.incidents.models import StatusSubscription as Subscriber
from tests.conftest import PASSWORD, make_post, make_user


@pytest.fixture
def limits(settings):
    """Real limits for one test: ``limits(post="2/m")``; the counters start at zero."""
    cache.clear()

    def set_limits(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    yield set_limits
    cache.clear()


def html_client(user=None, ip="10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    if user is not None:
        client.force_login(user)
    return client


def assert_too_many(response, *, api: bool):
    assert response.status_code == 429, response.content[:300]
    assert int(response["Retry-After"]) >= 1
    if api:
        assert "Too many" in response.json()["detail"]
    else:
        assert response["Content-Type"].startswith("text/html")
        assert b"Too many" in response.content


# (bucket, how to send one request as `user` from a client, what to count)
def _post_page(client, user, n):
    return client.post("/posts/new/", {"kind": "idea", "title": f"Rate limited idea {n}"})


def _post_api(client, user, n):
    return client.post(
        "/api/v1/posts",
        {"kind": "idea", "title": f"Rate limited idea {n}"},
        content_type="application/json",
    )


def _comment_page(client, user, n, post):
    return client.post(f"/posts/{post.pk}/comment/", {"body": f"comment {n}"})


def _comment_api(client, user, n, post):
    return client.post(
        f"/api/v1/posts/{post.pk}/comments",
        {"body": f"comment {n}"},
        content_type="application/json",
    )


def _vote_page(client, user, n, post):
    return client.post(f"/posts/{post.pk}/vote/")


def _vote_api(client, user, n, post):
    method = client.post if n % 2 == 0 else client.delete
    return method(f"/api/v1/posts/{post.pk}/vote")


@pytest.mark.parametrize(
    ("bucket", "send", "api", "model"),
    [
        ("post", _post_page, False, Post),
        ("post", _post_api, True, Post),
        ("comment", _comment_page, False, Comment),
        ("comment", _comment_api, True, Comment),
        ("vote", _vote_page, False, None),
        ("vote", _vote_api, True, None),
    ],
)
def test_each_write_limit_answers_429_and_stores_nothing_more(
    limits, customer, other_customer, bucket, send, api, model
):
    limits(**{bucket: "2/m"})
    post = make_post(other_customer)
    client = html_client(customer)
    call = (
        (lambda n: send(client, customer, n))
        if bucket == "post"
        else (lambda n: send(client, customer, n, post))
    )
    for n in range(2):
        assert call(n).status_code < 400
    before = model.objects.count() if model else None
    assert_too_many(call(2), api=api)
    if model:
        assert model.objects.count() == before


def test_limit_counts_per_account_across_addresses(limits, customer, other_customer):
    limits(comment="2/m")
    post = make_post(other_customer)
    for n, ip in enumerate(["10.0.0.1", "10.0.0.2"]):
        assert _comment_page(html_client(customer, ip), customer, n, post).status_code == 302
    assert_too_many(_comment_page(html_client(customer, "10.0.0.3"), customer, 3, post), api=False)
    # Someone else on a fresh address is not affected.
    assert (
        _comment_page(html_client(other_customer, "10.0.0.4"), other_customer, 4, post).status_code
        == 302
    )


def test_limit_counts_per_address_across_accounts(limits, other_customer):
    limits(vote="2/m")
    post = make_post(other_customer)
    voters = [make_user() for _ in range(3)]
    for voter in voters[:2]:
        assert _vote_page(html_client(voter, "10.0.0.9"), voter, 0, post).status_code == 302
    assert_too_many(_vote_page(html_client(voters[2], "10.0.0.9"), voters[2], 0, post), api=False)
    assert Vote.objects.filter(post=post).count() == 2
    assert _vote_page(html_client(voters[2], "10.0.0.10"), voters[2], 0, post).status_code == 302


def test_api_limit_applies_to_reads_per_token(limits, api_client, customer):
    limits(api="3/m")
    client = api_client(customer)
    for _ in range(3):
        assert client.get("/posts", REMOTE_ADDR="10.1.0.1").status_code == 200
    response = client.get("/posts", REMOTE_ADDR="10.1.0.2")  # same token, new address
    assert_too_many(response, api=True)
    assert api_client(None).get("/posts", REMOTE_ADDR="10.1.0.3").status_code == 200


def test_signup_limit_per_address(limits, db):
    limits(signup="2/m")
    client = Client(REMOTE_ADDR="10.2.0.1")
    for n in range(2):
        client.post(
            "/accounts/signup/",
            {
                "email": f"spammer{n}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "display_name": f"Spammer {n}",
            },
        )
        client.logout()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "spammer9@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Spammer 9",
        },
    )
    assert_too_many(response, api=False)
    assert not User.objects.filter(email="spammer9@example.com").exists()
    assert User.objects.filter(email__startswith="spammer").count() == 2


def test_login_limit_per_account_across_addresses(limits, customer, settings):
    settings.AXES_FAILURE_LIMIT = 100  # this test is about the rate limit, not the lockout
    limits(login="3/m")
    for n in range(3):
        Client(REMOTE_ADDR=f"10.3.0.{n}").post(
            "/accounts/login/", {"login": customer.email, "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="10.3.0.9").post(
        "/accounts/login/", {"login": customer.email.upper(), "password": PASSWORD}
    )
    assert_too_many(response, api=False)


def test_subscribe_limit_per_address(limits, db):
    limits(subscribe="1/m")
    client = Client(REMOTE_ADDR="10.4.0.1")
    assert client.post("/status/subscribe/", {"email": "a@example.com"}).status_code == 200
    assert_too_many(client.post("/status/subscribe/", {"email": "b@example.com"}), api=False)
    assert not Subscriber.objects.filter(email="b@example.com").exists()


def test_limits_can_be_switched_off(limits, settings, customer):
    limits(post="1/m")
    settings.RATE_LIMITS_ENABLED = False
    client = html_client(customer)
    for n in range(3):
        assert _post_page(client, customer, n).status_code == 302


# Login lockout (django-axes)


def test_repeated_failed_logins_lock_the_account_for_that_address(limits, customer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.5.0.1")
    for _ in range(3):
        client.post("/accounts/login/", {"login": customer.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session
    # The owner, from their own address, still gets in: no lockout of someone else's account.
    other = Client(REMOTE_ADDR="10.5.0.2")
    response = other.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(customer.pk)


def test_a_successful_login_resets_the_failure_count(limits, customer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="10.5.0.3")
    for _ in range(2):
        client.post("/accounts/login/", {"login": customer.email, "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"login": customer.email, "password": PASSWORD}).status_code
        == 302
    )
    client.logout()
    for _ in range(2):
        client.post("/accounts/login/", {"login": customer.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    assert response.status_code == 302


# Spam trap: honeypot and minimum time


def _shown_at(page: bytes) -> str:
    match = re.search(rb'name="shown_at" value="([^"]+)"', page)
    assert match, "the form carries no time stamp"
    return match.group(1).decode()


def test_a_filled_honeypot_refuses_a_new_post(customer):
    client = html_client(customer)
    response = client.post(
        "/posts/new/", {"kind": "idea", "title": "Cheap pills", "website": "http://spam.example"}
    )
    assert response.status_code == 400
    assert b"catches bots" in response.content
    assert not Post.objects.filter(title="Cheap pills").exists()


def test_a_filled_honeypot_refuses_a_sign_up(db):
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "bot@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Bot",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 200
    assert b"catches bots" in response.content
    assert not User.objects.filter(email="bot@example.com").exists()


def test_a_form_sent_too_fast_is_refused_then_accepted_after_a_wait(customer, settings):
    settings.FORM_MIN_SECONDS = 1
    client = html_client(customer)
    stamp = _shown_at(client.get("/posts/new/").content)
    data = {"kind": "idea", "title": "Written by a person", "shown_at": stamp}
    response = client.post("/posts/new/", data)
    assert response.status_code == 400
    assert b"very fast" in response.content
    # The page shown again keeps the first stamp, so sending it again later works.
    assert _shown_at(response.content) == stamp
    time.sleep(1.1)
    assert client.post("/posts/new/", data).status_code == 302
    assert Post.objects.filter(title="Written by a person").count() == 1


def test_a_form_without_a_valid_stamp_is_refused(customer, settings):
    settings.FORM_MIN_SECONDS = 1
    client = html_client(customer)
    for stamp in ("", "1700000000", "forged:stamp"):
        response = client.post(
            "/posts/new/", {"kind": "idea", "title": "No stamp", "shown_at": stamp}
        )
        assert response.status_code == 400
        assert b"not sent from our page" in response.content
    assert not Post.objects.filter(title="No stamp").exists()


def test_status_subscription_form_has_the_spam_trap(db, settings):
    settings.FORM_MIN_SECONDS = 1
    client = Client()
    page = client.get("/status/subscribe/")
    stamp = _shown_at(page.content)
    assert b'name="website"' in page.content
    response = client.post("/status/subscribe/", {"email": "fast@example.com", "shown_at": stamp})
    assert response.status_code == 400
    assert not Subscriber.objects.filter(email="fast@example.com").exists()
    response = client.post(
        "/status/subscribe/", {"email": "bot@example.com", "website": "x", "shown_at": stamp}
    )
    assert response.status_code == 400
    assert not Subscriber.objects.filter(email="bot@example.com").exists()


def test_comment_and_signup_forms_render_the_spam_trap(customer):
    post = make_post(customer)
    for page in (
        html_client(customer).get(post.get_absolute_url()),
        Client().get("/accounts/signup/"),
    ):
        assert b'name="website"' in page.content
        _shown_at(page.content)


# Security headers


def test_pages_send_csp_and_refuse_framing(db):
    response = Client().get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_status_badge_can_be_embedded_in_other_sites(db):
    response = Client().get("/status/badge/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
