from django.urls import path

from frankly.incidents import monitoring_views, private_views, sla_views, views

app_name = "incidents"
urlpatterns = [
    path("", views.status_page, name="status"),
    path("history/", views.status_history, name="history"),
    path("feed.atom", views.status_feed, name="feed"),
    path("embed.js", views.embed_js, name="embed_js"),
    path("badge/", views.badge, name="badge"),
    path("incidents/<int:incident_id>/", views.incident_page, name="incident"),
    path("incidents/<int:incident_id>/updates/", views.post_update, name="post_update"),
    path("incidents/<int:incident_id>/postmortem/", views.postmortem, name="postmortem"),
    path("incidents/<int:incident_id>/comment/", views.comment, name="comment"),
    path("incidents/<int:incident_id>/affected/", views.affected, name="affected"),
    path("incidents/<int:incident_id>/follow/", views.follow_incident, name="follow"),
    path("incidents/new/", views.open_incident, name="open_incident"),
    path("maintenance/new/", views.schedule, name="schedule"),
    path("components/new/", views.add_component, name="add_component"),
    path(
        "components/<int:component_id>/status/", views.set_component_status, name="component_status"
    ),
    path("sla/", sla_views.sla_page, name="sla"),
    path("sla.csv", sla_views.sla_csv, name="sla_csv"),
    path("checks/", monitoring_views.checks, name="checks"),
    path("checks/<int:check_id>/draft/", monitoring_views.check_draft, name="check_draft"),
    path("private/<slug:slug>/", private_views.private_page, name="private_page"),
    path("private/<slug:slug>/feed.atom", private_views.private_feed, name="private_feed"),
    path("private/<slug:slug>/link/", private_views.rotate_link, name="private_rotate"),
    path("private/<slug:slug>/link/off/", private_views.revoke_link, name="private_revoke"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
