from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "frankly.insights"
    verbose_name = "Insights"
