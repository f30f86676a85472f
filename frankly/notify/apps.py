from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "frankly.notify"
    label = "notify"
