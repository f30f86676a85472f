"""`frankly backup FILE`: a consistent copy of the whole database in one file."""

from django.core.management import BaseCommand, CommandError

from frankly import backups
from frankly.errors import FranklyError
from frankly.transparency.models import LedgerEntry


class Command(BaseCommand):
    help = "Back up the whole database to FILE (safe while the site runs)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup; an existing file is replaced.")

    def handle(self, *args, file: str, **options):
        try:
            backups.backup(file)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        ledger = f"ledger head #{head[0]} {head[1][:16]}…" if head else "empty ledger"
        self.stdout.write(f"Backed up to {file} ({ledger}).")
