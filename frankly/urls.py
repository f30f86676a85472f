from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from frankly.accounts.sso_views import sso_login
from frankly.api import api


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("frankly.accounts.urls")),
    path("api/v1/", api.urls),
    path("sso/", sso_login, name="sso"),
    path("staff/crm/", include("frankly.crm.urls")),
    path("transparency/", include("frankly.transparency.urls")),
    path("status/", include("frankly.incidents.urls")),
    path("notifications/", include("frankly.notify.urls")),
    path("", include("frankly.roadmap.urls")),
    path("", include("frankly.feedback.urls")),
]
