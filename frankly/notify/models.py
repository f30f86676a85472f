from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each is a separate email choice."""

    REPLY = "reply", _("Replies and comments on posts I follow")
    STATUS = "status", _("Status changes on posts I follow")
    RESPONSE = "response", _("Official responses on posts I follow")
    SHIPPED = "shipped", _("Something I asked for shipped")
    MENTION = "mention", _("Someone mentioned me")
    CONSENT = "consent", _("Staff ask to quote what I wrote")
    MERGE = "merge", _("A post I voted for was merged into another")
    ALERT = "alert", _("Staff alerts: a status check is failing")


# Kinds only staff ever receive; customers are not offered them in their settings.
STAFF_KINDS = {Kind.ALERT}


class Delivery(models.TextChoices):
    INSTANT = "instant", _("Right away")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("Never by email")


class Notification(models.Model):
    """One entry in a person's inbox. ``key`` makes it idempotent: the same event
    never notifies the same person twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    body = models.TextField(max_length=2_000, blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False, help_text="Waiting for the daily digest.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notify_once")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["in_digest", "user"], name="notification_digest"),
        ]


class EmailPreference(models.Model):
    """How a person wants one kind of notification by email. No row means off:
    email is opt-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.OFF)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_pref_per_kind")]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class OutboxMessage(models.Model):
    """An email to send. The idempotency key is unique, so an event queued twice, a
    retry or a restarted worker never sends the same message twice."""

    key = models.CharField(max_length=160, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]


class Event(models.TextChoices):
    POST_CREATED = "post.created", _("A post is created")
    POST_STATUS_CHANGED = "post.status_changed", _("A post's status changes")
    COMMENT_CREATED = "comment.created", _("A comment is posted")
    INCIDENT_UPDATED = "incident.updated", _("An incident update is posted")
    CHANGELOG_PUBLISHED = "changelog.published", _("A changelog entry is published")
    ALERT_RAISED = "alert.raised", _("A backlash alert is raised (staff insights)")
    CONTACT_UPDATED = "contact.updated", _("A customer's account, preferences or consents change")


def _webhook_secret() -> str:
    import secrets

    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL staff registered to receive signed JSON events."""

    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event names this endpoint wants.")
    secret = models.CharField(max_length=80, default=_webhook_secret)
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the delivery log staff read."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=64, help_text="Same on every retry.")
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="deliver_event_once")
        ]
        indexes = [
            # The per-endpoint delivery log, newest first, and the retry sweep.
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
        ]
