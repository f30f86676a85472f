"""`frankly serve` runs the production server (gunicorn, DEBUG off, whitenoise static)
from a fresh data directory: it migrates, collects static files and answers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local test URL
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_answers_pages_api_and_static_files(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(FRANKLY_DATA_DIR=str(tmp_path), PORT=str(port), WEB_CONCURRENCY="1")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz") == b"ok"
        page = wait_for(f"{base}/").decode()
        assert "Feedback" in page
        css_path = page.split('rel="stylesheet" href="')[1].split('"')[0]
        assert ".css" in css_path and css_path != "/static/frankly/frankly.css"  # hashed name
        assert b"--accent" in wait_for(base + css_path)
        assert wait_for(f"{base}/api/v1/posts").startswith(b'{"items"')
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
