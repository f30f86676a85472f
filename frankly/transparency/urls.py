from django.urls import path

from frankly.transparency import views
from frankly.transparency.feeds import ModerationFeed

app_name = "transparency"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/prove/", views.prove, name="prove"),
    path("moderation/", views.moderation_log, name="moderation"),
    path("moderation/feed.atom", ModerationFeed(), name="moderation_feed"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/save/", views.save_rule, name="save_rule"),
    path("history/<str:object_type>/<int:object_id>/", views.history, name="history"),
    path("hide/", views.hide, name="hide"),
    path("unhide/", views.unhide, name="unhide"),
    path("lock/<int:post_id>/", views.lock, name="lock"),
    path("ban/<int:user_id>/", views.ban, name="ban"),
    path("delete/", views.delete_own, name="delete_own"),
    path("appeal/", views.appeal, name="appeal"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/decide/", views.decide, name="decide"),
]
