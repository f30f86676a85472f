"""Who may write: the two checks every service function starts with."""

from django.utils.translation import gettext as _

from frankly.errors import NotAllowed, NotSignedIn


def require_signed_in(user):
    """A signed-in, active person who is not banned."""
    if user is None or not user.is_authenticated:
        raise NotSignedIn("You need to sign in to do that.")
    if not user.is_active:
        raise NotAllowed(_("This account is disabled."))
    if getattr(user, "banned_at", None):
        raise NotAllowed(
            _(
                "Your account is banned from writing here. The reason is in the public "
                "moderation log; write to the staff if you think it is wrong."
            )
        )
    return user


def require_staff(user):
    require_signed_in(user)
    if not user.is_staff:
        raise NotAllowed(_("Only staff can do that."))
    return user
