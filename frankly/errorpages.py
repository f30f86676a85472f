"""Turn service errors that escape an HTML view into the right page.

Views catch the errors they can show on a form; the rest (not signed in, not
allowed, not found) end up here, so no view repeats that mapping.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from frankly.errors import FranklyError, NotSignedIn


class FranklyErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, FranklyError) or request.path_info.startswith("/api/"):
            return None
        if isinstance(exception, NotSignedIn):
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "error.html",
            {"status": exception.status, "message": exception.message},
            status=exception.status,
        )


def run_form_action(request, action, *, done: str):
    """Run one service call from a POSTed form and say how it went.

    Returns (succeeded, result). A missing object becomes a 404 page, not-signed-in
    and not-allowed go to the handler above; any other refusal is shown to the person
    as a message so they can correct it. ``done`` is the success message.
    """
    from django.contrib import messages
    from django.http import Http404

    from frankly.errors import NotFound

    try:
        result = action()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
        return False, None
    messages.success(request, done)
    return True, result
