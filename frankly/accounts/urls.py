from django.urls import path

from frankly.accounts import views
from frankly.portability.views import imported_page

app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("tokens/", views.tokens_page, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("contact/", views.contact_page, name="contact"),
    path("contact/stop/<str:token>/", views.contact_stop, name="contact_stop"),
    path("consents/", views.consents_page, name="consents"),
    path("consents/<int:request_id>/", views.decide_consent, name="decide_consent"),
    path("export/", views.export_page, name="export"),
    path("imported/", imported_page, name="imported"),
    path("export/<int:export_id>/download/", views.export_download, name="export_download"),
    path("delete/", views.delete_page, name="delete"),
]
