"""PostgreSQL keeps the weighted search vector of each post in a stored column.

Ranking used to rebuild the vector (title weighted above body) for every matching
row at query time: a common word matches thousands of posts, and that took hundreds
of milliseconds at 100,000 posts (bench/). The column is computed by PostgreSQL on
every insert and update, and the GIN index moves to it. SQLite keeps its FTS5 table.
"""

from django.db import migrations

PG_FORWARD = [
    """ALTER TABLE feedback_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B')) STORED""",
    "CREATE INDEX feedback_post_search_vector ON feedback_post USING GIN (search_vector)",
    "DROP INDEX IF EXISTS feedback_post_search",
]
PG_BACKWARD = [
    """CREATE INDEX feedback_post_search ON feedback_post USING GIN (
        to_tsvector('english'::regconfig,
                    COALESCE(feedback_post.title, '') || ' ' || COALESCE(feedback_post.body, '')))""",
    "DROP INDEX IF EXISTS feedback_post_search_vector",
    "ALTER TABLE feedback_post DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_board_version")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
