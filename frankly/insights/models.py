"""What Frankly learns from listening: sentiment of each post and comment, backlash
alerts, and the watch words staff follow. Staff-only: nothing here is shown to
customers or attached to them in public."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Band(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class Sentiment(models.Model):
    """VADER's reading of one post or one comment, for the text version it scored.

    ``text_sha256`` names that version: when the text changes, the score is redone.
    ``created_at`` copies the scored item's creation time so that counts by time
    (trends, backlash) need no join.
    """

    post = models.OneToOneField(
        "feedback.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="sentiment"
    )
    comment = models.OneToOneField(
        "feedback.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sentiment",
    )
    compound = models.FloatField(help_text="VADER compound score, -1 (negative) to +1.")
    positive = models.FloatField()
    neutral = models.FloatField()
    negative = models.FloatField()
    band = models.CharField(max_length=8, choices=Band.choices)
    text_sha256 = models.CharField(max_length=64, help_text="Which text version was scored.")
    text_edited_at = models.DateTimeField(
        null=True, blank=True, help_text="The edit that text came from (empty: the original)."
    )
    created_at = models.DateTimeField(help_text="When the scored post or comment was written.")
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="sentiment_of_post_or_comment",
            ),
        ]
        indexes = [models.Index(fields=["band", "created_at"], name="sentiment_band_time")]

    def __str__(self) -> str:
        what = f"post {self.post_id}" if self.post_id else f"comment {self.comment_id}"
        return f"{self.band} ({self.compound:+.2f}) on {what}"


class Scope(models.TextChoices):
    EVERYWHERE = "all", "All feedback"
    TAG = "tag", "Tag"
    COMPONENT = "component", "Status component"


class Alert(models.Model):
    """A burst of negative posts and comments in one scope, well above its own
    baseline. Raised by the backlash job; staff acknowledge it."""

    scope = models.CharField(max_length=10, choices=Scope.choices)
    tag = models.ForeignKey(
        "feedback.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    component = models.ForeignKey(
        "incidents.Component", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope_name = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField(help_text="Negative posts and comments in the window.")
    expected = models.FloatField(help_text="What the baseline expects in such a window.")
    p_value = models.FloatField(help_text="Chance of at least this many if nothing changed.")
    posts = models.ManyToManyField("feedback.Post", blank=True, related_name="+")
    comments = models.ManyToManyField("feedback.Comment", blank=True, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["acknowledged_at", "raised_at"], name="alert_open"),
            models.Index(fields=["scope", "scope_name", "raised_at"], name="alert_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.count} negative in {self.scope_name}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def scope_label(self) -> str:
        return (
            self.scope_name
            if self.scope == Scope.EVERYWHERE
            else (f"{self.get_scope_display()}: {self.scope_name}")
        )


class WatchKind(models.TextChoices):
    COMPETITOR = "competitor", "Competitor"
    PRODUCT = "product", "Product"
    TOPIC = "topic", "Topic"


class WatchWord(models.Model):
    """A name staff want counted wherever customers mention it."""

    word = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=WatchKind.choices, default=WatchKind.TOPIC)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word", "id"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("word"), name="watch_word_unique_ignoring_case"
            )
        ]

    def __str__(self) -> str:
        return self.word
