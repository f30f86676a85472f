from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "frankly.widget"
    verbose_name = "Embeddable widget"
