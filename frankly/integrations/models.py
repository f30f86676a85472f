from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tracker(models.TextChoices):
    GITHUB = "github", _("GitHub")
    GITLAB = "gitlab", _("GitLab")


class IssueLink(models.Model):
    """A post linked by staff to an issue (or pull/merge request) in a tracker. The
    tracker's signed webhook moves the post's status when the issue closes, merges
    or reopens. ``url`` is the issue's canonical web address, as the webhook sends it."""

    post = models.ForeignKey("feedback.Post", on_delete=models.CASCADE, related_name="issue_links")
    tracker = models.CharField(max_length=8, choices=Tracker.choices)
    url = models.URLField(max_length=500)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="link_issue_once")]
        indexes = [models.Index(fields=["url"], name="issue_link_url")]

    def __str__(self) -> str:
        return self.url
