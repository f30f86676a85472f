from django.apps import AppConfig


class FranklyConfig(AppConfig):
    name = "frankly"
    label = "frankly"
    verbose_name = "Frankly"
