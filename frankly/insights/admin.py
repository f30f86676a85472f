from django.contrib import admin

from frankly.feedback.admin import ReadOnlyAdmin
from frankly.insights.models import Alert, Sentiment, WatchWord


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts are raised by the backlash job and acknowledged on their page."""

    list_display = ["raised_at", "scope", "scope_name", "count", "expected", "acknowledged_at"]
    list_filter = ["scope"]


@admin.register(Sentiment)
class SentimentAdmin(ReadOnlyAdmin):
    """Scores are written only by the sentiment task."""

    list_display = ["created_at", "post", "comment", "band", "compound", "scored_at"]
    list_filter = ["band"]
    raw_id_fields = ["post", "comment"]


@admin.register(WatchWord)
class WatchWordAdmin(ReadOnlyAdmin):
    """Watch words are added and removed on the insights page."""

    list_display = ["word", "kind", "created_at"]
