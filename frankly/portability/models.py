"""What an import from another tool brought in, so a re-run merges instead of doubling
and people can later claim what they wrote or voted there."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from frankly.feedback.models import Comment, Post


class ImportedKind(models.TextChoices):
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    VOTE = "vote", "Vote"


class ImportedItem(models.Model):
    """One post, comment or vote from another tool: its source and id there, what it
    became here, and who wrote it there. ``person_email`` is private: it is used only
    to offer the item to the account with that verified address, never shown."""

    source = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=ImportedKind.choices)
    external_id = models.CharField(max_length=200)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person_name = models.CharField(max_length=200, blank=True)
    person_email = models.EmailField(max_length=254, blank=True, db_index=True)
    original_at = models.DateTimeField()
    imported_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imported_items",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="one_import_per_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id}"
