"""Private status pages: who can read them (members and staff signed in, or the
current secret link), and that nothing of them reaches a public page, feed or API."""

import json

import feedparser
import pytest
from django.test import Client

from frankly.incidents import private_pages, services
from frankly.incidents.models import IncidentUpdate
from frankly.transparency.models import LedgerEntry
from tests.incidents.conftest import make_component, snapshot

pytestmark = pytest.mark.django_db

SECRETS = ["Acme EU cluster", "Acme disks are failing", "Replacing disk 7 in rack Q"]


@pytest.fixture
def page(staff, customer, api):
    page = private_pages.create_private_page(
        actor=staff,
        name="Acme dedicated region",
        slug="acme-eu",
        member_emails=[customer.email],
        shared_component_ids=[api.pk],
    )
    return page


@pytest.fixture
def own(staff, page):
    return services.create_component(actor=staff, name=SECRETS[0], private_page=page.slug)


@pytest.fixture
def private_incident(staff, page, own):
    incident = services.open_incident(
        actor=staff,
        title=SECRETS[1],
        impact="major",
        body=SECRETS[2],
        components=[own.pk],
        component_statuses={str(own.pk): "partial_outage"},
        private_page=page.slug,
    )
    # An edit leaves a public revision history for public incidents: not for this one.
    services.edit_incident_update(
        actor=staff,
        update_id=incident.updates.get().pk,
        body=SECRETS[2] + " (corrected)",
        reason="typo",
    )
    return incident


def _readers(request, who):
    user = None if who in ("anonymous", "wrong key", "right key") else request.getfixturevalue(who)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


ACCESS = [
    # who, key, page, feed, api
    ("anonymous", None, 302, 404, 404),
    ("wrong key", "nope", 404, 404, 404),
    ("right key", "RIGHT", 200, 200, 200),
    ("customer", None, 200, 404, 200),  # a member; a feed reader uses the link
    ("other_customer", None, 404, 404, 404),
    ("staff", None, 200, 404, 200),
]


@pytest.mark.parametrize(("who", "key", "html", "feed", "api_status"), ACCESS)
def test_who_can_read_a_private_page(
    request, page, private_incident, who, key, html, feed, api_status
):
    client = _readers(request, who)
    query = {"key": page.link_token if key == "RIGHT" else key} if key else {}
    answers = {
        "page": client.get(f"/status/private/{page.slug}/", query),
        "feed": client.get(f"/status/private/{page.slug}/feed.atom", query),
        "api": client.get(f"/api/v1/private-status/{page.slug}", query),
        "incident": client.get(f"/status/incidents/{private_incident.pk}/", query),
    }
    assert answers["page"].status_code == html
    assert answers["api"].status_code == api_status
    if key:  # feed readers cannot sign in: the feed answers the key only
        assert answers["feed"].status_code == feed
    assert answers["incident"].status_code == (200 if api_status == 200 else 404)
    for name, response in answers.items():
        body = response.content.decode()
        if response.status_code == 200:
            assert SECRETS[2] in body, name
            assert "no-store" in response["Cache-Control"]
        else:
            assert not any(secret in body for secret in SECRETS), name
    if answers["page"].status_code == 302:
        assert answers["page"]["Location"].startswith("/accounts/login/")


def test_the_feed_and_api_show_the_page_to_a_key_holder(page, own, private_incident, api):
    key = {"key": page.link_token}
    feed = feedparser.parse(Client().get(f"/status/private/{page.slug}/feed.atom", key).content)
    assert feed.entries[0].title == f"{SECRETS[1]}: Investigating"
    assert page.link_token in feed.entries[0].link  # the link works for the reader
    data = Client().get(f"/api/v1/private-status/{page.slug}", key).json()
    assert [c["name"] for c in data["components"]] == [SECRETS[0], "REST API"]
    [incident] = data["active_incidents"]
    assert incident["component_statuses"] == {str(own.pk): "partial_outage"}


def test_nothing_private_reaches_a_public_page_feed_or_api(
    staff, customer, page, own, private_incident, incident
):
    services.post_incident_update(
        actor=staff,
        incident_id=private_incident.pk,
        state="resolved",
        body="Disks replaced.",
    )
    # The private page has been rendered (and would be cached, were it cached).
    member = Client()
    member.force_login(customer)
    assert member.get(f"/status/private/{page.slug}/").status_code == 200
    public = [
        "/status/",
        "/status/history/",
        "/status/feed.atom",
        "/status/sla/",
        "/status/sla.csv",
        "/status/embed.js",
        "/status/badge/",
        "/status/subscribe/",
        "/api/v1/status",
        "/api/v1/components",
        "/api/v1/incidents",
        f"/api/v1/incidents/{private_incident.pk}",
        f"/status/incidents/{private_incident.pk}/",
        f"/transparency/history/incident_update/{private_incident.updates.last().pk}/",
        "/api/v1/ledger/entries",
        "/transparency/ledger/",
    ]
    for client in (Client(), member):  # anonymous, and a member on public pages
        for url in public:
            if client is member and url == f"/status/incidents/{private_incident.pk}/":
                continue  # the member may read it
            response = client.get(url)
            body = response.content.decode()
            leaked = [secret for secret in SECRETS if secret in body]
            assert not leaked, (url, leaked)
            assert "acme" not in body.lower(), url
    assert Client().get("/status/").status_code == 200
    assert "Elevated error rates" in Client().get("/status/").content.decode()  # public one
    # The ledger commits to the private updates by hash only.
    private_entries = LedgerEntry.objects.filter(
        object_type="incident_update",
        object_id__in=[str(u.pk) for u in IncidentUpdate.objects.filter(incident=private_incident)],
    )
    assert private_entries.count() == 3
    assert [set(json.loads(e.body)) for e in private_entries] == [{"private", "sha256"}] * 3


def test_a_rotated_link_stops_working_and_a_revoked_one_too(client_for, staff, page, own):
    old = page.link_token
    url = f"/status/private/{page.slug}/"
    assert Client().get(url, {"key": old}).status_code == 200
    assert client_for(staff).post(f"{url}link/").status_code == 302
    page.refresh_from_db()
    assert page.link_token and page.link_token != old
    assert Client().get(url, {"key": old}).status_code == 404
    assert Client().get(url, {"key": page.link_token}).status_code == 200
    assert client_for(staff).post(f"{url}link/off/").status_code == 302
    page.refresh_from_db()
    assert page.link_token == ""
    assert Client().get(url, {"key": ""}).status_code == 302  # to the log-in page
    assert Client().get(url, {"key": "anything"}).status_code == 404


def test_a_removed_member_loses_access_at_once(api_client, staff, customer, page, own):
    member = Client()
    member.force_login(customer)
    assert member.get(f"/status/private/{page.slug}/").status_code == 200
    response = api_client(staff).post(
        f"/private-status/{page.slug}/members/remove", {"email": customer.email}
    )
    assert response.json()["members"] == []
    assert member.get(f"/status/private/{page.slug}/").status_code == 404
    assert member.get(f"/api/v1/private-status/{page.slug}").status_code == 404


def test_only_staff_manage_links(client_for, api_client, customer, page):
    before = snapshot(), page.link_token
    assert client_for(customer).post(f"/status/private/{page.slug}/link/").status_code == 403
    assert api_client(customer).post(f"/private-status/{page.slug}/link").status_code == 403
    assert api_client(None).delete(f"/private-status/{page.slug}/link").status_code == 401
    page.refresh_from_db()
    assert (snapshot(), page.link_token) == before


def test_staff_manage_a_page_through_the_api(api_client, staff, customer, other_customer, api):
    client = api_client(staff)
    made = client.post(
        "/private-status",
        {"name": "Globex region", "members": [customer.email], "shared_components": [api.pk]},
    )
    assert made.status_code == 201, made.content
    data = made.json()
    assert (data["slug"], data["members"], data["shared_components"]) == (
        "globex-region",
        [customer.email],
        [api.pk],
    )
    assert client.post(
        "/private-status/globex-region/members", {"email": other_customer.email}
    ).json()["members"] == sorted([customer.email, other_customer.email])
    rotated = client.post("/private-status/globex-region/link").json()["secret_link"]
    assert rotated != data["secret_link"] and "?key=" in rotated
    key = rotated.split("?key=")[1]
    assert Client().get("/api/v1/private-status/globex-region", {"key": key}).status_code == 200
    assert client.delete("/private-status/globex-region/link").json()["secret_link"] is None
    assert Client().get("/api/v1/private-status/globex-region", {"key": key}).status_code == 404


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("/private-status", {"name": " "}, 422),
        ("/private-status", {"name": "Acme dedicated region", "slug": "acme-eu"}, 409),
        ("/private-status", {"name": "X", "members": ["nobody@example.com"]}, 422),
        ("/private-status", {"name": "X", "shared_components": [987654]}, 422),
        ("/private-status/nope/members", {"email": "a@example.com"}, 404),
        ("/private-status/nope/link", {}, 404),
        ("/components", {"name": "Y", "private_page": "nope"}, 422),
        ("/incidents", {"title": "T", "body": "B", "private_page": "nope"}, 422),
    ],
)
def test_bad_private_page_writes_are_refused_and_change_nothing(
    api_client, staff, page, path, payload, status
):
    before = snapshot()
    response = api_client(staff).post(path, payload)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert snapshot() == before


def test_public_writes_cannot_name_a_private_component(api_client, staff, page, own, client):
    before = snapshot()
    for payload in [
        {"title": "T", "body": "B", "components": [own.pk]},
        {"title": "T", "body": "B", "component_statuses": {str(own.pk): "major_outage"}},
    ]:
        response = api_client(staff).post("/incidents", payload)
        assert response.status_code == 422
        assert response.json()["detail"] == f"There is no component #{own.pk}."
    refused = client.post("/status/subscribe/", {"email": "a@example.com", "components": [own.pk]})
    assert refused.status_code == 400
    assert SECRETS[0] not in refused.content.decode()
    assert snapshot() == before


def test_outsiders_cannot_follow_comment_on_or_report_a_private_incident(
    client_for, other_customer, private_incident
):
    before = snapshot()
    client = client_for(other_customer)
    base = f"/status/incidents/{private_incident.pk}"
    assert client.post(f"{base}/follow/", {"email": "x@example.com"}).status_code == 404
    assert client.post(f"{base}/comment/", {"body": "Hello"}).status_code == 404
    assert client.post(f"{base}/affected/").status_code == 404
    assert snapshot() == before


def test_a_private_component_outage_on_a_shared_page_lists_the_public_incident(
    staff, customer, page, incident, client_for
):
    # The public incident touches the shared REST API: the audience sees it too.
    body = client_for(customer).get(f"/status/private/{page.slug}/").content.decode()
    assert "Elevated error rates on the REST API" in body


def test_the_private_component_does_not_make_the_public_banner(staff, page, own):
    services.change_component_status(actor=staff, component_id=own.pk, status="major_outage")
    make_component(staff, "Billing")
    assert "All systems operational" in Client().get("/status/").content.decode()


def test_the_private_page_reads_the_same_number_of_queries_for_more_incidents(
    staff, page, own, private_incident
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(f"/status/private/{page.slug}/", {"key": page.link_token})
        assert response.status_code == 200
        return len(queries)

    one = count()
    for n in range(3):
        services.open_incident(
            actor=staff,
            title=f"More trouble {n}",
            impact="minor",
            body="Looking.",
            components=[own.pk],
            component_statuses={str(own.pk): "degraded_performance"},
            private_page=page.slug,
        )
    assert count() == one


def test_an_auto_published_incident_of_a_private_component_stays_private(
    staff, page, own, smtp_server
):
    import socket

    from frankly.incidents import monitoring

    with socket.socket() as probe:  # a port nobody listens on: the check fails
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check = monitoring.create_check(
        actor=staff,
        component_id=own.pk,
        kind="tcp",
        target=f"127.0.0.1:{port}",
        timeout_seconds=1,
        auto_publish=True,
    )
    monitoring.run_check(check)
    check.refresh_from_db()
    assert check.incident is not None and check.incident.private_page_id == page.pk
    assert SECRETS[0] not in Client().get("/status/").content.decode()
    assert Client().get("/api/v1/incidents").json()["items"] == []
