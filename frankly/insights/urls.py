from django.urls import path

from frankly.insights import views

app_name = "insights"
urlpatterns = [
    path("staff/insights/", views.trends_page, name="trends"),
    path("staff/insights/<slug:table>.csv", views.export_csv, name="csv"),
    path("staff/insights/alerts/", views.alerts_page, name="alerts"),
    path("staff/insights/alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path(
        "staff/insights/alerts/<int:alert_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("staff/insights/duplicates/", views.duplicates_page, name="duplicates"),
    path("staff/insights/duplicates/merge/", views.merge_duplicate, name="merge"),
    path("staff/insights/watch-words/", views.watch_words_page, name="watch_words"),
    path(
        "staff/insights/watch-words/<int:watch_word_id>/",
        views.watch_word_detail,
        name="watch_word",
    ),
    path(
        "staff/insights/watch-words/<int:watch_word_id>/remove/",
        views.remove_watch_word,
        name="remove_watch_word",
    ),
    path("transparency/responsiveness/", views.responsiveness_page, name="responsiveness"),
]
