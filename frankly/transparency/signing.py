"""The ledger's Ed25519 key: from FRANKLY_LEDGER_KEY, or generated into the data
directory on first use. Only the public half is ever served."""

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RAW = serialization.Encoding.Raw
RAW_PUBLIC = serialization.PublicFormat.Raw
RAW_PRIVATE = serialization.PrivateFormat.Raw


def _load_or_create() -> Ed25519PrivateKey:
    configured = os.environ.get("FRANKLY_LEDGER_KEY", "").strip()
    if configured:
        try:
            seed = base64.b64decode(configured, validate=True)
            return Ed25519PrivateKey.from_private_bytes(seed)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(
                "FRANKLY_LEDGER_KEY must be the base64 of a 32-byte Ed25519 private key. "
                "Make one with: frankly ledger-key"
            ) from exc
    path = settings.DATA_DIR / "ledger_key"
    if not path.exists():
        _create_key_file(path)
    seed = base64.b64decode(path.read_text().strip())
    return Ed25519PrivateKey.from_private_bytes(seed)


def _create_key_file(path) -> None:
    """Write a new key to ``path`` unless another process or thread just did.

    The key is written to a private temporary file (mkstemp: mode 0600 from the
    start) and then linked into place: the link fails if someone else won the race,
    and nobody ever reads a half-written key.
    """
    seed = Ed25519PrivateKey.generate().private_bytes(
        RAW, RAW_PRIVATE, serialization.NoEncryption()
    )
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ledger_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(seed).decode())
        with contextlib.suppress(FileExistsError):  # the first key written stays the key
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@lru_cache(maxsize=1)
def private_key() -> Ed25519PrivateKey:
    return _load_or_create()


def public_key_bytes() -> bytes:
    return private_key().public_key().public_bytes(RAW, RAW_PUBLIC)


def key_id(public_bytes: bytes) -> str:
    return hashlib.sha256(public_bytes).hexdigest()


def sign(message: bytes) -> str:
    return base64.b64encode(private_key().sign(message)).decode()


def is_valid_signature(public_bytes: bytes, message: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(
            base64.b64decode(signature_b64, validate=True), message
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
