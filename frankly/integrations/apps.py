from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "frankly.integrations"
    verbose_name = "Issue tracker links"
