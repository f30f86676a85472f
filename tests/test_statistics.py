"""SQLite planner statistics come back after a migration drops them."""

import pytest
from django.db import connection

from frankly.feedback.models import Kind, Post
from frankly.statistics import after_migrate, refresh_statistics
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics"),
]

BOARD = (
    "SELECT id FROM feedback_post WHERE deleted_at IS NULL AND held_at IS NULL AND "
    "hidden_by_id IS NULL AND merged_into_id IS NULL ORDER BY trending DESC, id DESC LIMIT 21"
)


def plan() -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + BOARD)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_tables_a_migration_rebuilt_are_analysed_again_and_the_board_uses_its_index():
    author = make_user()
    Post.objects.bulk_create(
        Post(author=author, kind=Kind.IDEA, title=f"Post {n}", body="", body_html="")
        for n in range(300)
    )
    refresh_statistics()
    assert "post_trending" in plan()
    # What a table rebuild leaves: no statistics for the table.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'feedback_post'")
        cursor.execute("ANALYZE sqlite_schema")  # make the planner reload sqlite_stat1
    assert "TEMP B-TREE FOR ORDER BY" in plan()  # the whole board sorted per request
    after_migrate(using="default")
    assert "post_trending" in plan() and "TEMP B-TREE" not in plan()
