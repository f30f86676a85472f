"""Crash consistency: the real server (`frankly serve`: gunicorn and the task worker)
takes concurrent votes, comments and incident updates, is killed with SIGKILL in
the middle, and restarted. Every write it acknowledged is there, counters equal
their rows, and the ledger verifies. Runs on the database of the current pass:
a fresh SQLite file, or a fresh PostgreSQL database."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"

SETUP = """
import json
from frankly.accounts.models import User
from frankly.accounts.services import create_api_token
from frankly.feedback import services as feedback
from frankly.incidents import services as incidents
staff = User.objects.create_user(email="staff@example.com", password="x" * 20, display_name="Staff")
staff.is_staff = True
staff.save()
people = [User.objects.create_user(email=f"c{n}@example.com", password="x" * 20,
          display_name=f"Customer {n}") for n in range(6)]
posts = [feedback.create_post(author=people[0], kind="idea", title=f"Idea {n}", body="", tags=())
         for n in range(4)]
component = incidents.create_component(actor=staff, name="API")
incident = incidents.open_incident(actor=staff, title="Slow", impact="minor", body="Looking",
                                   components=[component.pk])
print(json.dumps({
    "staff": create_api_token(user=staff, name="crash")[1],
    "customers": [create_api_token(user=p, name="crash")[1] for p in people],
    "posts": [p.pk for p in posts],
    "incident": incident.pk,
}))
"""

CHECK = """
import json
from django.db.models import Count
from frankly.feedback.models import Comment, Post, Vote
from frankly.incidents.models import IncidentUpdate
from frankly.transparency.ledger import verify_local
posts = Post.objects.annotate(n_votes=Count("votes", distinct=True),
                              n_comments=Count("comments", distinct=True))
print(json.dumps({
    "comments": list(Comment.objects.values_list("body", flat=True)),
    "votes": [[v.user.email, v.post_id] for v in Vote.objects.select_related("user")],
    "updates": list(IncidentUpdate.objects.values_list("body", flat=True)),
    "counters": [[p.pk, p.vote_count, p.n_votes, p.comment_count, p.n_comments] for p in posts],
    "ledger": str(verify_local()),
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env(tmp_path, transactional_db):
    """Settings for a server on its own copy of the (empty, migrated) test database,
    so it starts without migrating again."""
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        FRANKLY_DATA_DIR=str(tmp_path),
        WEB_CONCURRENCY="2",
        THREADS="4",
        FRANKLY_RATE_LIMITS_ENABLED="false",
        FRANKLY_EMAIL_TIMEOUT="2",
    )
    if connection.vendor == "sqlite":
        from frankly.backups import backup

        backup(tmp_path / "frankly.sqlite3")
        yield env
        return
    template = connection.settings_dict["NAME"]
    name = f"{template}_crash"
    connection.close()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    env["DATABASE_URL"] = f"{PG}/{name}"
    yield env
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start(env, *options) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):  # noqa: S310
                return server, base
        except OSError:
            assert server.poll() is None, "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


def send(base: str, method: str, path: str, token: str, body=None) -> int:
    request = urllib.request.Request(  # noqa: S310 (local test server)
        f"{base}/api/v1{path}",
        method=method,
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_acknowledged_writes_survive_a_sigkill_mid_load(server_env):
    env = server_env
    t0 = time.monotonic()
    server, base = start(env, "--no-migrate")
    print(f"\nstarted in {time.monotonic() - t0:.1f}s")
    try:
        seed = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        acked = {"comments": set(), "votes": set(), "updates": set()}
        lock = threading.Lock()
        stop = threading.Event()
        sent = {"n": 0}

        def customer(index: int, token: str):
            n = 0
            while not stop.is_set():
                n += 1
                post = seed["posts"][n % len(seed["posts"])]
                try:
                    if (
                        n <= len(seed["posts"])
                        and send(base, "POST", f"/posts/{post}/vote", token) == 200
                    ):
                        with lock:
                            acked["votes"].add((f"c{index}@example.com", post))
                    body = f"comment {index}-{n}"
                    if send(base, "POST", f"/posts/{post}/comments", token, {"body": body}) == 201:
                        with lock:
                            acked["comments"].add(body)
                except OSError:
                    return  # the server is gone
                finally:
                    sent["n"] += 1

        def staff():
            n = 0
            while not stop.is_set():
                n += 1
                body = f"update {n}"
                try:
                    status = send(
                        base,
                        "POST",
                        f"/incidents/{seed['incident']}/updates",
                        seed["staff"],
                        {"state": "monitoring", "body": body},
                    )
                except OSError:
                    return
                if status in (200, 201):
                    with lock:
                        acked["updates"].add(body)

        threads = [
            threading.Thread(target=customer, args=(i, t)) for i, t in enumerate(seed["customers"])
        ]
        threads.append(threading.Thread(target=staff))
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            sum(len(v) for v in acked.values()) < 60 or not all(acked.values())
        ):
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

    assert acked["comments"] and acked["votes"] and acked["updates"]
    server, base = start(env, "--no-migrate")  # restart on the same data
    try:
        assert send(base, "GET", "/posts", seed["customers"][0]) == 200
        found = json.loads(manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    missing_comments = acked["comments"] - set(found["comments"])
    missing_votes = acked["votes"] - {tuple(v) for v in found["votes"]}
    missing_updates = acked["updates"] - set(found["updates"])
    assert not missing_comments and not missing_votes and not missing_updates
    for post, vote_count, votes, comment_count, comments in found["counters"]:
        assert (vote_count, comment_count) == (votes, comments), f"post {post} counters drifted"
    assert found["ledger"].startswith("OK"), found["ledger"]  # what `frankly verify-ledger` checks
    acknowledged = sum(len(v) for v in acked.values())
    present = len(found["comments"]) + len(found["votes"]) + len(found["updates"]) - 1
    print(
        f"\ncrash ({env.get('DATABASE_URL', 'sqlite')[:8]}): {acknowledged} writes acknowledged "
        f"({len(acked['comments'])} comments, {len(acked['votes'])} votes, "
        f"{len(acked['updates'])} updates), all found; {present} rows after restart"
    )
