"""How django-axes sees a login: who is trying, from where, and what a locked-out
person is told."""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext


def login_name(request, credentials) -> str | None:
    """The email address being tried, lowercased, whichever form sent it
    (allauth posts ``login``, the admin posts ``username``)."""
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("username")
    return name.strip().lower() if isinstance(name, str) and name.strip() else None


def client_ip(request) -> str | None:
    return request.META.get(settings.RATELIMIT_IP_META_KEY)


def locked_out(request, response=None, credentials=None):
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    message = ngettext(
        "Too many failed logins for this account from your address. "
        "Wait %(minutes)s minute and try again, or reset your password.",
        "Too many failed logins for this account from your address. "
        "Wait %(minutes)s minutes and try again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}
    page = render(request, "error.html", {"status": 429, "message": message}, status=429)
    page["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return page
