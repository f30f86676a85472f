"""The insights API: similar posts for anyone, summary and alerts for staff."""

import pytest
from django.utils import timezone

from frankly.insights import backlash
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def test_similar_posts_come_back_as_json_best_first(api_client, customer):
    dark = make_post(customer, title="Dark mode for the dashboard")
    make_post(customer, title="Export invoices as PDF")
    response = api_client(None).get("/posts/similar?title=dark theme for dashboards")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["id"] == dark.pk
    assert items[0]["url"] == f"/posts/{dark.pk}/"
    assert set(items[0]) == {
        "id",
        "url",
        "title",
        "kind",
        "status",
        "vote_count",
        "comment_count",
        "score",
    }
    assert all(i["title"] != "Export invoices as PDF" for i in items)


def test_similar_posts_refuse_bad_input_clearly(api_client, customer):
    client = api_client(None)
    missing = client.get("/posts/similar")
    assert missing.status_code == 422 and "title" in missing.json()["detail"]
    too_long = client.get("/posts/similar?title=" + "a" * 301)
    assert too_long.status_code == 422
    assert client.get("/posts/similar?title=x&limit=9").status_code == 422
    nul = client.get("/posts/similar?title=dark%00mode")
    assert nul.status_code == 422 and "not allowed" in nul.json()["detail"]
    assert client.get("/posts/similar?title=").json() == {"items": []}


def test_the_post_route_still_takes_numbers(api_client, post):
    assert api_client(None).get(f"/posts/{post.pk}").json()["id"] == post.pk


def test_summary_and_alerts_are_for_staff_only(api_client, customer):
    for path in ("/insights/summary", "/insights/alerts"):
        assert api_client(None).get(path).status_code == 401
        refused = api_client(customer).get(path)
        assert refused.status_code == 403
        assert refused.json() == {"detail": "Only staff can do that."}


def test_summary_counts_volume_and_sentiment(
    api_client, customer, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer, title="I love it, great work")
        make_post(customer, title="Terrible, broken, awful")
    body = api_client(staff).get("/insights/summary").json()
    assert body["last_7_days"]["posts"] == 2
    assert body["last_7_days"]["sentiment"] == {"negative": 1, "neutral": 0, "positive": 1}
    assert body["unanswered_posts"] == 2
    assert body["open_alerts"] == 0
    assert body["this_month"]["posts"] == 2
    assert body["this_month"]["median_hours_to_first_response"] is None  # not answered yet


def test_alerts_list_with_cursor_and_open_filter(
    api_client, customer, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        angry = [make_post(customer, title=f"Awful, broken, I hate it {n}") for n in range(6)]
    (alert,) = backlash.raise_alerts(timezone.now())
    client = api_client(staff)
    body = client.get("/insights/alerts?limit=1").json()
    assert body["next"] is None
    (item,) = body["items"]
    assert item["id"] == alert.pk
    assert item["scope"] == "all"
    assert item["posts"] == sorted(p.pk for p in angry)
    assert item["acknowledged_at"] is None
    assert client.get("/insights/alerts?limit=0").status_code == 422
    bad_cursor = client.get("/insights/alerts?cursor=nonsense")
    assert bad_cursor.status_code == 422
    from frankly.insights.services import acknowledge_alert

    acknowledge_alert(actor=staff, alert_id=alert.pk)
    assert client.get("/insights/alerts?open=true").json()["items"] == []
    assert len(client.get("/insights/alerts").json()["items"]) == 1
