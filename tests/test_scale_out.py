"""Two app servers sharing one PostgreSQL and one Redis show the same state right
after a write, whichever of them took the write (docs/scaling.md)."""

import json
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from frankly.accounts.services import create_api_token
from frankly.incidents import services as incidents
from tests.conftest import make_post, make_user
from tests.redis_db import private_redis_db
from tests.test_serve import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="app servers share PostgreSQL at scale"
)


def _redis_url() -> str:
    ping = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False
    )
    if ping.stdout.strip() != "PONG" and not os.environ.get("CI"):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    # A database of its own; the cache keys name versions, so old keys never match.
    return f"redis://127.0.0.1:6379/{private_redis_db()}"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def call(url: str, *, token: str = "", data: dict | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if data is not None:
        body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local
        return response.status, response.read().decode()


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "FRANKLY_TASKS")}
    env.update(
        DATABASE_URL=_database_url(),
        REDIS_URL=_redis_url(),
        FRANKLY_DATA_DIR=str(tmp_path),
        SECRET_KEY="two-servers-share-one-secret-key-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="frankly.settings",
    )
    subprocess.run(
        [sys.executable, "-m", "frankly.cli", "collectstatic", "--no-input", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    servers, bases = [], []
    for name in ("a", "b"):
        port = free_port()
        log = open(tmp_path / f"server-{name}.log", "w")  # noqa: SIM115 - closed below
        servers.append(
            (
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "frankly.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "2",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                ),
                log,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            assert wait_for(f"{base}/healthz") == b"ok"
        yield bases
    finally:
        for server, log in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
            log.close()


def test_two_app_servers_show_the_same_state_right_after_a_write(two_servers):
    a, b = two_servers
    customer, staff = make_user(), make_user(staff=True)
    post = make_post(customer, title="Dark mode please")
    incident = incidents.open_incident(
        actor=staff, title="Slow API", impact="minor", body="We are looking into it."
    )
    _, customer_token = create_api_token(user=customer, name="test")
    _, staff_token = create_api_token(user=staff, name="test")
    for base in (a, b):  # both servers have the current pages in their caches now
        for path in ("/", "/status/", "/api/v1/status", f"/api/v1/posts/{post.pk}"):
            call(base + path)

    status, _ = call(f"{a}/api/v1/posts/{post.pk}/vote", token=customer_token, data={})
    assert status == 200
    assert "data-vote-count>1<" in call(f"{b}/")[1]
    assert json.loads(call(f"{b}/api/v1/posts/{post.pk}")[1])["vote_count"] == 1

    status, _ = call(
        f"{b}/api/v1/posts",
        token=customer_token,
        data={"kind": "idea", "title": "Export to PDF", "body": ""},
    )
    assert status == 201
    assert "Export to PDF" in call(f"{a}/")[1]

    status, _ = call(
        f"{b}/api/v1/incidents/{incident.pk}/updates",
        token=staff_token,
        data={"state": "identified", "body": "A full disk on one database node."},
    )
    assert status == 201
    assert "A full disk on one database node." in call(f"{a}/status/")[1]
    assert "A full disk on one database node." in call(f"{a}/api/v1/status")[1]
