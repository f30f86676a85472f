from django.urls import path

from frankly.notify import views, webhook_views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("settings/", views.settings_page, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox_page, name="outbox"),
    path("webhooks/", webhook_views.webhooks_page, name="webhooks"),
    path("webhooks/<int:endpoint_id>/", webhook_views.endpoint_page, name="webhook"),
    path(
        "webhooks/<int:endpoint_id>/deactivate/",
        webhook_views.deactivate,
        name="webhook_deactivate",
    ),
    path("webhooks/<int:endpoint_id>/rotate/", webhook_views.rotate, name="webhook_rotate"),
    path(
        "webhooks/deliveries/<int:delivery_id>/redeliver/",
        webhook_views.redeliver,
        name="webhook_redeliver",
    ),
]
