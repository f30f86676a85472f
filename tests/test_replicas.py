"""Public reads go to a read replica when one is configured (frankly/replicas.py).

The replica here is a second database alias with its own connection to the test
database, as Django's test ``MIRROR`` does, so the tests see which alias ran what.
"""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from frankly.feedback.models import Post
from frankly.replicas import REPLICA, reading_public_pages
from tests.conftest import ApiClient, make_post


@pytest.fixture
def replica(transactional_db, settings):
    settings.DATABASE_ROUTERS = ["frankly.replicas.ReplicaRouter"]
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    # Connected here, as the test case only lets the aliases it knows connect lazily.
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def run(request):
    """The SQL that ``request()`` ran on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = request()
    assert response.status_code < 400, response.content[:300]
    return [q["sql"] for q in primary.captured_queries], [
        q["sql"] for q in replica.captured_queries
    ]


def touches(queries, table: str) -> bool:
    return any(table in sql for sql in queries)


def test_anonymous_pages_read_from_the_replica(replica, client_for, customer):
    make_post(customer, title="Offline mode")
    for url in ["/", f"/posts/{Post.objects.get().pk}/", "/status/", "/api/v1/posts"]:
        for _ in range(2):  # rendered, then from the cache: the version is read there too
            primary, from_replica = run(lambda url=url: client_for(None).get(url))
            assert from_replica, url
            assert primary == [], url


def test_signed_in_people_read_the_primary(replica, client_for, customer):
    make_post(customer, title="Offline mode")
    primary, from_replica = run(lambda: client_for(customer).get("/"))
    assert touches(primary, "feedback_post")
    assert from_replica == []


def test_api_tokens_read_the_primary(replica, customer):
    make_post(customer, title="Offline mode")
    api = ApiClient(customer)
    primary, from_replica = run(lambda: api.get("/posts"))
    assert touches(primary, "feedback_post")
    assert from_replica == []


def test_writes_go_to_the_primary(replica, client_for, customer, other_customer):
    post = make_post(customer, title="Offline mode")
    primary, from_replica = run(lambda: client_for(other_customer).post(f"/posts/{post.pk}/vote/"))
    assert touches(primary, 'INSERT INTO "feedback_vote"')
    assert from_replica == []
    assert Post.objects.get(pk=post.pk).vote_count == 1


def test_reads_inside_a_transaction_use_the_primary(replica, customer):
    make_post(customer, title="Offline mode")
    with reading_public_pages():
        assert Post.objects.db == REPLICA
        with transaction.atomic():
            assert Post.objects.db == "default"


def test_without_the_router_everything_uses_the_primary(replica, settings, client_for, customer):
    settings.DATABASE_ROUTERS = []
    make_post(customer, title="Offline mode")
    primary, from_replica = run(lambda: client_for(None).get("/"))
    assert touches(primary, "feedback_post")
    assert from_replica == []
