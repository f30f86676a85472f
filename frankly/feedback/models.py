from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from frankly.transparency.models import Moderatable


class Kind(models.TextChoices):
    IDEA = "idea", "Idea"
    PROBLEM = "problem", "Problem"
    QUESTION = "question", "Question"
    PRAISE = "praise", "Praise"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class Tag(models.Model):
    """A label staff define and put on posts ("Billing", "Mobile app")."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(models.QuerySet):
    def not_merged(self) -> "PostQuerySet":
        return self.filter(merged_into__isnull=True)

    def listed(self) -> "PostQuerySet":
        """What the board lists: not merged, not hidden, not deleted."""
        return self.filter(
            merged_into__isnull=True, hidden_by__isnull=True, deleted_at__isnull=True
        )

    def with_list_data(self, viewer=None) -> "PostQuerySet":
        """What a list row shows, fetched in a fixed number of queries (with
        ``attach_tags`` on the page's rows).

        Only staff see sentiment, so only their lists join it; listed posts are never
        merged, and a null merged_into costs no query, so it is not joined either
        (each join is a row of columns to convert for every post on the page).
        """
        related = ["author"]
        if viewer is not None and getattr(viewer, "is_staff", False):
            related.append("sentiment")
        return self.select_related(*related)


class Post(Moderatable):
    TEXT_FIELDS = ("title", "body", "body_html")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.IDEA)
    title = models.CharField(max_length=160)
    body = models.TextField(blank=True, max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    author_was_staff = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # log2 of the sum of the votes' weights, each halving every week (see trending.py).
    trending = models.FloatField(default=0.0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_posts"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    accepted_comment = models.ForeignKey(
        "Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    lock_reason = models.TextField(blank=True, max_length=2_000)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(F("vote_count").desc(), F("id").desc(), name="post_top"),
            models.Index(F("created_at").desc(), F("id").desc(), name="post_new"),
            models.Index(F("trending").desc(), F("id").desc(), name="post_trending"),
            models.Index(F("last_activity_at").desc(), F("id").desc(), name="post_activity"),
            models.Index(fields=["status", "kind"], name="post_status_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="post_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:post", args=[self.pk])

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Vote(models.Model):
    """One person's vote on one post; the unique constraint makes counts exact."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a merge moved this vote here from a duplicate: the voter chose that post.
    merged_from = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="one_vote_per_person")]
        indexes = [models.Index(fields=["post", "created_at"], name="vote_post_time")]


class Comment(Moderatable):
    TEXT_FIELDS = ("body", "body_html")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author_was_staff = models.BooleanField(default=False, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["post", "created_at", "id"], name="comment_thread")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on post {self.post_id}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="one_follow_per_person")
        ]


class StatusChange(models.Model):
    """A public record of each status change, with the staff member's note."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True, max_length=5_000)
    note_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class OfficialResponse(models.Model):
    """The company's one official answer on a post, shown on top."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="official_response")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)


class BoardVersion(models.Model):
    """Counters whose sum names the current render of the anonymous board.

    Every write the board shows bumps one of a few rows, picked at random, in its
    own transaction: concurrent votes then seldom wait for each other's row lock,
    yet any bump changes the sum (see caching.py).
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
