"""How the JSON API knows who is calling: a Bearer token, or the session cookie
(with Django's CSRF check on unsafe methods), or nobody for public reads."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from frankly.accounts.services import user_for_token
from frankly.widget.tokens import is_widget_token, user_for_widget_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if is_widget_token(token):
            # Operations that accept one list widget_auth first, which answers before this.
            raise HttpError(
                403,
                "A widget token can only list posts, find similar ones, post and vote in the "
                "feedback widget. "
                "Use an API token (Account → API tokens) for anything else.",
            )
        user = user_for_token(token)
        if user is None:
            # A wrong token is an error, not a silent fall-back to anonymous.
            raise AuthenticationError(401, "That API token is not valid or was revoked.")
        request.user = user
        return user


class WidgetTokenAuth(HttpBearer):
    """The feedback widget's short-lived token (frankly/widget/tokens.py); other Bearer
    tokens are left to TokenAuth."""

    def authenticate(self, request, token):
        if not is_widget_token(token):
            return None
        user = user_for_widget_token(token)
        if user is None:
            raise AuthenticationError(
                401, "The widget's sign-in has expired or is not valid. Close and reopen it."
            )
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; refuses unsafe requests without a valid CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(
                403, "The CSRF token is missing or wrong. Reload the page, or use a Bearer token."
            )
        return user


def anonymous(request):
    """Public reads: anyone may call, signed in or not."""
    request.user = getattr(request, "user", None) or AnonymousUser()
    return request.user


token_auth = TokenAuth()
widget_auth = WidgetTokenAuth()
session_auth = SessionAuth()
SIGNED_IN = [token_auth, session_auth]
ANYONE = [token_auth, session_auth, anonymous]
# The few operations the embeddable widget's panel calls: list posts, similar posts,
# post, vote.
SIGNED_IN_OR_WIDGET = [widget_auth, *SIGNED_IN]
ANYONE_OR_WIDGET = [widget_auth, *ANYONE]
