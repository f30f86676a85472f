"""Back up and restore the whole database to one file.

SQLite: the online backup API copies a consistent snapshot while the site keeps
running, and copies a backup back over the database. PostgreSQL: ``pg_dump`` in its
custom format and ``pg_restore --clean`` in one transaction. Uploaded files are not
part of it: Frankly keeps everything in the database.
"""

import os
import re
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from frankly.errors import Invalid


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _pg_env() -> dict:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, value in {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings["NAME"],
    }.items():
        if value:
            env[key] = str(value)
    return env


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (fixed programs, no shell)
            command, env=_pg_env(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise Invalid(
            f"{command[0]} is not installed. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again."
        ) from exc
    if result.returncode != 0:
        raise Invalid(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _regexp(pattern, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def backup(path: Path) -> None:
    """Write a consistent copy of the whole database to ``path`` (replaced if there)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    if _is_sqlite():
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        # Check constraints use REGEXP, which Django gives its own connections.
        target.create_function("REGEXP", 2, _regexp, deterministic=True)
        try:
            connection.connection.backup(target)
            (ok,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
        if ok != "ok":
            partial.unlink(missing_ok=True)
            raise Invalid(f"The copy failed its integrity check: {ok}")
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)])
    os.replace(partial, path)  # a reader never sees half a backup


def _check_sqlite_backup(path: Path) -> sqlite3.Connection:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise Invalid(f"{path} is not a SQLite backup made by `frankly backup`.") from exc
    if "django_migrations" not in tables:
        source.close()
        raise Invalid(f"{path} is not a backup of a Frankly database (no migrations table).")
    return source


def restore(path: Path) -> None:
    """Replace the whole database with the backup in ``path``."""
    path = Path(path)
    if not path.is_file():
        raise Invalid(f"There is no backup file at {path}.")
    if _is_sqlite():
        source = _check_sqlite_backup(path)
        name = connection.settings_dict["NAME"]
        connection.close()
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_restore", "--list", str(path)])  # refuses anything that is not a dump
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _pg_env()["PGDATABASE"],
                str(path),
            ]
        )
