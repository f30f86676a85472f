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
        if not isinstance(exception, FranklyError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotSignedIn):
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "error.html",
            {"status": exception.status, "message": exception.message},
            status=exception.status,
        )
