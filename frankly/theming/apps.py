from django.apps import AppConfig


class ThemingConfig(AppConfig):
    name = "frankly.theming"
    label = "theming"
    verbose_name = "Look of the site"
