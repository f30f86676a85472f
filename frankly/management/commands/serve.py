"""`frankly serve`: run Frankly as in production, with gunicorn.

Migrates and collects static files first, so a fresh checkout serves at once.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Serve Frankly with gunicorn (production-like)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1))),
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")))
        parser.add_argument("--no-migrate", action="store_true", help="Do not migrate first.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a background worker (run `frankly worker` "
            "yourself, e.g. on other machines).",
        )

    def handle(self, *args, host, port, workers, threads, no_migrate, no_worker, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"{settings.SITE_NAME} is serving at http://{host}:{port}/")
        sys.stdout.flush()
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "frankly.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "*",
        ]
        if no_worker:
            os.execvp(sys.executable, web)  # noqa: S606 - replaces this process on purpose
        worker = subprocess.Popen([sys.executable, "-m", "frankly.cli", "worker"])
        server = subprocess.Popen(web)  # noqa: S603

        def stop(signum, frame):
            for child in (server, worker):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        stop(None, None)
        worker.wait(timeout=30)
        sys.exit(code)
