"""The personas by name, as in tests/security."""

from tests.security.conftest import people  # noqa: F401
