import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from frankly.notify.inbound_smtp import make_controller


class Command(BaseCommand):
    help = (
        "Listen for replies to notification emails over SMTP and post them as comments "
        "(needs FRANKLY_REPLY_DOMAIN). Bounces sent here are recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.INBOUND_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.INBOUND_SMTP_PORT)

    def handle(self, *args, host, port, **options):
        if not settings.REPLY_DOMAIN:
            raise CommandError(
                "Set FRANKLY_REPLY_DOMAIN first: it is the domain of the reply addresses "
                "this listener accepts."
            )
        controller = make_controller(host=host, port=port)
        controller.start()
        self.stdout.write(
            f"Taking replies for @{settings.REPLY_DOMAIN} on {host}:{controller.port}. "
            "Stop with Ctrl-C.",
        )
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
