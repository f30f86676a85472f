"""`frankly verify-ledger [--url BASE_URL]`: check the public ledger's hash chain and
its signed checkpoint, locally or from a running site's public API alone.

With --url, the last signed tree head that verified is remembered in a small state
file; the next run checks the site's consistency proof from it and only the entries
added since, so a history rewritten after the first check is caught without
downloading the whole log again. --entry SEQ proves one entry by its inclusion proof.
"""

import hashlib
import os
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from frankly.transparency.ledger import verify_local
from frankly.transparency.remote import RemoteError, verify_remote, verify_remote_entry


def default_state_path(url: str) -> Path:
    """One state file per site, under FRANKLY_LEDGER_STATE_DIR or ~/.local/state/frankly."""
    directory = os.environ.get("FRANKLY_LEDGER_STATE_DIR") or (
        Path.home() / ".local" / "state" / "frankly"
    )
    name = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]
    return Path(directory) / f"ledger-{name}.json"


class Command(BaseCommand):
    help = "Verify the public ledger (this database, or a site given by --url)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="",
            help="Check a running site from its public API, e.g. https://feedback.example.com",
        )
        parser.add_argument(
            "--state",
            default="",
            help="File remembering the last checkpoint trusted (default: one per site under "
            "FRANKLY_LEDGER_STATE_DIR or ~/.local/state/frankly)",
        )
        parser.add_argument(
            "--no-state", action="store_true", help="Neither read nor write a state file"
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Download and check every entry even when a checkpoint is remembered",
        )
        parser.add_argument(
            "--entry", type=int, default=None, help="Prove one entry (by seq) in the signed log"
        )

    def handle(self, *args, url: str, state: str, no_state: bool, full: bool, entry, **options):
        if entry is not None and not url:
            raise CommandError("--entry needs --url: it checks a site's proof as an outsider.")
        state_path = None
        if url and not no_state:
            state_path = Path(state) if state else default_state_path(url)
        try:
            if entry is not None:
                self.stdout.write(verify_remote_entry(url, entry, state_path=state_path))
                return
            verdict = (
                verify_remote(url, state_path=state_path, full=full) if url else verify_local()
            )
        except RemoteError as exc:
            raise CommandError(str(exc)) from exc
        if not verdict.ok:
            raise CommandError(str(verdict))
        self.stdout.write(str(verdict))
