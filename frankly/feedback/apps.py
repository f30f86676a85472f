from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FeedbackConfig(AppConfig):
    name = "frankly.feedback"
    label = "feedback"

    def ready(self):
        from frankly import statistics
        from frankly.feedback.search import ensure_search_triggers

        post_migrate.connect(
            ensure_search_triggers, sender=self, dispatch_uid="feedback-search-triggers"
        )
        # Migrations that rebuild a table on SQLite drop its planner statistics.
        post_migrate.connect(
            statistics.after_migrate, sender=self, dispatch_uid="sqlite-statistics"
        )
