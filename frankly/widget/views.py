"""The embeddable widget's pages: /widget.js for the company's app and the panel it frames."""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
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


def panel_messages() -> dict[str, str]:
    """What the panel's script says, in the visitor's language (it reads them from
    the page, so the script itself holds no text)."""
    return {
        "expired": _("Your sign-in here has expired. Reload the page to sign in again."),
        "unreachable": _("Frankly could not be reached. Check your connection and try again."),
        "signed_in_as": _("Signed in as %(name)s."),
        "signing_in": _("Signing you in…"),
        "sign_in_failed": _("The app could not sign you in: %(reason)s"),
        "vote_for": _("votes. Vote for %(title)s"),
        "sign_in_to_vote": _("Sign in to vote."),
        "vote_failed": _("The vote did not go through. Try again."),
        "vote_counted": _("Your vote is counted."),
        "vote_withdrawn": _("Your vote is withdrawn."),
        "sign_in_to_post": _("Sign in to post."),
        "title_empty": _("The title is empty. Give your post a short title."),
        "post_failed": _("Posting did not work. Try again."),
        "posted": _("Posted."),
        "see_post": _("See your post on the board"),
    }


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
            "panel_messages": panel_messages(),
        },
    )
    # Only the company's own apps may frame the panel; X-Frame-Options cannot name
    # them, so the CSP says it (and says 'none' when no origin is configured).
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    return response
