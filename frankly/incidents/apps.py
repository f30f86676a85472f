from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "frankly.incidents"
    label = "incidents"
