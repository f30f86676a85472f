from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_append_only(*, using: str = "default", apps=None, **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table; put the
    ledger's append-only triggers back after every migrate (a no-op when present)."""
    import importlib

    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    tables = {"transparency_ledgerentry", "transparency_checkpoint"}
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if not tables <= {row[0] for row in cursor.fetchall()}:
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND "
            "tbl_name IN ('transparency_ledgerentry', 'transparency_checkpoint')"
        )
        if cursor.fetchone()[0] == 4:
            return
    migration = importlib.import_module("frankly.transparency.migrations.0002_ledger_append_only")
    with db.schema_editor() as editor:
        migration.forward(None, editor)


class TransparencyConfig(AppConfig):
    name = "frankly.transparency"
    label = "transparency"

    def ready(self):
        post_migrate.connect(
            ensure_append_only, sender=self, dispatch_uid="transparency-append-only"
        )
