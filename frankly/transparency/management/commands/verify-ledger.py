"""`frankly verify-ledger [--url BASE_URL]`: check the public ledger's hash chain and
its signed checkpoint, locally or from a running site's public API alone."""

from django.core.management import BaseCommand, CommandError

from frankly.transparency.ledger import verify_local
from frankly.transparency.remote import RemoteError, verify_remote


class Command(BaseCommand):
    help = "Verify the public ledger (this database, or a site given by --url)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="",
            help="Check a running site from its public API, e.g. https://feedback.example.com",
        )

    def handle(self, *args, url: str, **options):
        try:
            verdict = verify_remote(url) if url else verify_local()
        except RemoteError as exc:
            raise CommandError(str(exc)) from exc
        if not verdict.ok:
            raise CommandError(str(verdict))
        self.stdout.write(str(verdict))
