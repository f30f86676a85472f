from django.contrib import admin

from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Comment, Post, StatusChange, Tag


class StaffAdmin(admin.ModelAdmin):
    """Every staff member may use these pages, without per-model permissions.

    Frankly's roles are customer, staff and admin; Django's fine-grained permission
    table would be a second, hidden role system.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class ReadOnlyAdmin(StaffAdmin):
    """Writes that carry rules (votes, status, merge) happen on the post page,
    through the services, so counts and history are never bypassed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(StaffAdmin):
    list_display = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    # Tags are shown on the board, which anonymous visitors get from a cache.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_board_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_board_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_board_version()


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "kind", "status", "vote_count", "comment_count", "created_at"]
    list_filter = ["kind", "status", "tags"]
    search_fields = ["title"]
    list_select_related = ["author"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "post", "author", "created_at"]
    list_select_related = ["post", "author"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["post", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["post", "actor"]
