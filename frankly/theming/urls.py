from django.urls import path

from frankly.theming import views

app_name = "theming"
urlpatterns = [
    path("theme/<str:digest>.css", views.theme_css, name="css"),
    path("theme/logo/<str:stamp>", views.logo, name="logo"),
]
