from django.contrib import admin

from frankly.feedback.models import Comment, Post, StatusChange, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-mostly: writes that carry rules (votes, status, merge) happen on the post
    page, through the services, so history is never bypassed."""

    list_display = ["id", "title", "kind", "status", "vote_count", "comment_count", "created_at"]
    list_filter = ["kind", "status", "tags"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Post._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "post", "author", "created_at"]
    readonly_fields = [f.name for f in Comment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["post", "from_status", "to_status", "actor", "created_at"]
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_add_permission(self, request):
        return False
