"""Serving the status page to everyone at once during an outage.

A single StatusVersion row is bumped in the transaction of every status write.
Each request reads it (one indexed query): the version names the cached render,
the ETag, and Last-Modified. So every app server, sharing only the database,
serves a fresh page right after a write, and a CDN may keep a copy for 10 s.
"""

import hashlib
import threading
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import connections, router
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe

from frankly.incidents.models import StatusVersion

CACHE_CONTROL = "public, max-age=10, stale-while-revalidate=30"
CACHE_SECONDS = 3600
# Striped: renders of different URLs do not wait for each other.
_render_locks = [threading.Lock() for _ in range(16)]


def bump_status_version() -> None:
    """Start a new status version; call inside the write's transaction."""
    row = StatusVersion.objects.filter(pk=1)
    if row.select_for_update().first() is None:
        StatusVersion.objects.get_or_create(pk=1)  # the first status write ever
        row.select_for_update().first()
    # The time is read once the row is locked, so a write that waited for another
    # never dates itself before that one (Last-Modified is made of these dates).
    row.update(version=F("version") + 1, changed_at=timezone.now())


def current_version() -> tuple[int, datetime]:
    # Plain SQL: this runs on every status request during an outage, and building
    # the query with the ORM cost more than running it (bench/).
    table = StatusVersion._meta.db_table
    # Plain SQL skips the routers: ask them, so the version comes from the database
    # the page's rows come from (a read replica for anonymous visitors, replicas.py).
    with connections[router.db_for_read(StatusVersion)].cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return 0, datetime(2000, 1, 1, tzinfo=UTC)
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back the stored text (UTC)
        changed_at = parse_datetime(changed_at).replace(tzinfo=UTC)
    return version, changed_at


def version_for(request) -> tuple[int, datetime]:
    """The status version, read once per request."""
    memo = getattr(request, "_status_version", None)
    if memo is None:
        memo = request._status_version = current_version()
    return memo


def advance_maintenance_when_due(request) -> None:
    """Start or finish the maintenance windows that are due, without a query per
    request: the next moment a window starts or ends is cached per status version
    (each maintenance write bumps the version, and so does each start and finish)."""
    from frankly.incidents import queries, services

    version, changed_at = version_for(request)
    key = f"status:maintenance-next:{version}:{changed_at.timestamp()}"
    next_change = cache.get(key)
    if next_change is None:
        moment = queries.next_maintenance_change()
        next_change = moment.timestamp() if moment else "never"
        cache.set(key, next_change, CACHE_SECONDS)
    due = next_change != "never" and timezone.now().timestamp() >= next_change
    if due and services.advance_maintenance():
        request._status_version = None  # read the new version


def cached_response(
    request,
    *,
    name: str,
    render,
    content_type: str = "text/html",
    public: bool = True,
    extra_key: str = "",
) -> HttpResponse:
    """Answer with ``render()`` for the current status version, cached per version.

    ``render`` returns the body (str or bytes). Public responses carry an ETag,
    Last-Modified and Cache-Control for a CDN, and answer 304 when they match.
    """
    version, changed_at = version_for(request)
    # The time as well as the number: a database restored or rebuilt starts counting
    # again, and must not be served the renders of the one before from a shared cache.
    digest = hashlib.sha256(f"{name}:{version}:{changed_at.timestamp()}:{extra_key}".encode())
    key = f"status:{digest.hexdigest()}"  # short and safe whatever extra_key holds
    etag = '"' + digest.hexdigest()[:32] + '"'
    if public:
        if _not_modified(request, etag, changed_at):
            response = HttpResponseNotModified()
            _headers(response, etag, changed_at)
            return response
        body = cache.get(key)
        if body is None:
            # One render per process when many requests miss at once (right after
            # each update of an outage), not one per waiting thread.
            with _render_locks[hash(key) % len(_render_locks)]:
                body = cache.get(key)
                if body is None:
                    body = render()
                    cache.set(key, body, CACHE_SECONDS)
    else:
        body = render()
    response = HttpResponse(body, content_type=content_type)
    if public:
        _headers(response, etag, changed_at)
    else:
        response["Cache-Control"] = "private, no-cache"
    return response


def _headers(response: HttpResponse, etag: str, changed_at: datetime) -> None:
    response["ETag"] = etag
    # Last-Modified has whole seconds. While the second of the last write is still
    # running, another write may follow in it, and If-Modified-Since with that date
    # would then get 304 for a stale page: so the date is sent only once that second
    # is over (until then the ETag alone validates).
    if int(changed_at.timestamp()) < int(timezone.now().timestamp()):
        response["Last-Modified"] = http_date(changed_at.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Cookie, Accept-Encoding"


def _not_modified(request, etag: str, changed_at: datetime) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(changed_at.timestamp()) <= since
