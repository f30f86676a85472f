"""`frankly ledger-rotate-key`: move the ledger to a new signing key, on the record."""

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import BaseCommand, CommandError

from frankly.errors import FranklyError
from frankly.transparency.rotation import install_key_file, rotate_ledger_key


class Command(BaseCommand):
    help = (
        "Record a new ledger signing key in the ledger, signed by the current key, and "
        "switch to it (or print it for FRANKLY_LEDGER_KEY)."
    )

    def handle(self, *args, **options):
        new_key = Ed25519PrivateKey.generate()
        try:
            entry = rotate_ledger_key(new_key=new_key)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        if os.environ.get("FRANKLY_LEDGER_KEY", "").strip():
            seed = new_key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            self.stdout.write(
                f"Rotation recorded as ledger entry {entry.seq}, signed by the old key.\n"
                "Set FRANKLY_LEDGER_KEY to the new key below and restart; until then the "
                "old key keeps signing.\n" + base64.b64encode(seed).decode()
            )
            return
        install_key_file(new_key)
        self.stdout.write(
            f"Rotation recorded as ledger entry {entry.seq}, signed by the old key. The new "
            "key is in the data directory and signs from now on; restart running servers."
        )
