from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.errors import FranklyError
from frankly.portability.site import import_site


class Command(BaseCommand):
    help = (
        "Load data into this empty instance. `frankly import frankly DIR` restores a "
        "directory written by `frankly export-site`, keeping every id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["frankly"], help="What wrote the export.")
        parser.add_argument("directory")

    def handle(self, *args, source, directory, **options):
        path = Path(directory)
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
