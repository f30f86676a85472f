"""Email addresses as the CRM side sees them: normalised, and split into a domain that
may name a company (free-mail domains never do)."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

FREE_MAIL_FILE = Path(__file__).parent / "data" / "free_mail_domains.txt"


@cache
def free_mail_domains() -> frozenset[str]:
    lines = FREE_MAIL_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def normalise_email(raw: str) -> str:
    """Trim and lowercase an address; strip plus tags and dots only where configured.

    Raises ValueError with a readable reason when it is not an email address.
    """
    email = (raw or "").strip().lower()
    if not email:
        raise ValueError("the email is empty")
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"'{raw.strip()[:100]}' is not an email address") from None
    local, _, domain = email.rpartition("@")
    if settings.CRM_EMAIL_STRIP_PLUS_TAGS and "+" in local:
        local = local.split("+", 1)[0] or local
    if domain in settings.CRM_EMAIL_DOTLESS_DOMAINS:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def canonical_email(email: str) -> str:
    """The address with plus tags and dots dropped: two contacts with the same canonical
    address are probably one person (used to flag duplicates, never to merge them)."""
    local, _, domain = email.lower().rpartition("@")
    local = local.split("+", 1)[0].replace(".", "")
    if domain == "googlemail.com":
        domain = "gmail.com"
    return f"{local}@{domain}"


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def company_domain(email: str) -> str | None:
    """The domain that identifies the person's company, or None for free mail."""
    domain = domain_of(email)
    if not domain or domain in free_mail_domains():
        return None
    return domain
