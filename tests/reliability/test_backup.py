"""`frankly backup` and `frankly restore`: a round trip into an empty database keeps
every row of every table and the ledger head, and the restored ledger verifies."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg.types.string import TextLoader

from frankly.transparency.models import LedgerEntry
from tests.security.world import World

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"


def rows(cursor, table: str) -> list:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (names from introspection)
    return sorted(cursor.fetchall(), key=repr)


def snapshot_here() -> dict:
    with connection.cursor() as cursor:
        return {t: rows(cursor, t) for t in connection.introspection.table_names(cursor)}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture
def empty_database(tmp_path):
    """Settings for a second, empty database of the same kind, and a way to read it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "frankly.sqlite3"

        def open_restored():
            # Read it as Django reads its own SQLite: the same column types come back.
            return sqlite3.connect(
                path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
            )

        yield {"FRANKLY_DATA_DIR": str(tmp_path)}, open_restored
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    def open_restored_pg():
        conn = psycopg.connect(f"{PG}/{name}")
        # Django reads JSON columns as text and parses them in the field; do the same.
        conn.adapters.register_loader("jsonb", TextLoader)
        return conn

    yield {"DATABASE_URL": f"{PG}/{name}", "FRANKLY_DATA_DIR": str(tmp_path)}, open_restored_pg
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row(
    people, tmp_path, empty_database, smtp_server, capsys
):
    World(people).everything()
    before = snapshot_here()
    head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    assert head is not None and head[0] > 5
    file = tmp_path / "frankly.backup"
    call_command("backup", str(file))
    assert f"ledger head #{head[0]}" in capsys.readouterr().out

    env, open_restored = empty_database
    # The ledger's signing key lives beside the database, not in it; a restore on a
    # new machine takes it along (the README says so).
    shutil.copy(settings.DATA_DIR / "ledger_key", Path(env["FRANKLY_DATA_DIR"]) / "ledger_key")
    restored = manage("restore", str(file), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "verified" in restored.stdout.lower() or "ok" in restored.stdout.lower(), restored.stdout

    with open_restored() as conn:
        cursor = conn.cursor()
        after = {table: rows(cursor, table) for table in before}
        cursor.execute("SELECT seq, hash FROM transparency_ledgerentry ORDER BY seq DESC LIMIT 1")
        restored_head = tuple(cursor.fetchone())
    assert after == before
    assert restored_head == head
    verified = manage("verify-ledger", env=env)
    assert verified.returncode == 0, verified.stderr
    non_empty = sum(1 for table_rows in before.values() if table_rows)
    with capsys.disabled():
        print(f"\nbackup round trip: {len(before)} tables compared, {non_empty} with rows")
    assert non_empty >= 20


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "missing.backup"))
    assert connection.introspection.table_names()  # nothing was touched
