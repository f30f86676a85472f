"""FRANKLY_TASKS=redis: jobs go through a real Redis and are run by `frankly worker`
(an RQ worker), and a queued email is sent exactly once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.redis_db import private_redis_db

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django, sys
django.setup()
from django.core.management import call_command
from django.db import transaction
from frankly.notify.models import OutboxMessage
from frankly.notify.outbox import queue_email
call_command("migrate", verbosity=0)
with transaction.atomic():
    queue_email(
        key="redis-test", to="someone@example.com", subject="Hi", body="Redis", topic="account"
    )
assert OutboxMessage.objects.get().status == "pending"
call_command("worker", "--batch")
call_command("worker", "--batch")
print("STATUS", OutboxMessage.objects.get().status)
"""


def test_the_redis_queue_runs_jobs_through_frankly_worker(tmp_path, smtp_server):
    redis = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False
    )
    if redis.stdout.strip() != "PONG" and not os.environ.get("CI"):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from django.conf import settings

    database = private_redis_db()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="frankly.settings",
        FRANKLY_DATA_DIR=str(tmp_path),
        FRANKLY_TASKS="redis",
        REDIS_URL=f"redis://127.0.0.1:6379/{database}",
        EMAIL_URL=f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
    )
    subprocess.run(["redis-cli", "-n", str(database), "flushdb"], check=False, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "STATUS sent" in result.stdout
    assert [m["To"] for m in smtp_server.messages] == ["someone@example.com"]
