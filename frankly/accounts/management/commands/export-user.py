from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.accounts.models import User
from frankly.accounts.privacy import build_export


class Command(BaseCommand):
    help = "Write everything Frankly holds about EMAIL to a zip (JSON + Markdown)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--output",
            default=None,
            help="Where to write the zip (default: ./frankly-export-ID.zip).",
        )

    def handle(self, *args, email, output, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"There is no account with the address {email}.")
        path = Path(output or f"frankly-export-{user.pk}.zip")
        try:
            path.write_bytes(build_export(user))
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}.") from exc
        self.stdout.write(
            f"Wrote the data of {user.email} to {path} ({path.stat().st_size:,} bytes)."
        )
