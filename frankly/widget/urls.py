from django.urls import path

from frankly.widget import views

app_name = "widget"
urlpatterns = [
    path("widget.js", views.widget_js, name="script"),
    path("widget/panel/", views.panel, name="panel"),
]
