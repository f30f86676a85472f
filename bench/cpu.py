"""CPU time per request, in-process, as a ratio to the trivial /healthz view.

    .venv/bin/python bench/cpu.py                      # the benchmark's SQLite data set
    .venv/bin/python bench/cpu.py --database-url postgres://postgres@127.0.0.1/frankly_bench

wrk's throughput depends on what else the machine is doing; the CPU seconds one
request costs this process do much less (the database's own time on PostgreSQL is
not counted, it runs in another process; on SQLite it is). Use it to see whether a
change made a page cheaper, then confirm with `make bench` on an idle machine.
Requests are anonymous, through the whole Django stack (test client), with the cache
cleared before each one unless the path is marked cached.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from django_setup import setup_django  # noqa: E402
from run import SEARCH_WORDS, SIMILAR_TITLES  # noqa: E402


def paths(thread_post: int) -> list[tuple[str, list[str], bool]]:
    """(name, paths, cached) for each measured request kind."""
    return [
        ("floor /healthz", ["/healthz"], True),
        ("board page 1, cached", ["/"], True),
        ("board page 1, uncached", ["/"], False),
        ("status page, cached", ["/status/"], True),
        ("/api/v1/status, cached", ["/api/v1/status"], True),
        (f"post page, #{thread_post}, uncached", [f"/posts/{thread_post}/"], False),
        ("/api/v1/posts, uncached", ["/api/v1/posts"], False),
        ("search API", [f"/api/v1/posts?q={quote(w)}" for w in SEARCH_WORDS], False),
        (
            "similar titles API",
            [f"/api/v1/posts/similar?title={quote(t)}" for t in SIMILAR_TITLES],
            False,
        ),
    ]


def measure(client, cache, urls: list[str], *, cached: bool, repeat: int) -> dict:
    for url in urls:  # warm up: templates compiled, caches filled, connections open
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    cpu, wall = [], []
    for i in range(repeat):
        url = urls[i % len(urls)]
        if not cached:
            cache.clear()
        c0, w0 = time.process_time(), time.perf_counter()
        client.get(url)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {
        "cpu_ms_median": statistics.median(cpu) * 1000,
        "cpu_ms_p95": sorted(cpu)[int(len(cpu) * 0.95) - 1] * 1000,
        "wall_ms_median": statistics.median(wall) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench" / "sqlite"))
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--only", default="", help="Measure only names containing this.")
    args = parser.parse_args()
    os.environ.update(
        FRANKLY_DATA_DIR=args.data_dir,
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="CRITICAL",
        FRANKLY_RATE_LIMITS_ENABLED="false",
    )
    setup_django(args.database_url or None, Path(args.data_dir) / "bench.sqlite3")
    from django.core.cache import cache
    from django.test import Client

    from frankly.feedback.models import Post

    thread = Post.objects.order_by("-comment_count", "id").first()
    client = Client()
    rows, floor = [], None
    for name, urls, cached in paths(thread.pk):
        if args.only and args.only not in name and name != "floor /healthz":
            continue
        result = measure(client, cache, urls, cached=cached, repeat=args.repeat)
        floor = floor or result["cpu_ms_median"]
        rows.append((name, result))
    print("| request | CPU ms (median) | CPU ms (p95) | wall ms (median) | CPU x floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in rows:
        print(
            f"| {name} | {r['cpu_ms_median']:.2f} | {r['cpu_ms_p95']:.2f} | "
            f"{r['wall_ms_median']:.2f} | {r['cpu_ms_median'] / floor:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
