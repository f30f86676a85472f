"""Status mail subscriptions: double opt-in through a real SMTP server, RFC 8058
one-click unsubscribe, and no way for a stranger to subscribe or change someone."""

import re

import pytest
from django.test import Client

from frankly.incidents import subscriptions
from frankly.incidents.models import StatusSubscription
from tests.incidents.conftest import reload, snapshot

pytestmark = pytest.mark.django_db

EMAIL = "carol@example.com"
LINK = r"https?://[^/\s]+(/status/subscribe/confirm/[^/\s]+/)"


def subscribe(capture, email: str = EMAIL, components=(), client=None):
    """POST the subscribe form and run what waits for the commit (sending the mail)."""
    with capture(execute=True):
        return (client or Client()).post(
            "/status/subscribe/", {"email": email, "components": [c.pk for c in components]}
        )


def confirm_path(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(LINK, body).group(1)


def test_subscribing_sends_one_confirmation_with_one_click_unsubscribe(
    smtp_server, django_capture_on_commit_callbacks
):
    response = subscribe(django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscription = StatusSubscription.objects.get()
    assert (subscription.email, subscription.is_active) == (EMAIL, False)

    [message] = smtp_server.messages
    assert message["To"] == EMAIL
    assert "Confirm your status updates" in message["Subject"]
    assert confirm_path(message) == f"/status/subscribe/confirm/{subscription.token}/"
    unsubscribe = re.fullmatch(r"<(https?://[^>\s]+)>", message["List-Unsubscribe"].strip())
    assert unsubscribe, message["List-Unsubscribe"]
    assert unsubscribe.group(1).endswith(f"/status/unsubscribe/{subscription.token}/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_subscription_starts_only_when_the_link_is_followed(
    smtp_server, django_capture_on_commit_callbacks
):
    subscribe(django_capture_on_commit_callbacks)
    subscription = StatusSubscription.objects.get()
    assert not subscription.is_active and subscription.confirmed_at is None

    response = Client().get(confirm_path(smtp_server.messages[0]))
    assert response.status_code == 200
    assert "Subscribed" in response.content.decode()
    assert reload(subscription).is_active
    confirmed_at = subscription.confirmed_at
    Client().get(confirm_path(smtp_server.messages[0]))  # following it twice is harmless
    assert reload(subscription).confirmed_at == confirmed_at


def test_one_click_unsubscribe_needs_no_session_or_csrf_token(
    smtp_server, django_capture_on_commit_callbacks
):
    subscribe(django_capture_on_commit_callbacks)
    message = smtp_server.messages[0]
    Client().get(confirm_path(message))
    path = re.search(r"https?://[^/\s]+(/\S+/)>", message["List-Unsubscribe"]).group(1)

    # What a mail client sends (RFC 8058): a bare POST, no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Unsubscribed" in response.content.decode()
    subscription = StatusSubscription.objects.get()
    assert not subscription.is_active and subscription.unsubscribed_at is not None
    assert mail_client.post(path).status_code == 200  # again: still unsubscribed, no error


def test_the_unsubscribe_link_in_a_browser_asks_first(
    smtp_server, django_capture_on_commit_callbacks
):
    subscribe(django_capture_on_commit_callbacks)
    subscription = StatusSubscription.objects.get()
    Client().get(f"/status/subscribe/confirm/{subscription.token}/")
    response = Client().get(f"/status/unsubscribe/{subscription.token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<form method="post" action="/status/unsubscribe/{subscription.token}/">' in page
    assert '<button type="submit">Unsubscribe</button>' in page
    assert reload(subscription).is_active  # a link preview (GET) unsubscribes nobody


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["subscribe/confirm", "unsubscribe"])
def test_unknown_tokens_are_not_found(method, page):
    StatusSubscription.objects.create(email=EMAIL)
    before = snapshot()
    response = getattr(Client(), method)(f"/status/{page}/not-a-real-token/")
    assert response.status_code == (405 if (page, method) == ("subscribe/confirm", "post") else 404)
    assert snapshot() == before


@pytest.mark.parametrize(
    "email", ["", "   ", "carol", "carol@", "@example.com", "carol@@example.com", "a b@example.com"]
)
def test_an_address_we_cannot_write_to_is_refused(
    email, smtp_server, django_capture_on_commit_callbacks
):
    response = subscribe(django_capture_on_commit_callbacks, email=email)
    assert response.status_code == 400
    assert "That is not an email address we can write to." in response.content.decode()
    assert not StatusSubscription.objects.exists()
    assert smtp_server.messages == []


def test_an_unknown_component_is_refused(smtp_server, django_capture_on_commit_callbacks, api):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/status/subscribe/", {"email": EMAIL, "components": [api.pk, 987654321]}
        )
    assert response.status_code == 400
    assert "There is no component #987654321." in response.content.decode()
    assert not StatusSubscription.objects.exists() and smtp_server.messages == []


def test_subscribing_twice_keeps_one_subscription(smtp_server, django_capture_on_commit_callbacks):
    subscribe(django_capture_on_commit_callbacks)
    subscribe(django_capture_on_commit_callbacks, email=" Carol@Example.com ")
    assert StatusSubscription.objects.count() == 1
    assert StatusSubscription.objects.get().email == EMAIL
    # Still unconfirmed: the second request sends the link again, to the same address.
    assert [m["To"] for m in smtp_server.messages] == [EMAIL, EMAIL]
    assert confirm_path(smtp_server.messages[0]) == confirm_path(smtp_server.messages[1])


def test_the_choice_of_components_is_stored(
    smtp_server, django_capture_on_commit_callbacks, api, webhooks, dashboard
):
    page = Client().get("/status/subscribe/").content.decode()
    assert f'name="components" value="{api.pk}"' in page
    subscribe(django_capture_on_commit_callbacks, components=[api, dashboard])
    subscription = StatusSubscription.objects.get()
    assert not subscription.all_components
    assert set(subscription.components.all()) == {api, dashboard}

    subscribe(django_capture_on_commit_callbacks, email="dan@example.com")
    everything = StatusSubscription.objects.get(email="dan@example.com")
    assert everything.all_components and not everything.components.exists()


def test_a_stranger_cannot_resubscribe_someone_who_unsubscribed(
    smtp_server, django_capture_on_commit_callbacks
):
    subscribe(django_capture_on_commit_callbacks)
    subscription = StatusSubscription.objects.get()
    subscriptions.confirm(token=subscription.token)
    subscriptions.unsubscribe(token=subscription.token)

    # Anyone can type Carol's address into the form; she must confirm again.
    subscribe(django_capture_on_commit_callbacks)
    assert not reload(subscription).is_active
    assert len(smtp_server.messages) == 2
    Client().get(confirm_path(smtp_server.messages[1]))
    assert reload(subscription).is_active


def test_a_stranger_cannot_change_what_an_active_subscriber_gets(
    smtp_server, django_capture_on_commit_callbacks, api, webhooks
):
    subscribe(django_capture_on_commit_callbacks)
    subscription = StatusSubscription.objects.get()
    subscriptions.confirm(token=subscription.token)

    subscribe(django_capture_on_commit_callbacks, components=[webhooks])
    subscription.refresh_from_db()
    assert subscription.is_active
    assert subscription.all_components and not subscription.components.exists()
