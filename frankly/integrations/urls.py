from django.urls import path

from frankly.integrations import views

app_name = "integrations"
urlpatterns = [
    path("integrations/github/webhook", views.github_webhook, name="github_webhook"),
    path("integrations/gitlab/webhook", views.gitlab_webhook, name="gitlab_webhook"),
    path("posts/<int:post_id>/issue-links/", views.link, name="link"),
    path("posts/<int:post_id>/issue-links/remove/", views.unlink, name="unlink"),
]
