import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a time zone we know. Pick one like Europe/Berlin.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Admin")


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a customer, or staff (``is_staff``), or an admin (``is_superuser``).

    Staff can moderate and respond; admins can also manage staff and settings.
    """

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    # The interface and email language; blank follows the browser (or the site default
    # for mail).
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Banned people can read but not write; the reason is in the moderation log.
    banned_at = models.DateTimeField(null=True, blank=True)
    # Privacy choices: the name, or just "A customer", next to what they write.
    show_name = models.BooleanField(
        default=True, help_text="Show my display name publicly; otherwise “A customer”."
    )
    hide_profile = models.BooleanField(
        default=False, help_text="Nobody else sees my profile page or its list of my posts."
    )
    # Set when the person deleted their account: the row stays only as "Deleted user",
    # with no personal data, so that kept content has an author.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When the profile or a privacy choice last changed (for CRM sync-out).
    updated_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.public_name

    @property
    def role(self) -> Role:
        if self.is_superuser:
            return Role.ADMIN
        if self.is_staff:
            return Role.STAFF
        return Role.CUSTOMER

    @property
    def public_name(self) -> str:
        """The name shown publicly: never the email address, and not even the display
        name when the person chose not to show it. Staff are always shown as staff."""
        if self.deleted_at is not None:
            return "Deleted user"
        if not self.show_name and not self.is_staff:
            return "A customer"
        return self.display_name or f"Customer {self.pk}"

    @property
    def hides_profile(self) -> bool:
        """A customer who hides their profile, or their name (a profile page would tie
        all their "A customer" posts together), has no public profile page."""
        return not self.is_staff and (self.hide_profile or not self.show_name)

    @property
    def initials(self) -> str:
        words = [w for w in self.public_name.replace("-", " ").split() if w[:1].isalnum()]
        letters = "".join(w[0] for w in words[:2]).upper()
        return letters or "?"

    @property
    def avatar_hue(self) -> int:
        """A stable colour for the initials avatar."""
        return (self.pk or 0) * 47 % 360

    def get_absolute_url(self) -> str:
        return reverse("feedback:profile", args=[self.pk])


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SalesContact(models.TextChoices):
    NEVER = "never", _("Never")
    WHEN_ASKED = "when_asked", _("Only when I ask for it")


class ContactPreferences(models.Model):
    """What the company may contact a person about. Every sender checks these
    (``frankly.accounts.contact.may_contact``); staff export them for their CRM.

    Product news and surveys are opt-in; incident notices only reach people who
    subscribed to the status page anyway."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="contact_preferences")
    product_news = models.BooleanField(default=False, verbose_name="Product news")
    surveys = models.BooleanField(default=False, verbose_name="Surveys and research")
    incident_notices = models.BooleanField(default=True, verbose_name="Incident notices")
    sales_contact = models.CharField(
        max_length=12,
        choices=SalesContact.choices,
        default=SalesContact.NEVER,
        verbose_name="Sales contact",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "contact preferences"

    def __str__(self) -> str:
        return f"Contact preferences of #{self.user_id}"


class ContactPreferenceChange(models.Model):
    """One change of one contact preference, shown to the person as their history."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="contact_preference_changes"
    )
    field = models.CharField(max_length=32)
    old_value = models.CharField(max_length=32)
    new_value = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="contact_change_user")]


class ConsentState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    VOIDED = "voided", _("Void")
    WITHDRAWN = "withdrawn", _("Withdrawn by staff")


class TestimonialRequestQuerySet(models.QuerySet):
    def live(self, today=None):
        """Accepted, not revoked or voided, and not past its end date."""
        today = today or timezone.localdate()
        return self.filter(state=ConsentState.ACCEPTED, until__gte=today)


class TestimonialRequest(models.Model):
    """Staff ask to quote a customer's words; the row is also the record of the
    answer: when, which text (``text_digest``), where and until when.

    Only an accepted, live request lets the quote be served, and only while the
    source text is still exactly the one that was consented to."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="testimonial_requests")
    requested_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    object_url = models.CharField(max_length=300)
    quote = models.TextField(max_length=2_000)
    text_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the source text the consent is for."
    )
    placement = models.CharField(max_length=200, help_text="Where the quote will appear.")
    message = models.TextField(max_length=2_000, blank=True)
    until = models.DateField(help_text="The last day the quote may be shown.")
    state = models.CharField(max_length=12, choices=ConsentState.choices, default="pending")
    is_anonymous = models.BooleanField(default=False)
    attribution = models.CharField(max_length=120, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TestimonialRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["state", "until"], name="testimonial_live"),
            models.Index(fields=["object_type", "object_id"], name="testimonial_source"),
            models.Index(fields=["updated_at"], name="testimonial_updated"),
        ]

    def __str__(self) -> str:
        return f"Testimonial request #{self.pk} ({self.state})"


class DataExport(models.Model):
    """A person's request for a copy of their data; built by a background job."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
