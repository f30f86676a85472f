"""Every write to CRM data. Each runs as a staff action (an import, an edit) or on the
company's own signed SSO token; nothing here runs on its own."""

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from frankly.accounts.models import User
from frankly.crm.emails import company_domain, normalise_email
from frankly.crm.models import Company, Contact, EmailBounce, Source
from frankly.errors import Invalid
from frankly.validation import full_clean_or_invalid


@dataclass
class ContactData:
    """What one CRM row or SSO token says about a person. None means "not given":
    it leaves what is stored alone, so a sparse export never blanks a field."""

    name: str | None = None
    company_name: str | None = None
    plan: str | None = None
    value: Decimal | None = None
    owner: str | None = None
    last_contacted_at: datetime | None = None
    plans_sales_contact: bool | None = None


class Outcome:
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _company_for(email: str, data: ContactData) -> Company | None:
    domain = company_domain(email)
    if domain is None:
        return None
    company, _ = Company.objects.get_or_create(
        domain=domain, defaults={"name": data.company_name or ""}
    )
    changes = {}
    if data.company_name and not company.name:
        changes["name"] = data.company_name
    if data.plan is not None and data.plan != company.plan:
        changes["plan"] = data.plan
    if data.value is not None and data.value != company.value:
        changes["value"] = data.value
    if changes:
        for name, value in changes.items():
            setattr(company, name, value)
        company.updated_at = timezone.now()
        full_clean_or_invalid(company)
        company.save()
    return company


def save_contact(*, email: str, data: ContactData, source: str = Source.IMPORT) -> tuple:
    """Create or update the contact for ``email`` (normalised), matching it to a user by
    email and to a company by domain. Returns (contact, outcome)."""
    try:
        email = normalise_email(email)
    except ValueError as exc:
        raise Invalid(f"{str(exc).capitalize()}.", field="email") from None
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(email=email).first()
        outcome = Outcome.UNCHANGED
        if contact is None:
            contact, outcome = Contact(email=email, source=source), Outcome.ADDED
        for field in fields(ContactData):
            value = getattr(data, field.name)
            if value is not None and getattr(contact, field.name) != value:
                setattr(contact, field.name, value)
                outcome = outcome if outcome == Outcome.ADDED else Outcome.UPDATED
        company = _company_for(email, data)
        if company is not None and contact.company_id != company.pk:
            contact.company = company
            outcome = outcome if outcome == Outcome.ADDED else Outcome.UPDATED
        if contact.user_id is None:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                contact.user = user
                outcome = outcome if outcome == Outcome.ADDED else Outcome.UPDATED
        if outcome == Outcome.UNCHANGED:
            return contact, outcome
        contact.updated_at = timezone.now()
        full_clean_or_invalid(contact)
        contact.save()
    return contact, outcome


def save_contact_for_user(*, user: User, data: ContactData) -> Contact:
    """The SSO path: the company's signed token speaks for this user's contact record."""
    contact, _ = save_contact(email=user.email, data=data, source=Source.SSO)
    if contact.user_id != user.pk:
        contact.user = user
        contact.updated_at = timezone.now()
        contact.save(update_fields=["user", "updated_at"])
    return contact


def record_bounce(*, email: str, code: int, message: str) -> EmailBounce:
    """Remember that mail to ``email`` was refused for good (an SMTP 5xx)."""
    return EmailBounce.objects.create(
        email=email.strip().lower()[:254], code=code, message=message[:2_000]
    )


def link_contacts_to_accounts(*, actor) -> int:
    """Link contacts that have no account yet to the account with the same email (people
    who signed up after the import). Staff only; returns how many were linked."""
    from frankly.access import require_staff

    require_staff(actor)
    linked = 0
    with transaction.atomic():
        unlinked = list(Contact.objects.filter(user__isnull=True).values_list("pk", "email"))
        for start in range(0, len(unlinked), 500):  # SQLite limits parameters per query
            batch = dict(unlinked[start : start + 500])
            by_email = {
                email.lower(): pk
                for pk, email in User.objects.filter(email__in=batch.values()).values_list(
                    "pk", "email"
                )
            }
            for contact_id, email in batch.items():
                if email in by_email:
                    Contact.objects.filter(pk=contact_id, user__isnull=True).update(
                        user_id=by_email[email], updated_at=timezone.now()
                    )
                    linked += 1
    return linked


def forget_person(user: User) -> None:
    """An account is being erased at its owner's request: drop Frankly's copy of their
    CRM record and bounce history too (the company's own CRM keeps its records; the
    webhook ``contact.updated`` with ``deleted: true`` told it of the deletion)."""
    email = user.email.lower()
    Contact.objects.filter(models.Q(user=user) | models.Q(email=email)).delete()
    EmailBounce.objects.filter(email=email).delete()
