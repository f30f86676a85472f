"""Every write to accounts goes through here."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in
from frankly.accounts.models import ApiToken, User
from frankly.accounts.tokens import digest_of, new_token
from frankly.errors import Invalid, NotAllowed, NotFound
from frankly.feedback.caching import bump_board_version


def _clean(instance, *, exclude=None) -> None:
    from frankly.validation import full_clean_or_invalid

    full_clean_or_invalid(instance, exclude=exclude)


def _tell_crm(user: User) -> None:
    """The person's record changed: the CRM hears of it (webhook contact.updated)."""
    from frankly.crm.sync import announce_user_change

    announce_user_change(user)


@transaction.atomic
def set_privacy(*, user: User, show_name: bool, hide_profile: bool) -> User:
    """Show the person's name or "A customer", and hide or show their profile page."""
    require_signed_in(user)
    user.show_name, user.hide_profile = bool(show_name), bool(hide_profile)
    user.updated_at = timezone.now()
    user.save(update_fields=["show_name", "hide_profile", "updated_at"])
    _tell_crm(user)
    return user


@transaction.atomic
def update_profile(
    *, user: User, display_name: str, time_zone: str = "", language: str | None = None
) -> User:
    """Change how a person is shown, and the time zone and language their pages use."""
    display_name = (display_name or "").strip()
    if not display_name:
        raise Invalid(
            _("Your display name is empty. Choose a name others will see."), field="display_name"
        )
    user.display_name = display_name
    user.time_zone = (time_zone or "").strip()
    fields = ["display_name", "time_zone", "updated_at"]
    if language is not None:  # None keeps it: callers that only rename leave it alone
        user.language = language.strip()
        fields.append("language")
    _clean(user, exclude=["password"])
    user.updated_at = timezone.now()
    user.save(update_fields=fields)
    _tell_crm(user)
    bump_board_version()
    return user


@transaction.atomic
def create_staff(
    *, email: str, display_name: str = "", password: str | None = None, is_admin: bool = False
) -> User:
    """Make this address a staff member, creating the account when needed."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, display_name=display_name or email.split("@")[0]
        )
    user.is_staff = True
    if is_admin:
        user.is_superuser = True
    if password:
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Give the token a name, so you know later what uses it."), field="name")
    if len(name) > 80:
        raise Invalid(_("That token name is too long: keep it under 80 characters."), field="name")
    token, prefix, digest = new_token()
    record = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest)
    return record, token


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    record = ApiToken.objects.filter(pk=token_id).first()
    if record is None:
        raise NotFound(_("There is no such token."))
    if record.user_id != user.pk:
        raise NotAllowed(_("That token belongs to someone else."))
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, or None. Notes when it was last used."""
    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token, so API reads stay reads.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
