"""`frankly worker`: run background jobs (emails, webhooks, notifications, digests)
from the database queue, or from Redis with FRANKLY_TASKS=redis. Also queues the
daily digest and re-queues due retries."""

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Run the background job worker (django-tasks database backend)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )

    def handle(self, *args, batch: bool, **options):
        from frankly.notify.scheduler import start_periodic_jobs

        stop = None if batch else start_periodic_jobs()
        try:
            if settings.TASKS_QUEUE == "redis":
                args = ["default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
                call_command("rqworker", *args, *(["--burst"] if batch else []))
            else:
                args = ["--no-startup-delay", "--no-reload"] + (["--batch"] if batch else [])
                call_command("db_worker", *args, verbosity=options.get("verbosity", 1))
        finally:
            if stop:
                stop.set()
