from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from frankly.accounts import testimonial_views
from frankly.accounts import views as account_views
from frankly.accounts.sso_views import sso_login
from frankly.api import api
from frankly.portability.views import download_site_export, staff_import


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("frankly.accounts.urls")),
    path("privacy/", account_views.privacy_page, name="privacy"),
    path("language/", account_views.language_page, name="language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("testimonials/embed/", testimonial_views.embed, name="testimonials_embed"),
    path("testimonials/widget.js", testimonial_views.widget_js, name="testimonials_widget"),
    path("staff/testimonials/", testimonial_views.staff_testimonials, name="staff_testimonials"),
    path(
        "staff/testimonials/<int:request_id>/withdraw/",
        testimonial_views.withdraw,
        name="staff_testimonial_withdraw",
    ),
    path("staff/do-not-contact.csv", account_views.do_not_contact_csv, name="do_not_contact_csv"),
    path("staff/export-site.zip", download_site_export, name="site_export"),
    path("staff/import/", staff_import, name="staff_import"),
    path("api/v1/", api.urls),
    path("", include("frankly.theming.urls")),
    path("", include("frankly.insights.urls")),
    path("sso/", sso_login, name="sso"),
    path("", include("frankly.widget.urls")),
    path("staff/crm/", include("frankly.crm.urls")),
    path("transparency/", include("frankly.transparency.urls")),
    path("status/", include("frankly.incidents.urls")),
    path("notifications/", include("frankly.notify.urls")),
    path("", include("frankly.roadmap.urls")),
    path("", include("frankly.feedback.urls")),
    path("", include("frankly.integrations.urls")),
]
