"""`frankly ledger-key`: print a new Ed25519 private key for FRANKLY_LEDGER_KEY."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Print a new ledger signing key (base64) to put in FRANKLY_LEDGER_KEY."

    def handle(self, *args, **options):
        seed = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        self.stdout.write(base64.b64encode(seed).decode())
