"""/sso/: the link the company's app sends customers through to sign them in."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from frankly.accounts import sso
from frankly.errors import FranklyError


def _refused(request, exc: FranklyError):
    return render(
        request,
        "accounts/sso_error.html",
        {"status": exc.status, "message": exc.message},
        status=exc.status,
    )


@require_GET
@never_cache
def sso_login(request):
    target = request.GET.get("redirect", "") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return _refused(
            request,
            sso.TokenRefused(
                "The sign-in link asks to go to another site afterwards, which Frankly "
                "does not do. Use a redirect to a page on this site, like /posts/12/."
            ),
        )
    try:
        identity = sso.verify(request.GET.get("token", ""))
        user = sso.sign_in(identity)
    except FranklyError as exc:
        return _refused(request, exc)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(target)
