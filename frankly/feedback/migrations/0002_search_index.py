"""Full-text search index: FTS5 with sync triggers on SQLite, GIN on PostgreSQL.

The PostgreSQL index expression must stay identical to search.PG_VECTOR.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE feedback_post_fts USING fts5(
        title, body, content='feedback_post', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER feedback_post_fts_ai AFTER INSERT ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER feedback_post_fts_ad AFTER DELETE ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(feedback_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER feedback_post_fts_au AFTER UPDATE OF title, body ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(feedback_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO feedback_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO feedback_post_fts(feedback_post_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS feedback_post_fts_au",
    "DROP TRIGGER IF EXISTS feedback_post_fts_ad",
    "DROP TRIGGER IF EXISTS feedback_post_fts_ai",
    "DROP TABLE IF EXISTS feedback_post_fts",
]
PG_FORWARD = [
    """CREATE INDEX feedback_post_search ON feedback_post USING GIN (
        to_tsvector('english'::regconfig,
                    COALESCE(feedback_post.title, '') || ' ' || COALESCE(feedback_post.body, '')))""",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS feedback_post_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
