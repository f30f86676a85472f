"""Sync out: GET /api/v1/crm/changes and the webhook event contact.updated."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from frankly.accounts.contact import set_contact_preferences
from frankly.accounts.models import TestimonialRequest as Testimonial
from frankly.accounts.models import User
from frankly.notify.models import Event, WebhookEndpoint
from tests.conftest import make_user
from tests.notify.receiver import TIMEOUT, Receiver

LONG_AGO = timezone.now() - timedelta(days=30)


def since(moment) -> str:
    return quote(moment.isoformat())


@pytest.fixture
def people(db):
    """Three customers last changed a month ago, and a staff member."""
    users = [make_user(name=f"Old {n}") for n in range(3)]
    User.objects.filter(pk__in=[u.pk for u in users]).update(updated_at=LONG_AGO)
    make_user(staff=True)
    return users


def test_changes_lists_users_whose_preferences_or_consents_changed(people, api_client, staff):
    prefs_user, consent_user, untouched = people
    mark = timezone.now() - timedelta(seconds=1)
    set_contact_preferences(user=prefs_user, sales_contact="when_asked", surveys=True)
    Testimonial.objects.create(
        author=consent_user,
        object_type="post",
        object_id=1,
        object_url="/posts/1/",
        quote="Great",
        text_digest="0" * 64,
        placement="Homepage",
        until=date(2027, 1, 1),
        state="accepted",
    )
    response = api_client(staff).get(f"/crm/changes?since={since(mark)}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["user_id"] for i in items] == [prefs_user.pk, consent_user.pk]
    assert items[0]["preferences"]["sales_contact"] == "when_asked"
    assert items[0]["preferences"]["surveys"] is True
    assert items[1]["consents"][0]["state"] == "accepted"
    assert items[1]["consents"][0]["placement"] == "Homepage"
    assert items[1]["preferences"]["sales_contact"] == "never"  # the default
    everything = api_client(staff).get("/crm/changes").json()["items"]
    assert untouched.pk in [i["user_id"] for i in everything]
    assert staff.pk not in [i["user_id"] for i in everything]


def test_changes_page_with_a_cursor_and_resume_from_changed_at(people, api_client, staff):
    client = api_client(staff)
    first = client.get("/crm/changes?limit=2").json()
    assert len(first["items"]) == 2
    rest = client.get(f"/crm/changes?limit=2&cursor={first['next']}").json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    last = rest["items"][-1]["changed_at"]
    assert client.get(f"/crm/changes?since={quote(last)}").json()["items"] == []


@pytest.mark.parametrize("bad", ["yesterday", "2026-01-01T00:00:00"])
def test_a_bad_since_is_a_clear_422(db, api_client, staff, bad):
    response = api_client(staff).get(f"/crm/changes?since={bad}")
    assert response.status_code == 422
    assert "ISO 8601" in response.json()["detail"]


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_changes_refuse_non_staff(people, api_client, customer, who):
    response = api_client(None if who == "anonymous" else customer).get("/crm/changes")
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert "email" not in response.content.decode()


def test_a_preference_change_sends_contact_updated(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=[Event.CONTACT_UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            set_contact_preferences(user=customer, product_news=True)
        with django_capture_on_commit_callbacks(execute=True):
            set_contact_preferences(user=customer, product_news=True)  # no change, no event
    assert len(receiver.requests) == 1
    sent = receiver.requests[0].json
    assert sent["event"] == "contact.updated"
    assert sent["data"]["user_id"] == customer.pk
    assert sent["data"]["preferences"]["product_news"] is True


def test_erasing_an_account_tells_the_crm_and_drops_franklys_copy(
    customer, settings, django_capture_on_commit_callbacks
):
    from frankly.accounts.privacy import erase_account, request_account_deletion
    from frankly.crm.models import Contact, EmailBounce
    from frankly.crm.services import ContactData, record_bounce, save_contact
    from tests.conftest import PASSWORD

    save_contact(email=customer.email, data=ContactData(plan="Gold"))
    record_bounce(email=customer.email, code=550, message="no such user")
    kept, _ = save_contact(email="someone@else.example", data=ContactData())
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=[Event.CONTACT_UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            request_account_deletion(user=customer, password=PASSWORD, keep_content=False)
    assert receiver.requests[0].json["data"]["deleted"] is True
    # The erase job ran after the commit (tasks run inline in tests).
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not erase_account(customer.pk, keep_content=False)
    assert list(Contact.objects.all()) == [kept]
    assert not EmailBounce.objects.exists()


def test_profile_and_privacy_changes_send_contact_updated(
    customer, settings, django_capture_on_commit_callbacks
):
    from frankly.accounts.services import set_privacy, update_profile

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(url=receiver.url, events=[Event.CONTACT_UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            update_profile(user=customer, display_name="Carol C.")
        with django_capture_on_commit_callbacks(execute=True):
            set_privacy(user=customer, show_name=False, hide_profile=True)
    assert [r.json["data"]["name"] for r in receiver.requests] == ["Carol C.", "Carol C."]
