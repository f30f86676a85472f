"""What Frankly knows about customers from the company's CRM and SSO.

Everything here is for staff only: no public page or public API response shows it.
Rows change only through a staff action (an import, an edit) or the company's own
signed SSO token; nothing here is rewritten by what Frankly infers.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Company(models.Model):
    """A customer company, known by its email domain (free-mail domains never make one)."""

    domain = models.CharField(max_length=253, unique=True)
    name = models.CharField(max_length=200, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    # What the customer is worth to the company (e.g. MRR), in the CRM's currency.
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "domain"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name or self.domain


class Source(models.TextChoices):
    IMPORT = "import", "CSV import"
    SSO = "sso", "Single sign-on"
    STAFF = "staff", "Staff edit"


class Contact(models.Model):
    """One person in the CRM, keyed by their normalised email address."""

    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    company_name = models.CharField(max_length=200, blank=True, help_text="As the CRM spells it.")
    plan = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    owner = models.CharField(max_length=200, blank=True, help_text="Who owns it in the CRM.")
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    # The CRM plans to call or otherwise approach this person for sales.
    plans_sales_contact = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_contacts",
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.IMPORT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        indexes = [models.Index(fields=["updated_at", "id"], name="contact_changed")]

    def __str__(self) -> str:
        return self.email

    @property
    def customer_value(self):
        """The company's value when the contact has a company, else the contact's own."""
        if self.company is not None and self.company.value is not None:
            return self.company.value
        return self.value


class ContactImport(models.Model):
    """The report of one CSV import: counts, and each skipped row with its line number."""

    filename = models.CharField(max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    format = models.CharField(max_length=20)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # [{"line": 7, "email": "...", "reason": "..."}] for every skipped row.
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class SsoIdentity(models.Model):
    """The company's own id for a Frankly user, from the SSO token's ``id`` claim.

    It lets a person who changed their email in the company's app keep their account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    external_id = models.CharField(max_length=255, unique=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "SSO identities"

    def __str__(self) -> str:
        return self.external_id


class UsedSsoToken(models.Model):
    """A ``jti`` already used to sign in, kept until the token expires: no replays."""

    jti = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.jti


class EmailBounce(models.Model):
    """A permanent refusal (SMTP 5xx) of mail to an address, recorded by the outbox."""

    email = models.EmailField(max_length=254, db_index=True)
    code = models.PositiveSmallIntegerField()
    message = models.TextField(blank=True, max_length=2_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email}: {self.code}"
