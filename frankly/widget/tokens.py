"""Widget tokens: short-lived Bearer tokens that can only post, vote and list posts.

The panel of the embeddable widget runs in an iframe on another site's page, where
browsers block or partition Frankly's cookies. So the company's SSO JWT is exchanged
(once: its jti is spent) for one of these, which the panel keeps in memory only.

A widget token is signed with Django's signing (HMAC with SECRET_KEY, a salt of its
own, and a timestamp checked against WIDGET_TOKEN_MINUTES), so nothing is stored. It
names its scope; only the API operations that list ``widget_auth`` accept it, and the
ordinary token check refuses it everywhere else.
"""

from django.conf import settings
from django.core import signing

from frankly.accounts.models import User

WIDGET_PREFIX = "frw_"
_SALT = "frankly.widget.token"
_SCOPE = "widget"


def lifetime_seconds() -> int:
    return settings.WIDGET_TOKEN_MINUTES * 60


def issue_widget_token(user: User) -> str:
    """A token that acts for ``user`` in the widget's scope until it expires."""
    return WIDGET_PREFIX + signing.dumps({"u": user.pk, "s": _SCOPE}, salt=_SALT)


def is_widget_token(token: str) -> bool:
    return token.startswith(WIDGET_PREFIX)


def user_for_widget_token(token: str) -> User | None:
    """The active user a valid, unexpired widget token acts for, or None."""
    if not is_widget_token(token) or len(token) > 500:
        return None
    try:
        data = signing.loads(token[len(WIDGET_PREFIX) :], salt=_SALT, max_age=lifetime_seconds())
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("s") != _SCOPE or not isinstance(data.get("u"), int):
        return None
    return User.objects.filter(pk=data["u"], is_active=True).first()
