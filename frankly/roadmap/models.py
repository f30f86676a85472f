from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from frankly.transparency.models import Moderatable

# "2027-Q1". The service checks the year's range; the database checks the shape.
QUARTER_PATTERN = r"^[0-9]{4}-Q[1-4]$"


class RoadmapSetting(models.Model):
    """Staff's roadmap choices for one post. No row means the defaults: shown on the
    roadmap, no target quarter.

    Kept here rather than on ``Post``: the board knows nothing of the roadmap, and
    most posts never need a row.
    """

    post = models.OneToOneField(
        "feedback.Post", primary_key=True, on_delete=models.CASCADE, related_name="roadmap_setting"
    )
    is_hidden = models.BooleanField(default=False, help_text="Left off the public roadmap.")
    target_quarter = models.CharField(max_length=7, blank=True, help_text="e.g. 2027-Q1")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(target_quarter="") | Q(target_quarter__regex=QUARTER_PATTERN),
                name="roadmap_target_quarter_format",
            )
        ]

    def __str__(self) -> str:
        return f"Roadmap options of post {self.post_id}"


class Category(models.TextChoices):
    NEW = "new", _("New")
    IMPROVED = "improved", _("Improved")
    FIXED = "fixed", _("Fixed")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ChangelogEntryQuerySet(models.QuerySet):
    def published(self) -> "ChangelogEntryQuerySet":
        return self.filter(published_at__isnull=False)

    def drafts(self) -> "ChangelogEntryQuerySet":
        return self.filter(published_at__isnull=True)

    def visible_to(self, viewer) -> "ChangelogEntryQuerySet":
        """Drafts are for staff only."""
        if viewer is not None and viewer.is_authenticated and viewer.is_staff:
            return self
        return self.published()


class ChangelogEntry(models.Model):
    """A changelog or blog entry. A draft until published; published entries stay
    published, and their edits are on the public ledger."""

    title = models.CharField(max_length=160)
    body = models.TextField(blank=True, max_length=50_000)
    body_html = models.TextField(blank=True, editable=False)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.NEW)
    posts = models.ManyToManyField(
        "feedback.Post", blank=True, related_name="changelog_entries", help_text="What it delivers."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True, help_text="Last edit after publishing.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ChangelogEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "changelog entries"
        indexes = [
            models.Index(F("published_at").desc(), F("id").desc(), name="changelog_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="changelog_category_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.slug:
            return reverse("roadmap:entry_slug", args=[self.pk, self.slug])
        return reverse("roadmap:entry", args=[self.pk])

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60].strip("-")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ChangelogComment(Moderatable):
    """A customer's comment on a published entry; moderated like every comment."""

    TEXT_FIELDS = ("body", "body_html")

    entry = models.ForeignKey(ChangelogEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_was_staff = models.BooleanField(default=False, editable=False)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["entry", "created_at", "id"], name="changelog_comment_thread")
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on changelog entry {self.entry_id}"

    def get_absolute_url(self) -> str:
        return f"{self.entry.get_absolute_url()}#comment-{self.pk}"
