"""`frankly restore FILE`: replace the whole database with a backup."""

from django.core.management import BaseCommand, CommandError

from frankly import backups
from frankly.errors import FranklyError
from frankly.transparency.ledger import verify_local


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `frankly backup`. "
        "Stop the site first; everything written since the backup is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by `frankly backup`.")

    def handle(self, *args, file: str, **options):
        try:
            backups.restore(file)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        verdict = verify_local()
        if not verdict.ok:
            raise CommandError(
                f"Restored, but the ledger does not verify: {verdict}. On a new machine, "
                "copy ledger_key from the old data directory (or set FRANKLY_LEDGER_KEY) "
                "before restoring: the ledger's checkpoints are signed with it."
            )
        self.stdout.write(f"Restored from {file}. {verdict}")
