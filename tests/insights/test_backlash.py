"""Backlash early warning on synthetic histories: a burst after a quiet month must
alert (by header, email and webhook, linking the posts); a busy but ordinary day
must not."""

import pytest
from django.utils import timezone

from frankly.feedback import services as feedback
from frankly.incidents.models import Component
from frankly.insights import backlash
from frankly.insights.models import Alert, Scope
from frankly.notify import webhook_admin
from tests.conftest import make_post, make_tag
from tests.insights.support import negative_history
from tests.notify.receiver import TIMEOUT, Receiver

ANGRY = [
    "Billing charged me twice, this is terrible",
    "Awful: the invoice is wrong and support ignores me",
    "I hate this billing change, it is a disaster",
    "Horrible experience, I was charged for nothing",
    "This is a scam, the new prices are outrageous",
    "Worst update ever, billing page is broken",
    "Furious. My card was charged three times",
    "Terrible, angry, cancelling my account",
]


def quiet(hour_start) -> int:
    # One negative post every other day, at noon.
    return 1 if hour_start.hour == 12 and hour_start.toordinal() % 2 == 0 else 0


def busy_weekdays(hour_start) -> int:
    # Weekdays 9-17 are busy (8-12 negative posts an hour), nights and weekends quiet.
    if hour_start.weekday() < 5 and 9 <= hour_start.hour < 17:
        return 8 + hour_start.hour % 5
    return 1 if hour_start.hour % 3 == 0 else 0


def burst(author, count: int, *, tags=()) -> list:
    return [make_post(author, title=ANGRY[i % len(ANGRY)], tags=tags) for i in range(count)]


def test_poisson_tail_matches_hand_computed_values():
    assert backlash.poisson_tail(0, 3.0) == 1.0
    assert backlash.poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832, abs=1e-9)
    # P(X >= 3 | 1.0) = 1 - e^-1 (1 + 1 + 1/2)
    assert backlash.poisson_tail(3, 1.0) == pytest.approx(0.0803013971, abs=1e-9)


def test_ewma_of_a_constant_series_is_that_constant_with_no_variance():
    baseline = backlash.ewma_baseline([4] * 100)
    assert baseline.mean == pytest.approx(4.0)
    assert baseline.variance == pytest.approx(0.0)


@pytest.mark.django_db
def test_a_burst_after_a_quiet_month_raises_one_alert_linking_the_posts(
    customer, staff, django_capture_on_commit_callbacks
):
    billing = make_tag("Billing")
    now = timezone.now()
    negative_history(customer, now=now, per_hour=quiet)
    with django_capture_on_commit_callbacks(execute=True):
        angry = burst(customer, 8, tags=["billing"])

    raised = backlash.raise_alerts(timezone.now())

    scopes = {(a.scope, a.scope_name) for a in raised}
    assert scopes == {(Scope.EVERYWHERE, "All feedback"), (Scope.TAG, "Billing")}
    tag_alert = next(a for a in raised if a.scope == Scope.TAG)
    assert tag_alert.tag == billing
    assert tag_alert.count == 8
    assert tag_alert.expected < 0.1
    assert tag_alert.p_value < 1e-6
    assert set(tag_alert.posts.values_list("pk", flat=True)) == {p.pk for p in angry}
    # Run again a minute later: the same burst is not raised twice.
    assert backlash.raise_alerts(timezone.now()) == []
    assert Alert.objects.count() == 2


@pytest.mark.django_db
def test_a_busy_but_ordinary_weekday_raises_nothing(customer, django_capture_on_commit_callbacks):
    now = timezone.now()
    negative_history(customer, now=now, per_hour=busy_weekdays)
    with django_capture_on_commit_callbacks(execute=True):
        burst(customer, 11)
    assert backlash.find_bursts(timezone.now()) == []
    assert backlash.raise_alerts(timezone.now()) == []


@pytest.mark.django_db
def test_a_few_angry_posts_stay_below_the_minimum_count(
    customer, django_capture_on_commit_callbacks
):
    negative_history(customer, now=timezone.now(), per_hour=quiet)
    with django_capture_on_commit_callbacks(execute=True):
        burst(customer, 4)
    assert backlash.raise_alerts(timezone.now()) == []


@pytest.mark.django_db
def test_happy_posts_never_alert(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            make_post(customer, title=f"Thank you, I love the new editor {n}, great work!")
    assert backlash.raise_alerts(timezone.now()) == []


@pytest.mark.django_db
def test_staff_posts_are_not_counted_as_backlash(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        burst(staff, 8)
    assert backlash.raise_alerts(timezone.now()) == []


@pytest.mark.django_db
def test_comments_naming_a_status_component_alert_for_that_component(
    customer, other_customer, django_capture_on_commit_callbacks
):
    post = make_post(customer, title="Webhook retries", body="They retry too soon.")
    api = Component.objects.create(name="API")
    Component.objects.create(name="Dashboard")
    with django_capture_on_commit_callbacks(execute=True):
        comments = [
            feedback.add_comment(
                author=other_customer if n % 2 else customer,
                post_id=post.pk,
                body=f"The API is down again, this is terrible and broken ({n})",
            )
            for n in range(6)
        ]
    raised = backlash.raise_alerts(timezone.now())
    component_alert = next(a for a in raised if a.scope == Scope.COMPONENT)
    assert component_alert.component == api
    assert component_alert.scope_name == "API"
    assert set(component_alert.comments.values_list("pk", flat=True)) == {c.pk for c in comments}
    assert not [a for a in raised if a.scope_name == "Dashboard"]


@pytest.mark.django_db
def test_an_alert_is_emailed_to_staff_and_sent_as_a_signed_webhook(
    customer, staff, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    with Receiver() as receiver:
        webhook_admin.register_endpoint(
            actor=staff, url=receiver.url, events=["alert.raised"], description="alerts"
        )
        with django_capture_on_commit_callbacks(execute=True):
            angry = burst(customer, 6)
        with django_capture_on_commit_callbacks(execute=True):
            (alert,) = backlash.raise_alerts(timezone.now())

        assert [m["To"] for m in smtp_server.messages] == [staff.email]
        message = smtp_server.messages[0]
        assert "negative feedback rising in All feedback" in message["Subject"]
        text = message.get_content()
        assert f"/staff/insights/alerts/{alert.pk}/" in text
        for post in angry:
            assert f"/posts/{post.pk}/" in text
        assert customer.email not in [m["To"] for m in smtp_server.messages]

        (request,) = receiver.requests
        assert request.headers["X-Frankly-Event"] == "alert.raised"
        data = request.json["data"]["alert"]
        assert data["id"] == alert.pk
        assert data["count"] == 6
        assert data["posts"] == sorted(p.pk for p in angry)


@pytest.mark.django_db
def test_open_alerts_show_in_the_staff_header_only(
    customer, staff, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        burst(customer, 6)
    backlash.raise_alerts(timezone.now())
    staff_page = client_for(staff).get("/").content.decode()
    assert "1 open alert" in staff_page
    customer_page = client_for(customer).get("/").content.decode()
    assert "alert" not in customer_page.lower()


@pytest.mark.django_db
def test_the_worker_schedule_queues_the_backlash_check(
    customer, settings, django_capture_on_commit_callbacks
):
    from frankly.notify import scheduler

    with django_capture_on_commit_callbacks(execute=True):
        burst(customer, 6)
    scheduler._last_backlash_check[0] = None
    scheduler._check_for_backlash(timezone.now())
    assert Alert.objects.filter(scope=Scope.EVERYWHERE).count() == 1
    Alert.objects.all().delete()
    # Within the next few minutes the check is not queued again.
    scheduler._check_for_backlash(timezone.now())
    assert not Alert.objects.exists()
