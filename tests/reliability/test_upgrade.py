"""Upgrades lose nothing: the database is taken back to each app's first migration,
filled there through the historical models (as the first release would have stored
it), then migrated forward to today. Every row of every table is still there with
the same values, and the new code reads the old data: search finds old posts, pages
and the API show them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

APPS = ("accounts", "feedback", "transparency", "incidents", "roadmap", "notify")


def _tables() -> dict:
    """Every row of every table, keyed by column name."""
    state = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            state[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return state


def _fill(apps) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    User = apps.get_model("accounts", "User")
    Post = apps.get_model("feedback", "Post")
    Comment = apps.get_model("feedback", "Comment")
    Vote = apps.get_model("feedback", "Vote")
    Follow = apps.get_model("feedback", "Follow")
    Tag = apps.get_model("feedback", "Tag")
    Component = apps.get_model("incidents", "Component")
    Incident = apps.get_model("incidents", "Incident")
    IncidentUpdate = apps.get_model("incidents", "IncidentUpdate")

    people = [
        User.objects.create(
            email=f"old{n}@example.com",
            display_name=f"Old timer {n}",
            password=make_password("correct horse battery staple"),
            is_staff=n == 0,
        )
        for n in range(3)
    ]
    tag = Tag.objects.create(name="Billing", slug="billing")
    for n, kind in enumerate(["idea", "problem", "question"]):
        post = Post.objects.create(
            author=people[n],
            kind=kind,
            title=f"Upgraded zebra post {n}",
            body=f"Written before the upgrade, **number {n}**",
            body_html=f"<p>Written before the upgrade, <strong>number {n}</strong></p>",
            vote_count=2,
            comment_count=1,
        )
        post.tags.add(tag)
        for voter in people[:2]:
            Vote.objects.create(post=post, user=voter)
        Follow.objects.create(post=post, user=people[n])
        Comment.objects.create(
            post=post,
            author=people[2],
            body=f"Old comment {n}",
            body_html=f"<p>Old comment {n}</p>",
        )
    component = Component.objects.create(name="Old API")
    incident = Incident.objects.create(
        title="Old outage", impact="major", state="resolved", resolved_at=timezone.now()
    )
    incident.components.add(component)
    IncidentUpdate.objects.create(
        incident=incident,
        state="resolved",
        body="Fixed long ago",
        body_html="<p>Fixed long ago</p>",
        author=people[0],
    )


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_from_the_first_migrations_keeps_every_row():
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    # The first release: each app's first migration and whatever those depend on.
    needed = set()
    for app in APPS:
        needed.update(graph.forwards_plan(graph.root_nodes(app)[0]))
    # Other apps' migrations (Django's, allauth's...) stay where they are.
    first = [
        max((n for n in needed if n[0] == app), key=lambda n: len(graph.forwards_plan(n)))
        for app in APPS
    ]
    executor.migrate(first)
    executor.loader.build_graph()
    _fill(executor.loader.project_state(first).apps)
    before = _tables()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    after = _tables()

    lost = []
    compared = 0
    for table, rows in before.items():
        assert table in after, f"table {table} is gone after the upgrade"
        remaining = {row.get("id", repr(row)): row for row in after[table]}
        for row in rows:
            new = remaining.get(row.get("id", repr(row)))
            if new is None or any(new[c] != v for c, v in row.items() if c in new):
                lost.append((table, row))
            compared += 1
    assert not lost, lost[:5]
    assert compared >= 30
    print(f"\nupgrade from {sorted(first)}: {compared} rows in {len(before)} tables kept")

    # Today's code reads the old data.
    client = Client()
    board = client.get("/").content.decode()
    assert "Upgraded zebra post 0" in board
    assert "Upgraded zebra post 2" in client.get("/search/", {"q": "zebra"}).content.decode()
    assert "Old outage" in client.get("/status/history/").content.decode()
    items = client.get("/api/v1/posts").json()["items"]
    assert {p["title"] for p in items} >= {f"Upgraded zebra post {n}" for n in range(3)}
    assert all(p["vote_count"] == 2 for p in items)
