"""Reading public pages from a PostgreSQL read replica.

With ``DATABASE_REPLICA_URL`` set, the reads of anonymous GET and HEAD requests (no
session cookie, no API token) go to the replica: the board, posts, the status page,
feeds, the public API. Everything else reads and writes the primary: every write,
every read inside a transaction, and every request of a signed-in person, so nobody
misses their own write because the replica lags a little behind.

Cached pages stay consistent: the board and status versions (feedback/caching.py,
incidents/caching.py) are read from the same replica as the data they name.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_public_read = contextvars.ContextVar("frankly_public_read", default=False)


@contextmanager
def reading_public_pages():
    """Within this block, reads outside transactions go to the replica."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class PublicReadsFromReplica:
    """Middleware: anonymous GET and HEAD requests read from the replica, if there is one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            REPLICA not in connections.settings
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
        ):
            return self.get_response(request)
        with reading_public_pages():
            return self.get_response(request)
