"""Contact preferences: set by the person with a visible history, honoured by every
sender of email, and exported as a do-not-contact list for staff's other tools."""

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from frankly.accounts import contact
from frankly.accounts.contact import Topic, may_contact, set_contact_preferences
from frankly.accounts.models import ContactPreferenceChange
from frankly.errors import Invalid
from frankly.incidents import services as incidents
from frankly.incidents.models import StatusSubscription
from frankly.notify.models import OutboxMessage
from frankly.notify.outbox import queue_email
from frankly.roadmap import services as roadmap
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_defaults_say_no_to_everything_but_incident_notices(customer):
    prefs = contact.preferences_for(customer)
    assert (prefs.product_news, prefs.surveys, prefs.incident_notices, prefs.sales_contact) == (
        False,
        False,
        True,
        "never",
    )
    for topic in (Topic.PRODUCT_NEWS, Topic.SURVEYS, Topic.SALES):
        assert not may_contact(email=customer.email, topic=topic)
    assert may_contact(email=customer.email, topic=Topic.ACCOUNT)


def test_changes_are_kept_with_their_time_and_shown_to_the_person(customer, client_for):
    set_contact_preferences(user=customer, product_news=True, sales_contact="when_asked")
    set_contact_preferences(user=customer, product_news=False)
    history = list(ContactPreferenceChange.objects.filter(user=customer).order_by("pk"))
    assert [(c.field, c.old_value, c.new_value) for c in history] == [
        ("product_news", "no", "yes"),
        ("sales_contact", "never", "when_asked"),
        ("product_news", "yes", "no"),
    ]
    assert all(c.changed_at <= timezone.now() for c in history)
    page = client_for(customer).get("/account/contact/").content.decode()
    assert page.count("<tr><td><time") == 3
    assert "when_asked" in page


def test_the_page_saves_choices_and_refuses_a_bad_one(customer, client_for):
    client = client_for(customer)
    response = client.post(
        "/account/contact/", {"surveys": "on", "incident_notices": "on", "sales_contact": "never"}
    )
    assert response.status_code == 302
    assert contact.preferences_for(customer).surveys is True
    response = client.post("/account/contact/", {"sales_contact": "daily calls"})
    assert response.status_code == 400
    assert contact.preferences_for(customer).surveys is True  # nothing lost


def test_the_api_reads_and_patches_preferences(customer, api_client):
    client = api_client(customer)
    assert client.get("/me/contact-preferences").json()["sales_contact"] == "never"
    response = client.patch("/me/contact-preferences", {"product_news": True})
    assert response.status_code == 200 and response.json()["product_news"] is True
    bad = client.patch("/me/contact-preferences", {"sales_contact": "always"})
    assert bad.status_code == 422
    history = client.get("/me/contact-preferences/history").json()["items"]
    assert [h["field"] for h in history] == ["product_news"]
    assert api_client(None).get("/me/contact-preferences").status_code == 401


def test_the_service_names_what_it_does_not_know(customer):
    with pytest.raises(Invalid) as raised:
        set_contact_preferences(user=customer, fax=True)
    assert "fax" in raised.value.message


def test_the_outbox_refuses_a_topic_the_recipient_said_no_to(customer):
    assert (
        queue_email(key="s1", to=customer.email, subject="Survey", body="?", topic=Topic.SURVEYS)
        is None
    )
    assert (
        queue_email(key="s2", to=customer.email, subject="Buy", body="!", topic=Topic.SALES) is None
    )
    set_contact_preferences(user=customer, surveys=True)
    assert queue_email(key="s3", to=customer.email, subject="Survey", body="?", topic=Topic.SURVEYS)
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == ["s3"]


def test_incident_mail_skips_accounts_that_said_no_but_reaches_plain_subscribers(
    staff, customer, smtp_server, django_capture_on_commit_callbacks
):
    for email in (customer.email, "someone@example.com"):
        StatusSubscription.objects.create(
            email=email, all_components=True, confirmed_at=timezone.now()
        )
    set_contact_preferences(user=customer, incident_notices=False)
    api = incidents.create_component(actor=staff, name="API")
    with django_capture_on_commit_callbacks(execute=True):
        incidents.open_incident(
            actor=staff,
            title="API errors",
            impact="major",
            body="Requests fail.",
            components=[api.pk],
            component_statuses={api.pk: "major_outage"},
        )
    assert [m["To"] for m in smtp_server.messages] == ["someone@example.com"]


def test_confirming_a_status_subscription_turns_incident_notices_on(customer):
    from frankly.incidents.subscriptions import confirm

    set_contact_preferences(user=customer, incident_notices=False)
    subscription = StatusSubscription.objects.create(email=customer.email, all_components=True)
    confirm(token=subscription.token)
    assert fresh(customer).incident_notices is True
    assert customer.contact_preference_changes.first().new_value == "yes"


def test_product_news_reaches_only_those_who_asked_and_stops_in_one_click(
    staff, customer, other_customer, smtp_server, django_capture_on_commit_callbacks, client
):
    set_contact_preferences(user=customer, product_news=True)
    with django_capture_on_commit_callbacks(execute=True):
        entry = roadmap.create_entry(
            actor=staff, title="Dark mode", body="It is here.", category="new"
        )
        roadmap.publish_entry(actor=staff, entry_id=entry.pk)
    assert [m["To"] for m in smtp_server.messages] == [customer.email]
    message = smtp_server.messages[0]
    assert "Dark mode" in message["Subject"]
    link = re.search(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    response = client.post(link.replace("http://testserver", "").split("8000", 1)[-1])
    assert response.status_code == 200
    assert fresh(customer).product_news is False
    assert other_customer.email not in [m["To"] for m in smtp_server.messages]


def test_a_forged_stop_link_changes_nothing(customer, client):
    set_contact_preferences(user=customer, product_news=True)
    response = client.post("/account/contact/stop/not-a-token/")
    assert response.status_code == 404
    assert fresh(customer).product_news is True


def test_every_email_in_the_code_goes_through_the_outbox_with_a_topic():
    """Mail sent around the outbox would skip the preference check. The only direct
    sends are replies to the address's own request (a subscription confirmation)
    and the last mail to someone who just deleted their account."""
    allowed = {"incidents/subscriptions.py", "accounts/privacy.py", "notify/outbox.py"}
    root = Path(__file__).resolve().parents[2] / "frankly"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text()
        relative = str(path.relative_to(root))
        if (
            re.search(r"EmailMessage\(|send_mail\(|send_mass_mail\(", text)
            and relative not in allowed
        ):
            offenders.append(relative)
        for node in ast.walk(ast.parse(text)):
            is_queue = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "queue_email"
            if is_queue and "topic" not in {k.arg for k in node.keywords}:
                offenders.append(f"{relative}:{node.lineno}: queue_email without a topic")
    assert offenders == []


def fresh(user):
    """The stored preferences (the user instance may cache an older copy)."""
    user.refresh_from_db()
    return contact.preferences_for(user)


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_staff_export_the_do_not_contact_list(
    staff, customer, other_customer, client_for, api_client
):
    set_contact_preferences(user=other_customer, sales_contact="when_asked", product_news=True)
    response = client_for(staff).get("/staff/do-not-contact.csv")
    assert response.status_code == 200
    emails = {row["email"] for row in rows(response)}
    assert customer.email in emails and other_customer.email not in emails
    news = rows(client_for(staff).get("/staff/do-not-contact.csv?topic=product_news"))
    assert other_customer.email not in {r["email"] for r in news}
    api = api_client(staff).get("/contacts/do-not-contact?topic=sales&limit=1")
    assert api.status_code == 200
    assert len(api.json()["items"]) == 1 and api.json()["next"]
    bad = api_client(staff).get("/contacts/do-not-contact?topic=everything")
    assert bad.status_code == 422 and "topic" in bad.json()["detail"]


def test_customers_and_strangers_cannot_export_it(customer, client_for, api_client):
    make_user()
    assert client_for(customer).get("/staff/do-not-contact.csv").status_code == 403
    assert client_for(None).get("/staff/do-not-contact.csv").status_code == 302
    assert api_client(customer).get("/contacts/do-not-contact").status_code == 403
    assert api_client(None).get("/contacts/do-not-contact").status_code == 401
