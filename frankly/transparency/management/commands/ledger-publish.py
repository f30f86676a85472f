"""`frankly ledger-publish --git DIR`: commit the newest signed checkpoint to a git
repository that others can clone and watch (run it from cron after each change)."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from frankly.errors import FranklyError
from frankly.transparency.publishing import publish_checkpoint


class Command(BaseCommand):
    help = "Append the ledger's newest signed checkpoint to a git repository."

    def add_arguments(self, parser):
        parser.add_argument("--git", required=True, help="The repository (created if missing)")
        parser.add_argument(
            "--push", action="store_true", help="git push after committing (remote set up by you)"
        )

    def handle(self, *args, git: str, push: bool, **options):
        try:
            message = publish_checkpoint(directory=Path(git), site_url=settings.SITE_URL, push=push)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(message)
