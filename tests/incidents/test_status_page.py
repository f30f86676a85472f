"""The status page, incident pages, history, feed and embeds through the real HTTP
stack: what they show, how they are cached, and how many queries they cost."""

import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from frankly.incidents import services
from frankly.incidents.models import AffectedReport, Incident, IncidentComment, StatusVersion
from frankly.transparency.moderation import hide_content
from frankly.transparency.rules import create_rule
from tests.conftest import make_user
from tests.incidents.conftest import make_component, reload

pytestmark = pytest.mark.django_db

CACHE_CONTROL = "public, max-age=10, stale-while-revalidate=30"


def html(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def uptime_svgs(page: str) -> list[str]:
    return re.findall(r'<svg class="uptime-bars".*?</svg>', page, re.S)


def schedule(staff, components, *, title="Database upgrade", start, minutes=60):
    return services.schedule_maintenance(
        actor=staff,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        components=[c.pk for c in components],
    )


# What the page shows


def test_all_operational_shows_the_calm_banner(api, webhooks):
    page = html(Client().get("/status/"))
    assert "All systems operational" in page
    assert "Partial outage" not in page and "Major outage" not in page


def test_a_partial_outage_names_the_component(staff, api, webhooks):
    services.change_component_status(actor=staff, component_id=api.pk, status="partial_outage")
    page = html(Client().get("/status/"))
    assert "Partial outage: REST API" in page
    assert "All systems operational" not in page
    assert "Webhooks (" not in page  # only components that are not operational are named


def test_the_worst_component_sets_the_banner(staff, api, webhooks):
    services.change_component_status(
        actor=staff, component_id=api.pk, status="degraded_performance"
    )
    services.change_component_status(actor=staff, component_id=webhooks.pk, status="major_outage")
    page = html(Client().get("/status/"))
    assert "Major outage: REST API (degraded performance), Webhooks (major outage)" in page


def test_incidents_and_maintenance_come_before_the_components(staff, incident, dashboard):
    schedule(staff, [dashboard], start=timezone.now() + timedelta(days=2))
    page = html(Client().get("/status/"))
    positions = [
        page.index("Elevated error rates on the REST API"),
        page.index("About 5% of API requests fail."),
        page.index("Upcoming maintenance: Database upgrade"),
        page.index('id="components-heading"'),
        page.index("Web dashboard</span>"),
    ]
    assert positions == sorted(positions)


def test_each_component_has_ninety_uptime_bars(staff, api, webhooks, dashboard):
    services.change_component_status(actor=staff, component_id=api.pk, status="major_outage")
    page = html(Client().get("/status/"))
    svgs = uptime_svgs(page)
    assert len(svgs) == 3
    assert [svg.count("<rect") for svg in svgs] == [90, 90, 90]
    # Grouped components first, in their group's order; then those without a group.
    names = [re.search(r'aria-label="([^:]+):', svg).group(1) for svg in svgs]
    assert names == ["REST API", "Webhooks", "Web dashboard"]
    # The components are new: every day but today is "no data".
    assert [svg.count("no-data") for svg in svgs] == [89, 89, 89]
    assert 'class="bar major_outage"' in svgs[0]
    assert 'class="bar operational"' in svgs[1]


def test_maintenance_is_announced_then_shown_in_progress(staff, api, webhooks):
    upcoming = schedule(staff, [api], start=timezone.now() + timedelta(days=1))
    page = html(Client().get("/status/"))
    assert "Upcoming maintenance: Database upgrade" in page
    assert "Maintenance in progress" not in page

    services.cancel_maintenance(actor=staff, maintenance_id=upcoming.pk)
    assert "Database upgrade" not in html(Client().get("/status/"))

    schedule(staff, [api], title="Cache flush", start=timezone.now() - timedelta(minutes=10))
    page = html(Client().get("/status/"))
    assert "Maintenance in progress: Cache flush" in page
    assert "Maintenance in progress: REST API (under maintenance)" in page  # the banner
    assert reload(api).status == "under_maintenance"


def test_a_due_window_starts_when_the_page_is_opened(staff, api):
    maintenance = schedule(staff, [api], start=timezone.now() + timedelta(days=1))
    # Time passes: move the window to now, as if the day had gone by.
    type(maintenance).objects.filter(pk=maintenance.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    page = html(Client().get("/status/"))
    assert "Maintenance in progress: Database upgrade" in page
    assert reload(maintenance).state == "in_progress"


def test_the_history_groups_incidents_by_month(staff, api):
    titles = {
        "January outage": datetime(2025, 1, 15, 10, tzinfo=UTC),
        "Early February slowness": datetime(2025, 2, 1, 0, 30, tzinfo=UTC),
        "Late February errors": datetime(2025, 2, 27, 23, 0, tzinfo=UTC),
    }
    for title, started in titles.items():
        incident = services.open_incident(
            actor=staff, title=title, impact="minor", body="Looking.", components=[api.pk]
        )
        Incident.objects.filter(pk=incident.pk).update(created_at=started)
    page = html(Client().get("/status/history/"))
    sections = dict(re.findall(r'<h2 id="m-([\d-]+)">.*?</h2>(.*?)</section>', page, re.S))
    assert list(sections) == ["2025-02", "2025-01"]  # newest month first
    assert "February 2025" in page and "January 2025" in page
    assert "Late February errors" in sections["2025-02"]
    assert "Early February slowness" in sections["2025-02"]
    assert "January outage" not in sections["2025-02"]
    assert "January outage" in sections["2025-01"]
    assert sections["2025-02"].index("Late February") < sections["2025-02"].index("Early February")


# The incident page


def test_the_incident_page_shows_updates_newest_first(staff, incident):
    for state, body in [("identified", "Found the bad replica."), ("monitoring", "Watching now.")]:
        services.post_incident_update(actor=staff, incident_id=incident.pk, state=state, body=body)
    page = html(Client().get(f"/status/incidents/{incident.pk}/"))
    order = [page.index(t) for t in ("Watching now.", "Found the bad replica.", "About 5% of API")]
    assert order == sorted(order)
    assert "REST API, Webhooks" in page
    assert page.count('<li class="update"') == 3


def test_an_unknown_incident_is_a_404():
    assert Client().get("/status/incidents/987654321/").status_code == 404
    assert Client().get("/status/incidents/99999999999999999999/").status_code == 404


def test_a_customer_comment_stays_visible(client_for, customer, incident):
    response = client_for(customer).post(
        f"/status/incidents/{incident.pk}/comment/", {"body": "Our deploys fail on **POST**."}
    )
    comment = IncidentComment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/status/incidents/{incident.pk}/#comment-{comment.pk}"
    assert (comment.author, reload(incident).comment_count) == (customer, 1)
    page = html(Client().get(f"/status/incidents/{incident.pk}/"))
    assert "Our deploys fail on <strong>POST</strong>." in page
    assert "Carol Customer" in page
    assert "What customers say (1)" in page


def test_anonymous_visitors_are_asked_to_log_in_to_comment(incident):
    response = Client().post(f"/status/incidents/{incident.pk}/comment/", {"body": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not IncidentComment.objects.exists()
    assert "Log in</a> to comment" in html(Client().get(f"/status/incidents/{incident.pk}/"))


def test_affects_me_too_counts_each_person_once_and_only_staff_see_the_count(
    client_for, customer, other_customer, staff, incident
):
    url = f"/status/incidents/{incident.pk}/affected/"
    carol = client_for(customer)
    for _ in range(2):
        assert carol.post(url).status_code == 302
    assert reload(incident).affected_count == 1
    assert client_for(other_customer).post(url).status_code == 302
    assert reload(incident).affected_count == 2

    staff_page = html(client_for(staff).get(incident.get_absolute_url()))
    assert "2 customers said this affects them." in staff_page
    customer_page = html(carol.get(incident.get_absolute_url()))
    assert "said this affects them" not in customer_page
    assert "This no longer affects me" in customer_page
    assert "This affects me too" in html(
        client_for(make_user(name="Third Customer")).get(incident.get_absolute_url())
    )

    assert carol.post(url, {"affected": "0"}).status_code == 302
    assert reload(incident).affected_count == 1
    response = Client().post(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert AffectedReport.objects.count() == 1


def test_a_hidden_comment_shows_the_tombstone(
    client_for, customer, other_customer, staff, incident
):
    rude = services.add_incident_comment(
        author=customer, incident_id=incident.pk, body="You are all idiots."
    )
    services.add_incident_comment(
        author=other_customer, incident_id=incident.pk, body="Same problem here in eu-west."
    )
    rule = create_rule(actor=staff, title="Be kind", description="Criticise ideas, not people.")
    hide_content(
        actor=staff,
        object_type="incident_comment",
        object_id=rude.pk,
        rule_id=rule.pk,
        reason="A personal attack.",
    )
    page = html(Client().get(incident.get_absolute_url()))
    assert "You are all idiots." not in page
    assert "Hidden by a moderator under rule \u2018Be kind\u2019: A personal attack." in page
    assert "Same problem here in eu-west." in page
    assert "What customers say (2)" in page  # the tombstone keeps its place
    # The author still sees their own words (to appeal).
    assert "You are all idiots." in html(client_for(customer).get(incident.get_absolute_url()))


# Caching: a CDN may absorb the traffic, but never serves a status older than a write


def _write_update(staff, incident, **_):
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="identified", body="Found the bad replica."
    )
    return "Found the bad replica."


def _write_status(staff, webhooks, **_):
    services.change_component_status(actor=staff, component_id=webhooks.pk, status="major_outage")
    return "Webhooks (major outage)"


def _write_comment(customer, incident, **_):
    services.add_incident_comment(author=customer, incident_id=incident.pk, body="Same here.")
    return None  # comments are on the incident page; the status page's version still moves


def _write_maintenance(staff, api, **_):
    schedule(staff, [api], title="Kernel patching", start=timezone.now() + timedelta(days=3))
    return "Upcoming maintenance: Kernel patching"


def _write_incident(staff, webhooks, **_):
    services.open_incident(
        actor=staff,
        title="Webhook deliveries delayed",
        impact="minor",
        body="Deliveries are 15 minutes late.",
        component_statuses={str(webhooks.pk): "degraded_performance"},
    )
    return "Webhook deliveries delayed"


WRITES = [_write_update, _write_status, _write_comment, _write_maintenance, _write_incident]


def settle() -> None:
    """As if the last status write were a few seconds ago: Last-Modified is only sent
    once the second of the last write is over."""
    StatusVersion.objects.update(changed_at=F("changed_at") - timedelta(seconds=5))


def test_anonymous_visitors_get_a_cacheable_page_with_validators(incident):
    settle()
    client = Client()
    first = client.get("/status/")
    assert first.status_code == 200
    assert first["Cache-Control"] == CACHE_CONTROL
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith(" GMT")
    assert "Cookie" in first["Vary"]
    assert not first.cookies  # a shared copy must not set anyone's cookie
    assert "csrfmiddlewaretoken" not in first.content.decode()

    again = client.get("/status/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    several = f'"other", W/{first["ETag"]}'
    assert client.get("/status/", headers={"If-None-Match": several}).status_code == 304
    assert client.get("/status/", headers={"If-None-Match": '"other"'}).status_code == 200
    since = client.get("/status/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304 and since.content == b""
    earlier = http_date(parse_http_date(first["Last-Modified"]) - 1)
    assert client.get("/status/", headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.removeprefix("_write_"))
def test_a_status_write_shows_at_once_and_old_validators_stop_matching(
    write, staff, customer, incident, api, webhooks
):
    settle()
    client = Client()
    before = client.get("/status/")
    etag, modified = before["ETag"], before["Last-Modified"]
    assert client.get("/status/", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/status/", headers={"If-Modified-Since": modified}).status_code == 304

    new_text = write(staff=staff, customer=customer, incident=incident, api=api, webhooks=webhooks)

    after = client.get("/status/", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag
    if new_text:
        assert new_text not in before.content.decode()
        assert new_text in after.content.decode()
    revalidated = client.get("/status/", headers={"If-Modified-Since": modified})
    assert revalidated.status_code == 200
    assert revalidated.content == after.content
    assert client.get("/status/", headers={"If-None-Match": after["ETag"]}).status_code == 304


def test_a_second_write_in_the_same_second_is_never_hidden_by_if_modified_since(
    monkeypatch, staff, api, webhooks
):
    start = datetime(2030, 6, 1, 12, 0, 0, 100_000, tzinfo=UTC)
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    client = Client()

    services.change_component_status(actor=staff, component_id=api.pk, status="major_outage")
    clock["now"] = start + timedelta(milliseconds=100)
    same_second = client.get("/status/")
    # Another write may still come in this second, so no date that it would match.
    assert not same_second.has_header("Last-Modified")

    clock["now"] = start + timedelta(seconds=1)
    served = client.get("/status/")
    assert served["Last-Modified"] == "Sat, 01 Jun 2030 12:00:00 GMT"
    services.change_component_status(actor=staff, component_id=webhooks.pk, status="major_outage")
    clock["now"] = start + timedelta(seconds=1, milliseconds=100)
    revalidated = client.get("/status/", headers={"If-Modified-Since": served["Last-Modified"]})
    assert revalidated.status_code == 200
    assert "Webhooks (major outage)" in revalidated.content.decode()


def test_signed_in_people_get_a_private_page_never_the_shared_copy(
    client_for, staff, customer, incident
):
    public = Client().get("/status/")
    for person in (customer, staff):
        response = client_for(person).get("/status/", headers={"If-None-Match": public["ETag"]})
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("private")
        assert "public" not in response["Cache-Control"]
        assert not response.has_header("ETag")
    staff_page = html(client_for(staff).get("/status/"))
    assert "Staff: open an incident" in staff_page
    # The staff render was not stored for everyone else.
    anonymous_page = html(Client().get("/status/"))
    assert "Staff: open an incident" not in anonymous_page
    assert "Log out" not in anonymous_page


def test_one_visitors_request_does_not_leak_into_the_shared_page(incident):
    marker = "injected-by-a-visitor"
    first = Client().get(f"/status/?q={marker}&next={marker}", HTTP_HOST="localhost")
    assert first.status_code == 200
    page = html(Client().get("/status/"))
    assert marker not in page
    assert "//localhost" not in page


def api_get(client, path: str, **headers):
    return client.client.get(f"/api/v1{path}", headers={**client.headers, **headers})


def test_the_api_status_is_cached_the_same_way(api_client, staff, customer, incident, webhooks):
    settle()
    client = api_client(None)
    first = client.get("/status")
    assert first.status_code == 200 and first["Cache-Control"] == CACHE_CONTROL
    etag, modified = first["ETag"], first["Last-Modified"]
    not_modified = api_get(client, "/status", **{"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert api_get(client, "/status", **{"If-Modified-Since": modified}).status_code == 304

    services.change_component_status(actor=staff, component_id=webhooks.pk, status="major_outage")
    after = api_get(client, "/status", **{"If-None-Match": etag})
    assert after.status_code == 200 and after["ETag"] != etag
    assert {c["name"]: c["status"] for c in after.json()["components"]}["Webhooks"] == (
        "major_outage"
    )
    assert api_get(client, "/status", **{"If-Modified-Since": modified}).status_code == 200

    for person in (customer, staff):
        private = api_get(api_client(person), "/status", **{"If-None-Match": after["ETag"]})
        assert private.status_code == 200
        assert private["Cache-Control"].startswith("private")
        assert not private.has_header("ETag")


# Feed and embeds


def test_the_feed_is_valid_atom_with_stable_ids(staff, incident):
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="identified", body="Found the bad replica."
    )
    first = Client().get("/status/feed.atom")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(first.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Status updates"
    assert feed.feed.get("updated")
    assert len(feed.entries) == 2
    newest = feed.entries[0]
    assert newest.title == "Elevated error rates on the REST API: Identified"
    assert "Found the bad replica." in newest.summary
    assert newest.link.endswith(
        f"/status/incidents/{incident.pk}/#update-{incident.updates.first().pk}"
    )
    assert all(e.get("updated") and e.get("id") for e in feed.entries)

    second = feedparser.parse(Client().get("/status/feed.atom").content)
    assert [e.id for e in second.entries] == [e.id for e in feed.entries]
    assert len({e.id for e in feed.entries}) == 2

    page = html(Client().get("/status/"))
    link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', page)
    assert link and 'href="/status/feed.atom"' in link.group(0)


def test_the_embed_script_carries_the_current_status(staff, api):
    first = Client().get("/status/embed.js")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/javascript")
    script = first.content.decode()
    assert '"text": "All systems operational"' in script
    assert '"url": "http://' in script and "document.createElement" in script

    services.change_component_status(actor=staff, component_id=api.pk, status="major_outage")
    script = Client().get("/status/embed.js").content.decode()
    assert '"text": "Major outage"' in script and '"status": "major_outage"' in script


def test_the_badge_can_be_framed_but_the_status_page_cannot(staff, api):
    badge = Client().get("/status/badge/")
    assert badge.status_code == 200
    assert not badge.has_header("X-Frame-Options")
    assert "All systems operational" in badge.content.decode()
    status = Client().get("/status/")
    assert status["X-Frame-Options"] == "DENY"

    services.change_component_status(actor=staff, component_id=api.pk, status="partial_outage")
    assert "Partial outage" in Client().get("/status/badge/").content.decode()


# Queries


def _count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), html(response)


def test_the_status_page_runs_a_fixed_number_of_queries(client_for, staff, incident, api):
    schedule(staff, [api], start=timezone.now() + timedelta(days=1))
    services.post_incident_update(actor=staff, incident_id=incident.pk, state="resolved", body="Ok")
    services.open_incident(
        actor=staff, title="Second", impact="minor", body="Hm", components=[api.pk]
    )
    make_component(staff, "Web dashboard")  # three components
    client = client_for(staff)
    few, page = _count_queries(client, "/status/")
    assert len(uptime_svgs(page)) == 3
    for i in range(9):
        component = make_component(staff, f"Region {i}", group=f"Group {i % 3}")
        services.change_component_status(
            actor=staff, component_id=component.pk, status="degraded_performance"
        )
    many, page = _count_queries(client, "/status/")
    assert len(uptime_svgs(page)) == 12
    assert many == few
    assert few < 20


def test_the_feed_sends_cache_headers_and_is_fresh_after_an_update(staff, incident):
    first = Client().get("/status/feed.atom")
    assert "public" in first["Cache-Control"] and first["ETag"]
    assert (
        Client().get("/status/feed.atom", headers={"if-none-match": first["ETag"]}).status_code
        == 304
    )
    services.post_incident_update(
        actor=staff, incident_id=incident.pk, state="monitoring", body="A fix is rolling out."
    )
    again = Client().get("/status/feed.atom", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "A fix is rolling out." in feedparser.parse(again.content).entries[0].summary


def test_quiet_days_in_a_row_are_one_bar_and_an_outage_day_stands_alone(staff, api):
    from frankly.incidents.models import ComponentStatusChange

    now = timezone.now()
    api.status_changes.update(started_at=now - timedelta(days=120))
    outage_start = (now - timedelta(days=10)).replace(hour=12, minute=0)
    ComponentStatusChange.objects.create(
        component=api, status="major_outage", started_at=outage_start
    )
    ComponentStatusChange.objects.create(
        component=api, status="operational", started_at=outage_start + timedelta(minutes=30)
    )
    services.change_component_status(actor=staff, component_id=api.pk, status="operational")
    (svg,) = uptime_svgs(html(Client().get("/status/")))
    bars = re.findall(r'<rect x="(\d+)" y="0" width="(\d+)"[^>]*><title>([^<]*)</title>', svg)
    # Quiet days before the outage, the outage day, quiet days after it.
    assert len(bars) == 3, bars
    assert "30 minutes of outage" in bars[1][2]
    assert bars[1][1] == "3"  # one day wide
    assert "\u2013" in bars[0][2] and "\u2013" in bars[2][2]  # a range of dates
    # The bars cover the 90 days exactly, without gaps.
    assert [int(x) for x, _, _ in bars] == [0, int(bars[0][1]) + 1, int(bars[1][0]) + 4]
    assert (int(bars[2][0]) + int(bars[2][1]) + 1) // 4 == 90


def test_a_cached_status_answer_costs_one_query_and_maintenance_still_starts_on_time(staff, api):
    maintenance = schedule(staff, [api], start=timezone.now() + timedelta(minutes=5))
    client = Client()
    client.get("/status/")  # renders and caches the page and the next maintenance time
    for url in ("/status/", "/api/v1/status"):
        client.get(url)
        count, _ = _count_queries(client, url)
        assert count == 1, url  # the status version; nothing else
    # Once the window's start has come, the next request starts it.
    from unittest import mock

    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = html(client.get("/status/"))
    assert reload(maintenance).state == "in_progress"
    assert reload(api).status == "under_maintenance"
    assert "under maintenance" in page.lower()
