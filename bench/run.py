"""Frankly's load benchmark: build the data set, serve as in production, drive it with wrk.

    .venv/bin/python bench/run.py --db sqlite            # what `make bench` runs, per database
    .venv/bin/python bench/run.py --db postgres --scale 0.1 --duration 5

Every scenario is compared with the floor, a trivial `/healthz` view measured by the
same server in the same run, so the ratios mean something on a busy or slow machine
where the absolute numbers do not. Results go to bench/results/<date>-<db>.json and a
Markdown table is printed. See README.md ("Benchmarks") for what each target means.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
SEARCH_WORDS = ["invoices", "export", "webhooks", "dark mode", "billing", "sync reports", "api"]
SIMILAR_TITLES = [
    "Export invoices from the billing page",
    "Sync calendars with the mobile app",
    "Filter alerts in the admin panel",
    "Share dashboards from the API",
]
VOTERS = 300


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    wrk = _ensure_wrk()
    env = _environment(args)
    started = time.monotonic()
    build = _prepare_database(args, env)
    fixtures = _fixtures(env, args)
    print(f"Data ready in {time.monotonic() - started:.0f} s; serving.", flush=True)
    port = _free_port()
    server = _serve(env, port, args)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        results = _run_scenarios(wrk, base, fixtures, args)
        rss = _worker_memory(server.pid)
    finally:
        _stop(server)
    counts = _check_counts(env)
    report = _report(args, build, fixtures, results, rss, counts)
    path = _write(report, args)
    print(_markdown(report))
    print(f"\nWritten to {path}")
    return 0 if report["complete"] else 1


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        help="Where to build the data set (default: var/bench/bench.sqlite3, or the "
        "frankly_bench database on 127.0.0.1). It is emptied first.",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--scale", type=float, default=1.0, help="Data set size (1 = 100k posts).")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per scenario.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=0, help="Server workers (default: serve's).")
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the data set when it already has posts."
    )
    return parser.parse_args(argv)


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing; install Debian's package: sudo apt-get install -y wrk")
    print("Installing wrk from Debian.", flush=True)
    quiet = {
        "stdout": subprocess.DEVNULL,
        "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    }
    subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, **quiet)  # noqa: S607
    return shutil.which("wrk") or sys.exit("wrk did not install.")


def _environment(args) -> dict:
    data_dir = Path(args.data_dir) / args.db
    data_dir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or (
        f"sqlite:///{data_dir / 'bench.sqlite3'}"
        if args.db == "sqlite"
        else "postgres://postgres@127.0.0.1:5432/frankly_bench"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FRANKLY_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "FRANKLY_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FRANKLY_TASKS": "database",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "frankly.settings",
        # wrk is thousands of visitors from one address; per-IP limits would turn the
        # measurement into one of 429 answers.
        "FRANKLY_RATE_LIMITS_ENABLED": "false",
    }
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def _frankly(env, *command, capture=True) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "frankly.cli", *command],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=capture,
        text=True,
    )
    if done.returncode:
        sys.exit(f"frankly {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout or ""


def _prepare_database(args, env) -> dict:
    url = env["DATABASE_URL"]
    if args.reuse and _has_posts(env):
        print("Reusing the data set already in the database.", flush=True)
        _frankly(env, "migrate", "--no-input", "-v0")
        return {"reused": True}
    print(f"Building the data set (scale {args.scale}) in {_safe(url)}.", flush=True)
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _recreate_postgres(url)
    started = time.monotonic()
    _frankly(env, "migrate", "--no-input", "-v0")
    migrated = time.monotonic()
    output = _frankly(env, "bench-data", "--scale", str(args.scale))
    built = time.monotonic()
    print(output.strip().splitlines()[-1], flush=True)
    return {
        "reused": False,
        "migrate_seconds": round(migrated - started, 1),
        "bench_data_seconds": round(built - migrated, 1),
    }


def _has_posts(env) -> bool:
    code = "from frankly.feedback.models import Post; print(Post.objects.exists())"
    try:
        # The last line: Django 5.2's shell first says what it imported automatically.
        return _frankly(env, "shell", "-c", code).strip().splitlines()[-1:] == ["True"]
    except SystemExit:
        return False


def _recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit(f"Use a plain database name (a-z, 0-9, _), not {name!r}.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def _safe(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.hostname or "")) if parts.password else url


def _fixtures(env, args) -> dict:
    """Tokens, an ongoing incident and the URLs the scenarios read, made in-process."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from frankly import bench_data
    from frankly.accounts.models import ApiToken, User
    from frankly.accounts.services import create_api_token
    from frankly.cursor import _encode
    from frankly.feedback.models import Post
    from frankly.incidents import services as incidents
    from frankly.incidents.models import Component, Incident

    staff = User.objects.get(email=f"staff@{bench_data.BENCH_EMAIL_DOMAIN}")
    ApiToken.objects.filter(name="bench").delete()
    _, staff_token = create_api_token(user=staff, name="bench")
    voters = User.objects.filter(is_staff=False).order_by("?")[:VOTERS]
    tokens = [create_api_token(user=u, name="bench")[1] for u in voters]
    listed = Post.objects.listed().order_by("-trending", "-id")
    total = listed.count()
    page = min(1000, max(1, total // 20))
    last_of_previous = (
        listed.values_list("trending", "id")[(page - 1) * 20 - 1] if page > 1 else None
    )
    cursor = _encode(list(last_of_previous)) if last_of_previous else ""
    thread = Post.objects.order_by("-comment_count", "id").first()  # bench-data's long thread
    Incident.objects.filter(title="Bench outage").update(state="resolved")
    components = list(Component.objects.values_list("pk", flat=True)[:3])
    incident = incidents.open_incident(
        actor=staff,
        title="Bench outage",
        impact="major",
        body="We are looking into errors on the API.",
        components=components,
        component_statuses={str(pk): "major_outage" for pk in components},
    )
    ids = Post.objects.order_by("id").values_list("id", flat=True)
    fixtures = {
        "posts": total,
        "board_page": page,
        "board_cursor": cursor,
        "thread_post": thread.pk,
        "thread_comments": thread.comment_count,
        "incident": incident.pk,
        "staff_token": staff_token,
        "voter_tokens": tokens,
        "post_id_min": ids.first(),
        "post_id_max": ids.last(),
        "vendor": connection.vendor,
    }
    connection.close()
    return fixtures


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env, port: int, args) -> subprocess.Popen:
    command = [sys.executable, "-m", "frankly.cli", "serve", "--no-worker", "--no-migrate"]
    command += ["--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    log = open(Path(env["FRANKLY_DATA_DIR"]) / "server.log", "w")  # noqa: SIM115
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("The server stopped while starting; see server.log in the data directory.")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("The server did not answer /healthz within two minutes.")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wrk(wrk: str, base: str, args, *, paths, method="GET", tokens=(), nocache=False, ids=None):
    env = {
        **os.environ,
        "BENCH_PATHS": "\n".join(paths),
        "BENCH_METHOD": method,
        "BENCH_TOKENS": "\n".join(tokens),
        "BENCH_NOCACHE": "1" if nocache else "0",
    }
    if ids:
        env["BENCH_ID_MIN"], env["BENCH_ID_MAX"] = str(ids[0]), str(ids[1])
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        base,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": raw["socket_errors"] + raw["timeouts"],
        "non_2xx": raw["non_2xx"],
        "seconds": round(seconds, 2),
    }


def _get(url: str, *, token: str = "", data: dict | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class OutagePoster(threading.Thread):
    """Posts an incident update every second through the API, as staff would, and
    after each one measures how long until the status page and API show it."""

    def __init__(self, base: str, fixtures: dict):
        super().__init__(daemon=True)
        self.base, self.fixtures = base, fixtures
        self.stopping = threading.Event()
        self.posted, self.failures, self.lags, self.stale_reads = 0, [], [], 0
        self.stale_ages: list[float] = []

    def run(self):
        states = ["identified", "monitoring", "investigating"]
        n = 0
        while not self.stopping.is_set():
            tick = time.monotonic()
            n += 1
            text = f"Update {n}: still working on it ({datetime.now(UTC):%H:%M:%S.%f})."
            status, body = _get(
                f"{self.base}/api/v1/incidents/{self.fixtures['incident']}/updates",
                token=self.fixtures["staff_token"],
                data={"state": states[n % 3], "body": text},
            )
            if status != 201:
                self.failures.append(f"{status} {body[:200]!r}")
            else:
                self.posted += 1
                self._measure(text)
            self.stopping.wait(max(0.0, 1.0 - (time.monotonic() - tick)))

    def _measure(self, text: str) -> None:
        """Read both status URLs until they show ``text``. A read that started after
        the update was posted and still lacks it is stale; its age is how long after
        the post it started (the target: never a second or more)."""
        posted = time.monotonic()
        needle = text.encode()
        for path in ("/status/", "/api/v1/status"):
            while True:
                started = time.monotonic()
                _, page = _get(f"{self.base}{path}")
                if needle in page:
                    break
                self.stale_reads += 1
                self.stale_ages.append(started - posted)
                if started - posted > 5:
                    break
            self.lags.append(time.monotonic() - posted)


def _run_scenarios(wrk: str, base: str, fixtures: dict, args) -> dict:
    cursor_path = f"/?cursor={fixtures['board_cursor']}" if fixtures["board_cursor"] else "/"
    thread = f"/posts/{fixtures['thread_post']}/"
    search_api = [f"/api/v1/posts?q={quote(w)}" for w in SEARCH_WORDS]
    search_page = [f"/search/?q={quote(w)}" for w in SEARCH_WORDS]
    similar = [f"/api/v1/posts/similar?title={quote(t)}" for t in SIMILAR_TITLES]
    scenarios = [
        ("floor", {"paths": ["/healthz"]}),
        ("board_page1", {"paths": ["/"]}),
        ("board_page1000", {"paths": [cursor_path]}),
        ("board_page1_uncached", {"paths": ["/"], "nocache": True}),
        ("board_page1000_uncached", {"paths": [cursor_path], "nocache": True}),
        ("post_page_uncached", {"paths": [thread]}),
        ("status_page", {"paths": ["/status/"]}),
        ("api_status", {"paths": ["/api/v1/status"]}),
        ("status_page_outage", {"paths": ["/status/"], "outage": True}),
        ("api_status_outage", {"paths": ["/api/v1/status"], "outage": True}),
        ("api_posts_uncached", {"paths": ["/api/v1/posts"]}),
        ("search_api", {"paths": search_api}),
        ("search_page_uncached", {"paths": search_page, "nocache": True}),
        ("similar_titles", {"paths": similar}),
        (
            "votes",
            {
                "paths": ["/api/v1/posts/{id}/vote"],
                "method": "POST",
                "tokens": fixtures["voter_tokens"],
                "ids": (fixtures["post_id_min"], fixtures["post_id_max"]),
            },
        ),
        ("floor_again", {"paths": ["/healthz"]}),
    ]
    results = {}
    for name, spec in scenarios:
        outage = spec.pop("outage", False)
        probe = spec["paths"][0]
        if spec.get("method", "GET") == "GET":
            status, _ = _get(base + probe)
            if status != 200 and name == "similar_titles":
                results[name] = {
                    "skipped": f"GET /api/v1/posts/similar answers {status} on this branch"
                }
                print(f"{name}: skipped (no such endpoint here)", flush=True)
                continue
            for path in spec["paths"]:
                _get(base + path)  # warm the caches and the workers' connections
        poster = OutagePoster(base, fixtures) if outage else None
        before = _vote_rows() if name == "votes" else 0
        if poster:
            poster.start()
        result = _wrk(wrk, base, args, **spec)
        if poster:
            poster.stopping.set()
            poster.join()
            result["updates_posted"] = poster.posted
            result["update_failures"] = poster.failures[:5]
            # Includes the read's own latency, which is high on a busy machine.
            result["max_seconds_until_read_back"] = round(max(poster.lags, default=99.0), 3)
            result["stale_reads_after_post"] = poster.stale_reads
            result["oldest_stale_read_s"] = round(max(poster.stale_ages, default=0.0), 3)
        if name == "votes":
            result["new_votes"] = _vote_rows() - before
            result["writes_per_second"] = round(result["new_votes"] / result["seconds"], 1)
        results[name] = result
        print(
            f"{name}: {result['rps']} req/s, p50 {result['p50_ms']:.1f} ms, "
            f"p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']}",
            flush=True,
        )
    return results


def _vote_rows() -> int:
    from django.db import connection

    from frankly.feedback.models import Vote

    count = Vote.objects.count()
    connection.close()
    return count


def _check_counts(env) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM feedback_post p WHERE p.vote_count <> "
            "(SELECT COUNT(*) FROM feedback_vote v WHERE v.post_id = p.id)"
        )
        wrong_votes = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM feedback_post p WHERE p.comment_count <> "
            "(SELECT COUNT(*) FROM feedback_comment c WHERE c.post_id = p.id)"
        )
        wrong_comments = cursor.fetchone()[0]
    connection.close()
    return {
        "posts_with_wrong_vote_count": wrong_votes,
        "posts_with_wrong_comment_count": wrong_comments,
    }


def _worker_memory(master: int) -> dict:
    """Resident memory of each gunicorn worker now, and the most it ever used (MB)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return {}
    workers = {}
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        workers[pid] = {k: round(int(v) / 1024, 1) for k, v in fields.items()}
    return {
        "workers": len(workers),
        "max_rss_mb": max((w.get("VmRSS", 0) for w in workers.values()), default=0),
        "max_peak_rss_mb": max((w.get("VmHWM", 0) for w in workers.values()), default=0),
        "per_worker": workers,
    }


def _targets(results: dict, rss: dict, counts: dict, vendor: str) -> list[dict]:
    floor = results["floor"]["rps"]

    def ratio(name):
        return results[name]["rps"] / floor if "rps" in results.get(name, {}) else None

    def check(target, name, met, value):
        return {"target": target, "scenario": name, "met": met, "measured": value}

    out = []
    for name in ("board_page1", "board_page1000", "status_page", "api_status"):
        r, p99 = ratio(name), results[name]["p99_ms"]
        out.append(
            check(
                "cached page: >= 0.8x floor, p99 < 50 ms",
                name,
                r >= 0.8 and p99 < 50,
                f"{r:.2f}x, p99 {p99:.1f} ms",
            )
        )
    for name in ("status_page_outage", "api_status_outage"):
        r, stale = ratio(name), results[name]["oldest_stale_read_s"]
        posted, reads = results[name]["updates_posted"], results[name]["stale_reads_after_post"]
        out.append(
            check(
                "outage: >= 0.8x floor, no update older than 1 s served after it was posted",
                name,
                r >= 0.8 and stale < 1.0 and posted > 0,
                f"{r:.2f}x, {posted} updates, {reads} stale reads after a post"
                + (f" (oldest {stale:.3f} s after it)" if reads else ""),
            )
        )
    for cached in ("", "_uncached"):
        p1, p1000 = results[f"board_page1{cached}"], results[f"board_page1000{cached}"]
        r = p1000["p50_ms"] / p1["p50_ms"]
        out.append(
            check(
                "page 1,000 latency <= 1.2x page 1 (p50)",
                f"board_page1000{cached}",
                r <= 1.2,
                f"{r:.2f}x ({p1000['p50_ms']:.1f} vs {p1['p50_ms']:.1f} ms)",
            )
        )
    for name in ("post_page_uncached", "api_posts_uncached"):
        r = ratio(name)
        out.append(check("uncached: >= 0.3x floor", name, r >= 0.3, f"{r:.2f}x"))
    for name in ("search_api", "similar_titles"):
        if "skipped" in results[name]:
            out.append(check("p95 < 50 ms", name, None, results[name]["skipped"]))
            continue
        p95 = results[name]["p95_ms"]
        out.append(check("p95 < 50 ms", name, p95 < 50, f"p95 {p95:.1f} ms"))
    votes = results["votes"]
    exact = counts["posts_with_wrong_vote_count"] == 0
    out.append(
        check(
            "votes: >= 1,000 writes/s (PostgreSQL), counts exact",
            "votes",
            (votes["writes_per_second"] >= 1000 or vendor != "postgresql") and exact,
            f"{votes['writes_per_second']} new votes/s, "
            f"{'counts exact' if exact else 'COUNTS WRONG'}"
            + (
                ""
                if vendor == "postgresql"
                else " (the rate is a PostgreSQL target; only counts judged)"
            ),
        )
    )
    out.append(
        check(
            "RSS per worker < 200 MB after the run",
            "all",
            0 < rss.get("max_rss_mb", 0) < 200,
            f"max {rss.get('max_rss_mb')} MB now, peak {rss.get('max_peak_rss_mb')} MB",
        )
    )
    return out


def _report(args, build, fixtures, results, rss, counts) -> dict:
    floor = results["floor"]["rps"]
    for result in results.values():
        if "rps" in result:
            result["x_floor"] = round(result["rps"] / floor, 3)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    targets = _targets(results, rss, counts, fixtures["vendor"])
    incomplete = [n for n, r in results.items() if r.get("errors") or r.get("requests") == 0]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": fixtures["vendor"],
        "redis": bool(args.redis_url),
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
        },
        "settings": {
            "scale": args.scale,
            "duration_s": args.duration,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "server_workers": args.workers or (os.cpu_count() or 1) * 2 + 1,
        },
        "data": {**build, **{k: fixtures[k] for k in ("posts", "board_page", "thread_comments")}},
        "scenarios": results,
        "worker_memory": rss,
        "counts": counts,
        "targets": targets,
        "complete": not incomplete,
        "scenarios_with_errors": incomplete,
    }


def _write(report: dict, args) -> Path:
    directory = Path(args.results_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{datetime.now(UTC):%Y-%m-%d}-{report['database']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def _markdown(report: dict) -> str:
    s = report["settings"]
    lines = [
        f"### {report['database']} ({'Redis cache' if report['redis'] else 'local-memory cache'}),"
        f" scale {s['scale']}, {s['connections']} connections, {s['duration_s']} s each,"
        f" {s['server_workers']} workers, {report['machine']['cpus']} CPUs,"
        f" load {report['machine']['load_average'][0]:.1f}",
        "",
        "| scenario | req/s | x floor | p50 ms | p95 ms | p99 ms | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in report["scenarios"].items():
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} | | | | | |")
            continue
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['x_floor']:.2f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['non_2xx']} |"
        )
    lines += ["", "| target | scenario | measured | met |", "| --- | --- | --- | --- |"]
    for t in report["targets"]:
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(f"| {t['target']} | {t['scenario']} | {t['measured']} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
