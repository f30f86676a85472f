"""The embeddable widget's pages: /widget.js for the company's app and the panel it frames."""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

SCRIPT = Path(__file__).parent / "widget.js"
# A scheme, a host and maybe a port: nothing that could end the CSP directive early.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


@cache
def _script() -> bytes:
    return SCRIPT.read_bytes()


def allowed_origins() -> list[str]:
    """The configured origins that may frame the panel, each a plain scheme://host[:port]."""
    return [o.rstrip("/") for o in settings.WIDGET_ORIGINS if ORIGIN.match(o.rstrip("/"))]


@require_GET
def widget_js(request):
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    # Other sites load it; a short cache lets a fix reach them within minutes.
    patch_cache_control(response, public=True, max_age=300)
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
@never_cache
@xframe_options_exempt
def panel(request):
    origins = allowed_origins()
    response = render(
        request,
        "widget/panel.html",
        {
            "origins": " ".join(origins),
            "api_root": reverse("api:api-root"),
            "signin_url": reverse("account_login") + "?next=" + reverse("feedback:new_post"),
        },
    )
    # Only the company's own apps may frame the panel; X-Frame-Options cannot name
    # them, so the CSP says it (and says 'none' when no origin is configured).
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    return response
