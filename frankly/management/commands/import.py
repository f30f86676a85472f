from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.errors import FranklyError
from frankly.portability.importers import SOURCES, import_file
from frankly.portability.site import import_site


class Command(BaseCommand):
    help = (
        "Load data into this instance. `frankly import frankly DIR` restores a directory "
        "written by `frankly export-site` into an empty instance, keeping every id. "
        "`frankly import fider|canny|uservoice|csv FILE` brings in posts, votes, comments, "
        "statuses, tags and official responses from another tool's export: a dry run "
        "with a report unless --apply is given (see docs/importing.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["frankly", *SOURCES], help="What wrote the export.")
        parser.add_argument("path", help="The export: a directory for frankly, else a file.")
        parser.add_argument(
            "--apply", action="store_true", help="Write the import (default: dry run)."
        )

    def handle(self, *args, source, path, apply, **options):
        path = Path(path)
        if source == "frankly":
            return self._import_site(path)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            report = import_file(source=source, data=path.read_bytes(), apply=apply)
        except FranklyError as exc:
            raise CommandError(f"{path}: {exc.message} Nothing was imported.") from exc
        self.stdout.write("\n".join(report.lines()))

    def _import_site(self, path: Path) -> None:
        if not path.is_dir():
            raise CommandError(f"{path} is not a directory.")
        try:
            loaded = import_site(path)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Imported {sum(loaded.values()):,} rows in {len(loaded)} tables from {path}. "
            "Nobody has a password yet: people set one with “Forgot your password?”."
        )
