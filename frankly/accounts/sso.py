"""Single sign-on from the company's own app (like Canny's or Fider's "identify").

The app signs a short-lived JWT (HS256 with a shared secret, or RS256/EdDSA with a
private key whose public half is in settings) carrying the customer's ``email``, an
``exp``, a unique ``jti`` and optionally ``name``, ``id``, ``avatar``, ``company``,
``plan`` and ``value``; it links the customer to ``/sso/?token=…&redirect=…``.

Everything about the token is checked before anything is written, and the ``jti``
is recorded in the same transaction as the account changes, so a refused or replayed
token changes nothing. CRM claims (company, plan, value) go to the customer's CRM
contact, never onto the account.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.accounts.models import User
from frankly.errors import Conflict, FranklyError, NotAllowed, NotFound

MAX_TOKEN_LENGTH = 8_000


class TokenRefused(FranklyError):
    """The token cannot be used: malformed, expired, wrongly signed or missing a claim."""

    status = 400

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Identity:
    """What a verified token says."""

    email: str
    jti: str
    expires_at: datetime
    external_id: str = ""
    name: str = ""
    avatar: str = ""
    company: str | None = None
    plan: str | None = None
    value: Decimal | None = None


def is_configured() -> bool:
    return bool(settings.SSO_SECRET or settings.SSO_PUBLIC_KEY)


def _public_key():
    text = settings.SSO_PUBLIC_KEY.strip()
    if not text.startswith("-----BEGIN"):
        text = Path(text).read_text(encoding="ascii")
    return load_pem_public_key(text.encode("ascii"))


def _key_for(algorithm: str):
    """The key for the algorithm the token names, from the settings only: an HMAC token
    is checked against the secret, an RSA or Ed25519 token against the public key, and
    a token never chooses its own key type."""
    if algorithm == "HS256" and settings.SSO_SECRET:
        return settings.SSO_SECRET
    if algorithm in ("RS256", "EdDSA") and settings.SSO_PUBLIC_KEY:
        key = _public_key()
        if (algorithm == "RS256" and isinstance(key, RSAPublicKey)) or (
            algorithm == "EdDSA" and isinstance(key, Ed25519PublicKey)
        ):
            return key
    raise TokenRefused(
        f"This site does not accept SSO tokens signed with {algorithm[:20]!r}. "
        "Sign them with the algorithm and key set up in Frankly's settings."
    )


def _text(claims: dict, name: str, *, limit: int) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and name == "id":
        value = str(value)
    if not isinstance(value, str):
        raise TokenRefused(f"The token's '{name}' claim must be text.")
    if "\x00" in value:
        raise TokenRefused(f"The token's '{name}' claim contains a NUL character.")
    value = value.strip()
    if len(value) > limit:
        raise TokenRefused(f"The token's '{name}' claim is longer than {limit} characters.")
    return value


def _value(claims: dict) -> Decimal | None:
    raw = claims.get("value")
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TokenRefused("The token's 'value' claim must be a number, like 49.50.")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise TokenRefused("The token's 'value' claim must be a number, like 49.50.") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise TokenRefused("The token's 'value' claim is not a usable amount.")
    return value.quantize(Decimal("0.01"))


def verify(token: str) -> Identity:
    """Check a token's signature, expiry and claims; raise TokenRefused saying why."""
    if not is_configured():
        raise NotFound(_("Single sign-on is not set up on this site."))
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenRefused("The sign-in link has no usable token. Go back and try the link again.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise TokenRefused("The sign-in token is malformed: it is not a JWT.") from None
    algorithm = header.get("alg")
    if not isinstance(algorithm, str):
        raise TokenRefused("The sign-in token does not name its signing algorithm.")
    key = _key_for(algorithm)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            options={"require": ["exp", "jti", "email"]},
            leeway=settings.SSO_LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused(
            "The sign-in link has expired. Go back to the app and follow a fresh link."
        ) from None
    except jwt.InvalidSignatureError:
        raise TokenRefused(
            "The sign-in token's signature does not match this site's key.", status=403
        ) from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenRefused(f"The sign-in token has no '{exc.claim}' claim; it needs one.") from None
    except jwt.InvalidTokenError as exc:
        raise TokenRefused(f"The sign-in token is not valid: {exc}.") from None
    return _identity(claims)


def _identity(claims: dict) -> Identity:
    from frankly.crm.emails import normalise_email

    email = _text(claims, "email", limit=254) or ""
    try:
        email = normalise_email(email)
    except ValueError as exc:
        raise TokenRefused(f"The token's email is not usable: {exc}.") from None
    jti = _text(claims, "jti", limit=255)
    if not jti:
        raise TokenRefused("The sign-in token's 'jti' claim is empty; give each token its own.")
    avatar = _text(claims, "avatar", limit=500) or ""
    if avatar:
        try:
            URLValidator(schemes=["https", "http"])(avatar)
        except ValidationError:
            raise TokenRefused("The token's 'avatar' claim is not an http(s) URL.") from None
    return Identity(
        email=email,
        jti=jti,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
        external_id=_text(claims, "id", limit=255) or "",
        name=(_text(claims, "name", limit=200) or "")[:80],
        avatar=avatar,
        company=_text(claims, "company", limit=200),
        plan=_text(claims, "plan", limit=100),
        value=_value(claims),
    )


def sign_in(identity: Identity) -> User:
    """Create or update the account a verified token names, and spend its jti.

    One transaction: a replayed jti, or an account that may not sign in this way,
    leaves everything as it was.
    """
    from frankly.crm import services as crm
    from frankly.crm.models import SsoIdentity, UsedSsoToken
    from frankly.crm.sync import announce_user_change

    now = timezone.now()
    with transaction.atomic():
        UsedSsoToken.objects.filter(
            expires_at__lt=now - timedelta(seconds=settings.SSO_LEEWAY_SECONDS)
        ).delete()
        try:
            with transaction.atomic():
                UsedSsoToken.objects.create(jti=identity.jti, expires_at=identity.expires_at)
        except IntegrityError:
            raise TokenRefused(
                "This sign-in link was already used. Go back to the app and follow a fresh link.",
                status=403,
            ) from None
        user = _account_for(identity, SsoIdentity)
        crm.save_contact_for_user(
            user=user,
            data=crm.ContactData(
                name=identity.name or None,
                company_name=identity.company,
                plan=identity.plan,
                value=identity.value,
            ),
        )
        announce_user_change(user)
    return user


def _account_for(identity: Identity, SsoIdentity) -> User:
    from allauth.account.models import EmailAddress

    linked = None
    if identity.external_id:
        linked = (
            SsoIdentity.objects.select_related("user")
            .filter(external_id=identity.external_id)
            .first()
        )
    user = linked.user if linked else User.objects.filter(email__iexact=identity.email).first()
    if user is not None and (user.is_staff or user.is_superuser):
        raise NotAllowed(
            _("Staff accounts cannot sign in through SSO. Sign in with your password.")
        )
    if user is not None and not user.is_active:
        raise NotAllowed(_("This account is disabled."))
    if user is None:
        user = User.objects.create_user(email=identity.email, display_name=identity.name)
    else:
        changed = []
        if identity.email != user.email.lower():
            if User.objects.filter(email__iexact=identity.email).exclude(pk=user.pk).exists():
                raise Conflict(
                    _("Another account already uses the email in this token; staff can merge them.")
                )
            user.email = identity.email
            changed.append("email")
        if identity.name and identity.name != user.display_name:
            user.display_name = identity.name
            changed.append("display_name")
        if changed:
            user.updated_at = timezone.now()
            user.save(update_fields=[*changed, "updated_at"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=identity.email, defaults={"verified": True}
    )
    if not address.verified or not address.primary:
        EmailAddress.objects.filter(user=user).exclude(pk=address.pk).update(primary=False)
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    if identity.external_id:
        existing = getattr(user, "sso_identity", None) if linked is None else linked
        if existing is None:
            SsoIdentity.objects.create(
                user=user, external_id=identity.external_id, avatar_url=identity.avatar
            )
        elif existing.external_id != identity.external_id:
            raise Conflict(_("This account is linked to another id in the company's app."))
        else:
            existing.avatar_url, existing.last_login_at = identity.avatar, timezone.now()
            existing.save(update_fields=["avatar_url", "last_login_at"])
    return user
