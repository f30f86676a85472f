"""The JSON API under /api/v1/: one NinjaAPI mounting each app's router."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from frankly.accounts.api import router as accounts_router
from frankly.crm.api import router as crm_router
from frankly.errors import FranklyError
from frankly.feedback.api import router as feedback_router
from frankly.incidents.api import router as incidents_router
from frankly.insights.api import router as insights_router
from frankly.notify.api import router as notify_router
from frankly.roadmap.api import router as roadmap_router
from frankly.transparency.api import router as transparency_router
from frankly.widget.api import router as widget_router

api = NinjaAPI(
    title="Frankly API",
    version="1",
    description=(
        "Read and write Frankly's public board. Authenticate with `Authorization: Bearer "
        "<token>` (create one under Account → API tokens) or a browser session with CSRF. "
        'Errors are JSON: `{"detail": ...}`. Lists use cursors: pass `next` back as `cursor`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
)
# Before feedback: /posts/similar must match before /posts/{post_id} does.
api.add_router("", insights_router)
api.add_router("", feedback_router)
api.add_router("", accounts_router)
api.add_router("", transparency_router)
api.add_router("", incidents_router)
api.add_router("", roadmap_router)
api.add_router("", notify_router)
api.add_router("", crm_router)
api.add_router("", widget_router)


@api.exception_handler(FranklyError)
def frankly_error(request, exc: FranklyError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    message = exc.message
    if message == "Unauthorized":
        message = "Sign in first: send 'Authorization: Bearer <token>' or use a browser session."
    return api.create_response(request, {"detail": message}, status=401)


def _where(loc) -> str:
    """Name the input a validation error is about: ``title``, ``query.limit``...

    A body error's location starts with "body" and the parameter's name; drop only
    those, as a field may itself be called "body".
    """
    parts = [str(p) for p in loc]
    if parts[:1] != ["body"]:
        return ".".join(parts)
    parts = parts[2:] if len(parts) > 1 and parts[1] == "payload" else parts[1:]
    return ".".join(parts) or "request body"


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    problems = []
    for error in exc.errors:
        where = _where(error.get("loc", ()))
        problems.append(f"{where}: {error.get('msg')}" if where else error.get("msg"))
    return api.create_response(
        request,
        {
            "detail": "; ".join(problems) or "The request is not valid.",
            "errors": [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors],
        },
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
