"""Periodic jobs the worker starts: re-queue due email and webhook retries every
minute, look for backlash every few minutes (INSIGHTS_ALERT_EVERY_MINUTES), and send
the daily digests once a day (at DIGEST_HOUR UTC). Queuing is
idempotent, so several workers doing it at once is harmless."""

import threading
from datetime import UTC, datetime

from django.conf import settings
from django.db import close_old_connections

from frankly.notify.models import Notification


def _tick(last_digest_day: list) -> None:
    from frankly.incidents.services import advance_maintenance
    from frankly.notify import tasks

    close_old_connections()
    tasks.retry_due_messages.enqueue()
    tasks.retry_due_webhooks.enqueue()
    advance_maintenance()
    now = datetime.now(tz=UTC)
    if (
        now.hour >= settings.DIGEST_HOUR
        and last_digest_day[0] != now.date()
        and Notification.objects.filter(in_digest=True).exists()
    ):
        tasks.send_daily_digests.enqueue()
        last_digest_day[0] = now.date()
    _check_for_backlash(now)
    _refresh_statistics(now)


_last_backlash_check = [None]
_last_statistics_day = [None]


def _refresh_statistics(now: datetime) -> None:
    """Once a day, fresh planner statistics on SQLite (frankly/statistics.py)."""
    from frankly.statistics import refresh_statistics

    if _last_statistics_day[0] != now.date():
        refresh_statistics()
        _last_statistics_day[0] = now.date()


def _check_for_backlash(now: datetime) -> None:
    from frankly.insights.tasks import check_for_backlash

    last = _last_backlash_check[0]
    if last is None or (now - last).total_seconds() >= 60 * settings.INSIGHTS_ALERT_EVERY_MINUTES:
        check_for_backlash.enqueue()
        _last_backlash_check[0] = now


def _run_checks() -> None:
    from frankly.incidents.monitoring import run_due_checks

    close_old_connections()
    run_due_checks()


def start_periodic_jobs(interval: float = 60.0, check_interval: float = 5.0) -> threading.Event:
    stop = threading.Event()
    last_digest_day = [None]

    def check_loop():
        # Component checks have intervals of their own (10 s or more): look often.
        while not stop.wait(check_interval):
            try:
                _run_checks()
            except Exception:
                import logging

                logging.getLogger(__name__).exception("Component checks failed")

    threading.Thread(target=check_loop, name="frankly-checks", daemon=True).start()

    def loop():
        while not stop.wait(interval):
            try:
                _tick(last_digest_day)
            except Exception:
                import logging

                logging.getLogger(__name__).exception("Periodic job failed")

    threading.Thread(target=loop, name="frankly-periodic", daemon=True).start()
    return stop
