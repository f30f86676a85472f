"""The database itself refuses UPDATE and DELETE on the ledger and its checkpoints.

SQLite: BEFORE triggers that RAISE(ABORT). PostgreSQL: a trigger function that
raises. Nothing in Frankly updates or deletes these rows; a person with raw SQL
access has to drop the triggers first, and verify-ledger then names what changed.
"""

from django.db import migrations

TABLES = ["transparency_ledgerentry", "transparency_checkpoint"]


def _sqlite(table):
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the public ledger is append-only: UPDATE refused'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the public ledger is append-only: DELETE refused'); END""",
    ]


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION frankly_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the public ledger is append-only: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def _pg(table):
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION frankly_ledger_append_only()""",
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = []
    if vendor == "sqlite":
        for table in TABLES:
            statements += _sqlite(table)
    elif vendor == "postgresql":
        statements.append(PG_FUNCTION)
        for table in TABLES:
            statements += _pg(table)
    for statement in statements:
        # No parameters: the function's RAISE uses % placeholders of its own, which
        # psycopg would otherwise try to fill.
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS frankly_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
