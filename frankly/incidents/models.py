import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from frankly.transparency.models import Moderatable


class ComponentStatus(models.TextChoices):
    """Ordered from best to worst: the order is used to find a day's worst status."""

    OPERATIONAL = "operational", "Operational"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"
    DEGRADED = "degraded_performance", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"


SEVERITY = {status: rank for rank, status in enumerate(ComponentStatus.values)}


class Impact(models.TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"


class IncidentState(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class ComponentGroup(models.Model):
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class PrivateStatusPage(models.Model):
    """A status page for a named audience (e.g. a customer's dedicated region).

    Never listed and never part of the public page, feeds, API or uptime. Readers are
    its named members and staff (signed in), or anyone holding its secret link, which
    staff can rotate (the old link stops working) or revoke (``link_token`` blank)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="private_status_pages"
    )
    # Public components this audience also sees beside its own (private) ones.
    shared_components = models.ManyToManyField(
        "Component", blank=True, related_name="shared_on_pages"
    )
    link_token = models.CharField(max_length=64, blank=True, default="")
    link_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("incidents:private_page", args=[self.slug])


class ComponentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(private_page__isnull=True)


class Component(models.Model):
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    group = models.ForeignKey(
        ComponentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=24, choices=ComponentStatus.choices, default=ComponentStatus.OPERATIONAL
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set: the component is shown on that private page only, never in public.
    private_page = models.ForeignKey(
        PrivateStatusPage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_components",
    )

    objects = ComponentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.private_page_id is not None


class ComponentStatusChange(models.Model):
    """From ``started_at`` on, the component had ``status`` (until the next change).

    The uptime history is computed from these intervals.
    """

    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=24, choices=ComponentStatus.choices)
    started_at = models.DateTimeField(default=timezone.now)
    incident = models.ForeignKey(
        "Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    update = models.ForeignKey(
        "IncidentUpdate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_changes",
    )
    maintenance = models.ForeignKey(
        "Maintenance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["component", "started_at"], name="component_history")]


class IncidentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(private_page__isnull=True)


class Incident(models.Model):
    title = models.CharField(max_length=160)
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.MINOR)
    state = models.CharField(
        max_length=16, choices=IncidentState.choices, default=IncidentState.INVESTIGATING
    )
    components = models.ManyToManyField(Component, blank=True, related_name="incidents")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    affected_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Set: the incident is on that private page only (its components are the page's own).
    private_page = models.ForeignKey(
        PrivateStatusPage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="incident_state")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident", args=[self.pk])

    @property
    def is_resolved(self) -> bool:
        return self.state == IncidentState.RESOLVED

    def component_statuses(self, updates=None) -> dict[str, str]:
        """What the incident says of each component now: the latest update that named
        it wins. Reads ``updates`` or the (prefetched) updates, newest first."""
        statuses: dict[str, str] = {}
        for update in self.updates.all() if updates is None else updates:
            for key, status in (update.component_statuses or {}).items():
                statuses.setdefault(key, status)
        return statuses


class IncidentUpdate(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    state = models.CharField(max_length=16, choices=IncidentState.choices)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # What the update set, e.g. {"12": "major_outage"}: shown with the update.
    component_statuses = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def get_absolute_url(self) -> str:
        return f"{self.incident.get_absolute_url()}#update-{self.pk}"


class Postmortem(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="postmortem")
    what_happened = models.TextField(max_length=20_000)
    impact = models.TextField(max_length=10_000)
    root_cause = models.TextField(max_length=10_000)
    changes = models.TextField(max_length=10_000, help_text="What we will change, with dates.")
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    def get_absolute_url(self) -> str:
        return f"{self.incident.get_absolute_url()}#postmortem"


class MaintenanceState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Maintenance(models.Model):
    title = models.CharField(max_length=160)
    description = models.TextField(max_length=10_000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    components = models.ManyToManyField(Component, related_name="maintenances")
    # The status each component has while the work runs, e.g. {"3": "under_maintenance",
    # "5": "degraded_performance"}; every component in ``components`` has one.
    component_statuses = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=12, choices=MaintenanceState.choices, default=MaintenanceState.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["state", "starts_at"], name="maintenance_due")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('incidents:status')}#maintenance-{self.pk}"


class IncidentComment(Moderatable):
    """Customers answer back on incidents; moderation follows the public rules."""

    TEXT_FIELDS = ("body", "body_html")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_was_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def get_absolute_url(self) -> str:
        return f"{self.incident.get_absolute_url()}#comment-{self.pk}"


class AffectedReport(models.Model):
    """One person saying "this affects me too"; the count measures reach."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="one_report_per_person")
        ]


def _token() -> str:
    return secrets.token_urlsafe(24)


class StatusSubscription(models.Model):
    """Email subscription to the status page, confirmed by a link (double opt-in)."""

    email = models.EmailField()
    all_components = models.BooleanField(default=True)
    components = models.ManyToManyField(Component, blank=True, related_name="subscriptions")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email"], name="one_subscription_per_email")]

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class StatusVersion(models.Model):
    """One row: bumped in the transaction of every status write. Every app server
    reads it to know whether its cached status page is still current."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)


class CheckKind(models.TextChoices):
    HTTP = "http", "HTTP(S) request"
    TCP = "tcp", "TCP connection"


class IncidentSubscription(models.Model):
    """Email updates of one incident only (double opt-in, one-click unsubscribe),
    for people who do not want every status mail."""

    email = models.EmailField()
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="subscriptions")
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "incident"], name="one_follow_per_incident")
        ]

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class MonitorCheck(models.Model):
    """A built-in check of one component, run by the worker every ``interval_seconds``.

    A failure marks the component degraded and alerts staff with a ready incident
    draft; a public incident is opened only if ``auto_publish`` is set."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=8, choices=CheckKind.choices, default=CheckKind.HTTP)
    target = models.CharField(max_length=300, help_text="A URL (http) or host:port (tcp)")
    interval_seconds = models.PositiveIntegerField(default=60)
    timeout_seconds = models.PositiveIntegerField(default=10)
    expected_status = models.PositiveSmallIntegerField(default=200)
    expected_body = models.CharField(max_length=200, blank=True)
    auto_publish = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
    is_failing = models.BooleanField(default=False)
    last_error = models.CharField(max_length=300, blank=True)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["component_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_seconds__gte=10), name="check_interval_min"
            ),
            models.CheckConstraint(
                condition=models.Q(timeout_seconds__gte=1), name="check_timeout_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"


class CheckRun(models.Model):
    """One run of a check. Time with no run is "no data", never "up"."""

    monitor = models.ForeignKey(MonitorCheck, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    is_ok = models.BooleanField()
    latency_ms = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["monitor", "started_at"], name="check_run_time")]
