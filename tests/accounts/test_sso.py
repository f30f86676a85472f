"""SSO identify: the company's app signs a JWT and links the customer to /sso/."""

import html
import time
import uuid
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from frankly.accounts.models import User
from frankly.crm.models import Contact, SsoIdentity, UsedSsoToken
from frankly.notify.models import Event, WebhookEndpoint
from tests.conftest import make_user
from tests.notify.receiver import TIMEOUT, Receiver

SECRET = "a-shared-secret-that-is-long-enough-for-hs256"


@pytest.fixture(autouse=True)
def _sso_secret(settings):
    settings.SSO_SECRET = SECRET
    settings.SSO_PUBLIC_KEY = ""


def claims(**overrides) -> dict:
    base = {
        "email": "Jack.Jones@Acme.example",
        "name": "Jack Jones",
        "id": "acme-user-42",
        "company": "Acme Inc",
        "plan": "Enterprise",
        "value": 1250.5,
        "exp": int(time.time()) + 300,
        "jti": uuid.uuid4().hex,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(payload=None, *, key=SECRET, algorithm="HS256") -> str:
    return jwt.encode(payload or claims(), key, algorithm=algorithm)


def visit(client, tok, redirect="/posts/1/"):
    return client.get("/sso/?" + urlencode({"token": tok, "redirect": redirect}))


def state() -> tuple:
    """Everything an SSO sign-in can write."""
    return (
        list(User.objects.values_list("email", "display_name").order_by("pk")),
        list(Contact.objects.values_list("email", "plan", "value").order_by("pk")),
        UsedSsoToken.objects.count(),
        SsoIdentity.objects.count(),
    )


def test_a_valid_token_creates_the_account_signs_in_and_redirects(client, db):
    response = visit(client, token())
    assert response.status_code == 302
    assert response["Location"] == "/posts/1/"
    user = User.objects.get(email="jack.jones@acme.example")
    assert user.display_name == "Jack Jones"
    assert client.get("/account/settings/").status_code == 200  # signed in
    contact = Contact.objects.get(user=user)
    assert (contact.company.domain, contact.company.name) == ("acme.example", "Acme Inc")
    assert contact.plan == "Enterprise" and str(contact.value) == "1250.50"
    # CRM claims live in the crm app, not on the account.
    assert not hasattr(user, "plan")
    assert user.sso_identity.external_id == "acme-user-42"


def test_a_later_token_updates_the_account_found_by_its_id(client, db):
    visit(client, token())
    new = claims(email="jack@newco.example", name="Jack J.", plan="Team", value="99")
    response = visit(client, token(new))
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.email, user.display_name) == ("jack@newco.example", "Jack J.")


def test_an_existing_password_account_is_signed_in_by_email(client, customer):
    response = visit(client, token(claims(email=customer.email.upper(), id=None)))
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert Contact.objects.get().user == customer


@pytest.mark.parametrize("algorithm", ["RS256", "EdDSA"])
def test_public_key_tokens_are_accepted(client, db, settings, algorithm):
    if algorithm == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    settings.SSO_SECRET = ""
    settings.SSO_PUBLIC_KEY = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    response = visit(client, token(key=private, algorithm=algorithm))
    assert response.status_code == 302
    assert User.objects.filter(email="jack.jones@acme.example").exists()
    # A token signed with the other key type, or with HMAC, is refused.
    refused = visit(client, token(algorithm="HS256"))
    assert refused.status_code == 400
    assert "does not accept SSO tokens signed with 'HS256'" in html.unescape(
        refused.content.decode()
    )


def _assert_refused(client, response, status, text):
    assert response.status_code == status
    body = html.unescape(response.content.decode())
    assert text in body
    assert "Nothing was changed" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("make", "status", "text"),
    [
        (lambda: token(claims(exp=int(time.time()) - 3600)), 400, "has expired"),
        (lambda: token(key="not-the-secret-not-the-secret-not-the-secret"), 403, "signature"),
        (lambda: "not.a.jwt", 400, "malformed"),
        (lambda: "", 400, "no usable token"),
        (lambda: token(claims(exp=None)), 400, "no 'exp' claim"),
        (lambda: token(claims(jti=None)), 400, "no 'jti' claim"),
        (lambda: token(claims(email=None)), 400, "no 'email' claim"),
        (lambda: token(claims(email="not an email")), 400, "is not an email address"),
        (lambda: token(claims(value="lots")), 400, "'value' claim must be a number"),
        (lambda: token(claims(avatar="javascript:alert(1)")), 400, "not an http(s) URL"),
        (lambda: jwt.encode(claims(), "", algorithm="none"), 400, "'none'"),
    ],
    ids=[
        "expired",
        "wrong-key",
        "malformed",
        "empty",
        "no-exp",
        "no-jti",
        "no-email",
        "bad-email",
        "bad-value",
        "bad-avatar",
        "alg-none",
    ],
)
def test_bad_tokens_get_an_error_page_and_change_nothing(client, customer, make, status, text):
    before = state()
    _assert_refused(client, visit(client, make()), status, text)
    assert state() == before


def test_a_replayed_token_is_refused_and_changes_nothing(client, db):
    payload = claims()
    assert visit(client, token(payload)).status_code == 302
    other = type(client)()
    before = state()
    replay = token({**payload, "name": "Someone Else"})
    _assert_refused(other, visit(other, replay), 403, "already used")
    assert state() == before


def test_an_offsite_redirect_is_refused_before_the_token_is_spent(client, db):
    tok = token()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        _assert_refused(client, visit(client, tok, redirect=target), 400, "another site")
    assert state() == ([], [], 0, 0)
    assert visit(client, tok).status_code == 302  # the token still works on this site


def test_staff_accounts_cannot_sign_in_through_sso(client, staff):
    before = state()
    _assert_refused(client, visit(client, token(claims(email=staff.email))), 403, "Staff")
    assert state() == before


def test_sso_is_a_404_when_not_configured(client, db, settings):
    settings.SSO_SECRET = ""
    response = visit(client, token())
    assert response.status_code == 404
    assert "not set up" in response.content.decode()


def test_taken_email_on_update_is_a_conflict(client, db):
    visit(client, token())
    make_user()  # person<n>@example.com
    taken = User.objects.exclude(email="jack.jones@acme.example").get().email
    before = state()
    fresh = type(client)()
    _assert_refused(fresh, visit(fresh, token(claims(email=taken))), 409, "Another account")
    assert state() == before


def test_sign_in_sends_contact_updated_webhook(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=[Event.CONTACT_UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            visit(client, token())
    assert len(receiver.requests) == 1
    sent = receiver.requests[0].json
    assert sent["event"] == "contact.updated"
    assert sent["data"]["email"] == "jack.jones@acme.example"
