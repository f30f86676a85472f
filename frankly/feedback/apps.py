from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FeedbackConfig(AppConfig):
    name = "frankly.feedback"
    label = "feedback"

    def ready(self):
        from frankly.feedback.search import ensure_search_triggers

        post_migrate.connect(
            ensure_search_triggers, sender=self, dispatch_uid="feedback-search-triggers"
        )
