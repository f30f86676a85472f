from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "frankly.portability"
    label = "portability"
