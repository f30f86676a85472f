"""Rate limits on the writes a spammer or a password guesser would repeat.

One middleware sorts each request into buckets (sign-up, login, posting, commenting,
voting, subscribing, the API) and counts it per client IP and per account with
django-ratelimit. Over a limit the answer is 429 with ``Retry-After``: JSON
``{"detail": ...}`` under /api/, a plain page elsewhere.

Limits live in ``settings.RATE_LIMITS`` (``FRANKLY_RATE_LIMITS`` in the
environment, e.g. ``post=20/h,vote=300/h``). Counts are kept in the default
cache: per worker process with the built-in memory cache, shared by all workers
when ``REDIS_URL`` is set.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

WRITE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Bucket:
    name: str
    methods: tuple[str, ...]
    path: re.Pattern


BUCKETS = [
    Bucket("signup", ("POST",), re.compile(r"^/accounts/signup/$")),
    Bucket("login", ("POST",), re.compile(r"^/((accounts|admin)/login/|api/v1/widget/session)$")),
    Bucket("post", ("POST",), re.compile(r"^/(posts/new/|api/v1/posts)$")),
    Bucket(
        "comment",
        ("POST",),
        re.compile(
            r"^/(posts/\d+/comment/|status/incidents/\d+/comment/|changelog/\d+/comment/"
            r"|api/v1/posts/\d+/comments|api/v1/.+/comments)$"
        ),
    ),
    Bucket("vote", ("POST", "DELETE"), re.compile(r"^/(posts/\d+/vote/|api/v1/posts/\d+/vote)$")),
    Bucket("subscribe", ("POST",), re.compile(r"^/(status/subscribe/|api/v1/status/subscribe)")),
    Bucket("api", ("GET", "HEAD", *WRITE), re.compile(r"^/api/v1/")),
]


def _account(request) -> str | None:
    """Who is asking, without a database query: the session's user, a hash of the
    Bearer token, or (for a login) the email address being tried."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    if request.method == "POST" and request.path_info.endswith("/login/"):
        login = request.POST.get("login") or request.POST.get("username") or ""
        if login:
            return "login:" + login.strip().lower()
    return None


def _ip(group, request) -> str:
    return "ip:" + (request.META.get(settings.RATELIMIT_IP_META_KEY) or "unknown")


def over_limit(request) -> tuple[str, int] | None:
    """Count this request; return (bucket, seconds to wait) if it is over a limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    account = _account(request)
    worst = None
    for bucket in BUCKETS:
        if request.method not in bucket.methods or not bucket.path.match(request.path_info):
            continue
        rate = settings.RATE_LIMITS.get(bucket.name)
        if not rate:
            continue
        keys = [_ip] + ([lambda group, request: account] if account else [])
        for key in keys:
            usage = get_usage(
                request, group=f"frankly.{bucket.name}", key=key, rate=rate, increment=True
            )
            if usage and usage["should_limit"]:
                wait = max(1, int(usage["time_left"]))
                if worst is None or wait > worst[1]:
                    worst = (bucket.name, wait)
    return worst


WHAT = {
    "signup": "sign-ups",
    "login": "login attempts",
    "post": "new posts",
    "comment": "comments",
    "vote": "votes",
    "subscribe": "subscriptions",
    "api": "API requests",
}


def too_many(request, bucket: str, wait: int):
    message = (
        f"Too many {WHAT.get(bucket, 'requests')} from you in a short time. "
        f"Try again in {wait} seconds."
    )
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "error.html", {"status": 429, "message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limited = over_limit(request)
        if limited is not None:
            return too_many(request, *limited)
        return self.get_response(request)
