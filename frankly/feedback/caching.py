"""Serving the board to anonymous visitors from a cache that is never stale.

The idea of the status page (incidents/caching.py), for a page written to far more
often: every write the board shows (posts, votes, comments, statuses, tags,
moderation, names) calls ``bump_board_version()`` inside its transaction, and each
anonymous request reads the version (one small query) and uses it in the cache key.
The bump commits with the write, so every app server sharing the database serves
the new state from the first request after the write returns. Signed-in visitors
are never served from this cache: their pages show their own votes.
"""

import hashlib
import random
import threading
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, router
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone, translation

from frankly.feedback.models import BoardVersion

SHARDS = 8
# Short, because rows say "3 minutes ago": a render lives at most a minute.
CACHE_SECONDS = 60
# Striped: renders of different URLs do not wait for each other.
_render_locks = [threading.Lock() for _ in range(16)]


def bump_board_version() -> None:
    """Make every cached render of the board obsolete; call inside the write's transaction."""
    shard = random.randint(1, SHARDS)
    row = BoardVersion.objects.filter(pk=shard)
    if not row.update(version=F("version") + 1, changed_at=timezone.now()):
        BoardVersion.objects.get_or_create(pk=shard)
        row.update(version=F("version") + 1, changed_at=timezone.now())


def current_version() -> str:
    """The version as text: the sum of the counters and the time of the last bump."""
    # Plain SQL: building this small query with the ORM costs more than running it,
    # and it runs on every anonymous request.
    table = BoardVersion._meta.db_table
    # Plain SQL skips the routers: ask them, so the version comes from the database
    # the page's rows come from (a read replica for anonymous visitors, replicas.py).
    with connections[router.db_for_read(BoardVersion)].cursor() as cursor:
        cursor.execute(f"SELECT SUM(version), MAX(changed_at) FROM {table}")  # noqa: S608
        version, changed_at = cursor.fetchone()
    return f"{version}:{changed_at}" if version is not None else ""


def anonymous_page(request, *, name: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """``render()``, or its cached body for this URL and board version when anonymous."""
    if request.user.is_authenticated or len(get_messages(request)):
        return render()
    version = current_version()
    if not version:  # nothing was ever written through the services: nothing to key on
        return render()
    # The time as well as the number: a database restored from a backup counts again
    # from a lower number, and must not be served the renders of the one before.
    # The language too: a German visitor must never get the English render, nor the reverse.
    raw = f"{name}:{version}:{translation.get_language()}:{request.get_full_path()}"
    key = "board:" + hashlib.sha256(raw.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        # One render per process when many requests miss at once (after a vote),
        # not one per waiting thread.
        with _render_locks[hash(key) % len(_render_locks)]:
            body = cache.get(key)
            if body is None:
                response = render()
                if response.status_code != 200 or response.cookies:
                    return response
                cache.set(key, response.content, CACHE_SECONDS)
                return response
    return HttpResponse(body, headers={"Content-Language": translation.get_language()})
