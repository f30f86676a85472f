"""Following one incident only: double opt-in, its updates and no other incident's,
one mail per address even when the person also subscribes to everything, and no
mail at all for a component status change outside an incident."""

import pytest
from django.core import mail

from frankly.incidents import services, subscriptions
from frankly.incidents.models import IncidentSubscription
from frankly.notify.models import OutboxMessage
from tests.incidents.conftest import make_component

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(staff, django_capture_on_commit_callbacks):
    """Post an incident update and run what it queues after commit (the mail task)."""

    def post(incident, state: str, body: str):
        with django_capture_on_commit_callbacks(execute=True):
            services.post_incident_update(
                actor=staff, incident_id=incident.pk, state=state, body=body
            )

    return post


@pytest.fixture
def two_incidents(staff):
    api = make_component(staff, "API")
    web = make_component(staff, "Website")
    first = services.open_incident(
        actor=staff, title="API errors", impact="minor", body="Looking.", components=[api.pk]
    )
    second = services.open_incident(
        actor=staff, title="Website slow", impact="minor", body="Looking.", components=[web.pk]
    )
    return first, second, api


def test_a_follower_gets_that_incidents_updates_only(
    client, two_incidents, update, django_capture_on_commit_callbacks
):
    first, second, _ = two_incidents
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/status/incidents/{first.pk}/follow/", {"email": "Ana@Example.com"}
        )
    assert response.status_code == 200
    assert "the updates of the incident “API errors”" in mail.outbox[-1].body
    # Nothing before confirmation.
    update(first, "identified", "A")
    assert not OutboxMessage.objects.filter(to="ana@example.com").exists()

    subscription = IncidentSubscription.objects.get(email="ana@example.com")
    subscriptions.confirm(token=subscription.token)
    update(first, "monitoring", "B")
    update(second, "identified", "C")
    sent = OutboxMessage.objects.filter(to="ana@example.com")
    assert sent.count() == 1
    assert "API errors: Monitoring" in sent.get().subject
    assert "asked for the updates of this incident" in sent.get().body

    subscriptions.unsubscribe(token=subscription.token)
    update(first, "resolved", "D")
    assert sent.count() == 1


def test_one_mail_per_address_when_also_subscribed_to_everything(two_incidents, update):
    first, _, _ = two_incidents
    everything = subscriptions.subscribe(email="bo@example.com")
    subscriptions.confirm(token=everything.token)
    follow = subscriptions.subscribe_to_incident(email="bo@example.com", incident_id=first.pk)
    subscriptions.confirm(token=follow.token)
    update(first, "identified", "A")
    assert OutboxMessage.objects.filter(to="bo@example.com").count() == 1


def test_component_changes_outside_incidents_send_no_mail(
    staff, two_incidents, update, django_capture_on_commit_callbacks
):
    first, _, api = two_incidents
    everything = subscriptions.subscribe(email="cy@example.com", component_ids=[api.pk])
    subscriptions.confirm(token=everything.token)
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("degraded_performance", "partial_outage", "operational"):
            services.change_component_status(actor=staff, component_id=api.pk, status=status)
    assert not OutboxMessage.objects.filter(to="cy@example.com").exists()
    update(first, "identified", "A")  # while an incident update does reach them
    assert OutboxMessage.objects.filter(to="cy@example.com").count() == 1


def test_a_bad_address_or_incident_is_refused_and_nothing_is_stored(client, two_incidents):
    first, _, _ = two_incidents
    response = client.post(f"/status/incidents/{first.pk}/follow/", {"email": "nope"}, follow=True)
    assert "not an email address we can write to" in response.content.decode()
    assert client.post("/status/incidents/99999/follow/", {"email": "a@b.co"}).status_code == 404
    assert not IncidentSubscription.objects.exists()


def test_the_incident_page_offers_to_follow_it(client, two_incidents):
    first, _, _ = two_incidents
    page = client.get(f"/status/incidents/{first.pk}/").content.decode()
    assert f'action="/status/incidents/{first.pk}/follow/"' in page
