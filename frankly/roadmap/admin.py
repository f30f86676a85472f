"""Read-only admin pages: entries are written and published on the changelog pages,
through the services, so their history, ledger entries and notifications are never
bypassed."""

from django.contrib import admin

from frankly.feedback.admin import ReadOnlyAdmin
from frankly.roadmap.models import ChangelogComment, ChangelogEntry, RoadmapSetting


@admin.register(ChangelogEntry)
class ChangelogEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "category", "published_at", "comment_count", "created_at"]
    list_filter = ["category", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["author"]
    view_on_site = True


@admin.register(ChangelogComment)
class ChangelogCommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "entry", "author", "created_at"]
    list_select_related = ["entry", "author"]


@admin.register(RoadmapSetting)
class RoadmapSettingAdmin(ReadOnlyAdmin):
    list_display = ["post", "is_hidden", "target_quarter", "updated_by", "updated_at"]
    list_filter = ["is_hidden"]
    list_select_related = ["post", "updated_by"]
