"""The benchmark harness (bench/run.py) runs end to end on a tiny data set, so it
cannot rot between the real runs of `make bench`."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _database_url(tmp_path) -> str:
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}_bench"
    )


def test_the_benchmark_runs_every_scenario_and_writes_its_results(tmp_path):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is missing: apt-get install -y wrk (make test installs it)")
    url = _database_url(tmp_path)
    command = [
        sys.executable,
        "bench/run.py",
        "--scale=0.0005",
        "--duration=1",
        "--connections=2",
        "--threads=1",
        "--workers=1",
        f"--database-url={url}",
        f"--data-dir={tmp_path / 'data'}",
        f"--results-dir={tmp_path / 'results'}",
    ]
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
    finally:
        if url.startswith("postgres"):
            admin = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [path] = (tmp_path / "results").glob("*.json")
    report = json.loads(path.read_text())
    assert report["database"] == connection.vendor
    scenarios = report["scenarios"]
    assert {"floor", "board_page1", "board_page1000", "post_page_uncached", "votes"} <= set(
        scenarios
    )
    for name, result in scenarios.items():
        if "skipped" in result:
            assert name == "similar_titles"  # until GET /api/v1/posts/similar exists
            continue
        assert result["requests"] > 0, name
        assert result["non_2xx"] == 0, name
        assert result["x_floor"] > 0
    outage = scenarios["status_page_outage"]
    assert outage["updates_posted"] >= 1
    assert outage["stale_reads_after_post"] == 0
    assert scenarios["votes"]["new_votes"] > 0
    assert report["counts"] == {
        "posts_with_wrong_vote_count": 0,
        "posts_with_wrong_comment_count": 0,
    }
    assert report["worker_memory"]["workers"] == 1
    assert "| board_page1 |" in done.stdout  # the Markdown table
