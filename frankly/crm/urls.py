from django.urls import path

from frankly.crm import views

app_name = "crm"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("link-accounts/", views.link_accounts, name="link_accounts"),
    path("import/<int:import_id>/", views.import_report, name="import_report"),
    path("stale/", views.stale_page, name="stale"),
    path("stale.csv", views.stale_csv, name="stale_csv"),
    path("posts/", views.valued_posts, name="posts"),
    path("posts/<int:post_id>/", views.post_backers, name="post"),
]
