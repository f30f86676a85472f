"""API tokens: random, shown once, stored as a SHA-256 digest.

The token carries 256 bits from ``secrets``; a fast hash is right for such a
high-entropy secret (no dictionary to slow down), and lets us look it up by digest.
"""

import hashlib
import secrets

TOKEN_PREFIX = "frk_"  # noqa: S105 - a label, not a secret


def new_token() -> tuple[str, str, str]:
    """Return (token, prefix, digest) for a fresh token."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token[: len(TOKEN_PREFIX) + 6], digest_of(token)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
