"""`frankly advance-maintenance [--every SECONDS]`: start and finish maintenance
windows on time, even when nobody opens the status page (run it from cron, or
leave it running with --every)."""

import time

from django.core.management import BaseCommand

from frankly.incidents.services import advance_maintenance


class Command(BaseCommand):
    help = "Start due maintenance windows and finish ended ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="Keep running, checking every N seconds."
        )

    def handle(self, *args, every: int, **options):
        while True:
            changed = advance_maintenance()
            if changed or not every:
                self.stdout.write(f"{changed} maintenance window(s) started or finished.")
            if not every:
                return
            time.sleep(every)
