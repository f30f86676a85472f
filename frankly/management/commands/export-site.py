from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.portability.site import export_site


class Command(BaseCommand):
    help = (
        "Write the whole site's data (posts, votes, comments, statuses, incidents, "
        "changelog, ledger, users without password hashes...) to DIR as JSON Lines, "
        "with a README.md describing the format."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write (created if missing).")

    def handle(self, *args, directory, **options):
        path = Path(directory)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise CommandError(f"{path} exists and is not an empty directory; choose a new one.")
        try:
            manifest = export_site(path)
        except OSError as exc:
            raise CommandError(f"Could not write to {path}: {exc.strerror}.") from exc
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Wrote {rows:,} rows in {len(manifest['tables'])} tables to {path}; "
            f"the format is described in {path / 'README.md'}."
        )
