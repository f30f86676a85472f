#!/usr/bin/env python
"""Benchmark: similar-post suggestions at 100k posts.

Builds (or reuses) a database of N generated posts, then times, in the same run and
on the same titles:

- ``similar``: frankly.insights.similarity.similar_posts (what the new-post form and
  GET /api/v1/posts/similar call), and
- ``search``: the board's own search for the same text, first page of 5
  (frankly.feedback.queries.list_posts(q=..., sort="relevance")), the baseline.

It prints p50 and p95 of each in milliseconds and the ratios similar/search, and
writes the same as JSON. Ratios are what to compare between machines and commits.

    .venv/bin/python bench/similar_posts.py                      # SQLite, var/bench/
    .venv/bin/python bench/similar_posts.py --database-url postgres://postgres@127.0.0.1:5432/frankly_bench
    .venv/bin/python bench/similar_posts.py --posts 20000 --queries 100   # a quick run
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_setup import setup_django  # noqa: E402 - bench/ is on the path when run

SUBJECTS = [
    "dashboard",
    "invoice",
    "export",
    "report",
    "billing",
    "login",
    "password",
    "search",
    "filter",
    "tag",
    "comment",
    "notification",
    "email",
    "webhook",
    "api",
    "token",
    "calendar",
    "timeline",
    "roadmap",
    "changelog",
    "chart",
    "import",
    "upload",
    "attachment",
    "avatar",
    "profile",
    "team",
    "workspace",
    "project",
    "ticket",
    "board",
    "column",
    "label",
    "integration",
    "slack",
    "jira",
    "github",
    "gitlab",
    "okta",
    "sso",
    "mobile",
    "android",
    "iphone",
    "tablet",
    "browser",
    "keyboard",
    "shortcut",
    "theme",
    "font",
    "language",
    "translation",
    "timezone",
    "currency",
    "tax",
    "discount",
    "coupon",
    "subscription",
    "plan",
    "trial",
    "refund",
    "receipt",
    "pdf",
    "csv",
    "spreadsheet",
    "backup",
    "archive",
]
ACTIONS = [
    "add",
    "allow",
    "support",
    "show",
    "hide",
    "sort",
    "group",
    "export",
    "import",
    "sync",
    "share",
    "print",
    "schedule",
    "undo",
    "redo",
    "merge",
    "split",
    "rename",
    "archive",
    "restore",
    "filter",
    "search",
    "translate",
]
QUALIFIERS = [
    "dark",
    "mode",
    "bulk",
    "edit",
    "offline",
    "access",
    "two",
    "factor",
    "custom",
    "fields",
    "saved",
    "views",
    "faster",
    "loading",
    "better",
    "layout",
    "larger",
    "text",
    "more",
    "options",
    "weekly",
    "summary",
    "daily",
    "digest",
    "read",
    "only",
    "public",
    "link",
    "private",
    "notes",
    "audit",
    "log",
    "role",
    "permissions",
]
PROBLEMS = [
    "crashes",
    "freezes",
    "fails",
    "slow",
    "broken",
    "missing",
    "wrong",
    "duplicated",
    "blank",
]
REWORD = {"add": "please add", "allow": "let us", "show": "display", "export": "download"}


def make_title(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return (
            f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(PROBLEMS)} on {rng.choice(SUBJECTS)}"
        )
    q = " ".join(rng.sample(QUALIFIERS, 2))
    subject = f"{rng.choice(SUBJECTS)} {rng.choice(SUBJECTS)}"
    return f"{rng.choice(ACTIONS).capitalize()} {q} for the {subject}"


def reword(title: str, rng: random.Random) -> str:
    words = title.lower().split()
    words = [REWORD.get(w, w) for w in words if w not in ("the", "for") or rng.random() < 0.3]
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def build(n: int, rng: random.Random) -> list[str]:
    from django.core.management import call_command

    from frankly.feedback.models import Post

    call_command("migrate", verbosity=0, interactive=False)
    have = Post.objects.count()
    if have < n:
        print(f"Writing {n - have} posts (have {have})...", flush=True)
        started = time.perf_counter()
        batch = []
        for i in range(have, n):
            batch.append(Post(title=make_title(rng), body=f"Generated post {i}."))
            if len(batch) == 5000:
                Post.objects.bulk_create(batch)
                batch = []
        if batch:
            Post.objects.bulk_create(batch)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    sample = list(Post.objects.order_by("?").values_list("title", flat=True)[:1000])
    return sample


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--sqlite", type=Path, default=ROOT / "var" / "bench" / "similar-posts.sqlite3"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "similar_posts.json")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    setup_django(args.database_url, args.sqlite)

    from django.db import connection, reset_queries

    from frankly.feedback.queries import list_posts
    from frankly.insights.similarity import similar_posts

    existing = build(args.posts, rng)
    # Half the titles reword an existing post (a duplicate being typed), half are new.
    titles = [
        reword(rng.choice(existing), rng) if i % 2 == 0 else make_title(rng)
        for i in range(args.queries)
    ]

    def run_similar(title):
        return len(similar_posts(title))

    def run_search(title):
        return len(list_posts(q=title, sort="relevance", limit=5).items)

    candidates = {"similar": run_similar, "search": run_search}
    for fn in candidates.values():  # warm caches and the page cache, equally
        for title in titles[:20]:
            fn(title)
    timings = {name: [] for name in candidates}
    found = {name: 0 for name in candidates}
    for title in titles:
        # Alternate the order so neither always runs on a warmer cache.
        order = list(candidates.items())
        rng.shuffle(order)
        for name, fn in order:
            started = time.perf_counter()
            found[name] += 1 if fn(title) else 0
            timings[name].append((time.perf_counter() - started) * 1000)
            reset_queries()

    result = {
        "database": connection.vendor,
        "posts": args.posts,
        "queries": len(titles),
        "ms": {
            name: {"p50": round(percentile(t, 50), 3), "p95": round(percentile(t, 95), 3)}
            for name, t in timings.items()
        },
        "found_something": {name: found[name] / len(titles) for name in found},
    }
    result["ratio_similar_to_search"] = {
        p: round(result["ms"]["similar"][p] / result["ms"]["search"][p], 2) for p in ("p50", "p95")
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
