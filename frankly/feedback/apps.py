from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "frankly.feedback"
    label = "feedback"
