from django.urls import path

from frankly.roadmap import views
from frankly.roadmap.feeds import ChangelogFeed

app_name = "roadmap"
urlpatterns = [
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/posts/<int:post_id>/", views.roadmap_options, name="options"),
    path("changelog/", views.changelog, name="changelog"),
    path("feeds/changelog.atom", ChangelogFeed(), name="changelog_feed"),
    path("changelog/new/", views.new_entry, name="new_entry"),
    path("changelog/<int:entry_id>/", views.entry, name="entry"),
    path("changelog/<int:entry_id>-<slug:slug>/", views.entry, name="entry_slug"),
    path("changelog/<int:entry_id>/edit/", views.edit_entry, name="edit_entry"),
    path("changelog/<int:entry_id>/publish/", views.publish, name="publish"),
    path("changelog/<int:entry_id>/comment/", views.comment, name="comment"),
]
