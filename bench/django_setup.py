"""Shared start of the standalone benchmark scripts: point Django at a database."""

import os
from pathlib import Path


def setup_django(database_url: str | None, sqlite_path: Path) -> None:
    """Use ``database_url``, or an SQLite file at ``sqlite_path``, and start Django."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frankly.settings")
    import django

    django.setup()
