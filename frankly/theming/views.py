"""The theme's stylesheet and logo, at addresses that change when they do, so
browsers and CDNs may keep them for a year, and the CSP stays 'self' only."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from frankly.theming.caching import current_theme
from frankly.theming.models import SiteTheme

FOREVER = "public, max-age=31536000, immutable"


@require_GET
def theme_css(request, digest: str):
    theme = current_theme()
    if not theme.css:
        raise Http404("This site has no theme stylesheet.")
    if digest != theme.css_digest:
        # A page from before the last save: send it to the stylesheet of today.
        response = redirect(theme.css_url)
        response["Cache-Control"] = "no-cache"
        return response
    response = HttpResponse(theme.css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = FOREVER
    return response


@require_GET
def logo(request, stamp: str):
    theme = current_theme()
    if not theme.logo_url:
        raise Http404("This site has no logo.")
    if not theme.logo_url.endswith(f"/{stamp}"):
        response = redirect(theme.logo_url)
        response["Cache-Control"] = "no-cache"
        return response
    row = SiteTheme.objects.filter(pk=1).values_list("logo", "logo_type").first()
    if row is None or not row[1]:
        raise Http404("This site has no logo.")
    response = HttpResponse(bytes(row[0]), content_type=row[1])
    response["Cache-Control"] = FOREVER
    # Only ever an image: never sniffed or run as anything else.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
