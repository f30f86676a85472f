#!/usr/bin/env python
"""Benchmark: ledger proofs against the download-everything check they replace.

Builds (or reuses) a ledger of N entries, then times, in the same run:

- ``inclusion``: frankly.transparency.tree.inclusion_proof for a random entry in the
  tree of all N entries (what GET /api/v1/ledger/proof/inclusion serves);
- ``consistency``: tree.consistency_proof from a random older size to N;
- ``full``: the baseline an outsider had before: read every entry and recompute the
  Merkle root from all leaves.

It prints p50 and p95 in milliseconds, the database queries per proof, and the ratios
proof/full, and writes the same as JSON. Compare ratios between machines and commits.

    .venv/bin/python bench/ledger_proofs.py                    # SQLite under var/bench/
    .venv/bin/python bench/ledger_proofs.py --entries 2000 --rounds 50   # a quick run
    .venv/bin/python bench/ledger_proofs.py --database-url postgres://postgres@127.0.0.1:5432/frankly_bench
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_setup import setup_django  # noqa: E402 - bench/ is on the path when run


def setup_django_and_migrate(database_url: str | None, sqlite_path: Path) -> None:
    setup_django(database_url, sqlite_path)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(entries: int) -> None:
    from django.db import transaction

    from frankly.transparency.ledger import append_to_ledger
    from frankly.transparency.models import LedgerEntry

    have = LedgerEntry.objects.count()
    with transaction.atomic():
        for n in range(have + 1, entries + 1):
            append_to_ledger(
                kind="official_response",
                object_type="post",
                object_id=n,
                object_url=f"/posts/{n}/",
                body={"text": f"Answer number {n}"},
            )


def timed(function, rounds: int) -> tuple[list[float], float]:
    from django.db import connection, reset_queries

    samples, queries = [], 0
    for _ in range(rounds):
        reset_queries()
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        queries += len(connection.queries)
    return samples, queries / rounds


def full_check(size: int) -> bytes:
    from frankly.transparency import merkle
    from frankly.transparency.canonical import entry_bytes
    from frankly.transparency.ledger import entry_as_dict
    from frankly.transparency.models import LedgerEntry

    compact: list[bytes] = []
    for index, entry in enumerate(LedgerEntry.objects.order_by("seq").iterator(chunk_size=1000)):
        compact = merkle.compact_append(
            compact, index, merkle.leaf_hash(entry_bytes(entry_as_dict(entry)))
        )
    return merkle.compact_root(compact)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "ledger_proofs.json"))
    args = parser.parse_args()
    setup_django_and_migrate(args.database_url, ROOT / "var" / "bench" / "ledger.sqlite3")
    from django.conf import settings

    from frankly.transparency import tree

    settings.DEBUG = True  # count queries
    build(args.entries)
    size = tree.tree_size()
    rng = random.Random(12)
    inclusion, inclusion_q = timed(
        lambda: tree.inclusion_proof(seq=rng.randint(1, size), size=size), args.rounds
    )
    consistency, consistency_q = timed(
        lambda: tree.consistency_proof(old_size=rng.randint(1, size - 1), new_size=size),
        args.rounds,
    )
    full, full_q = timed(lambda: full_check(size), max(3, args.rounds // 50))
    assert full_check(size) == tree.root_at(size)

    def p(samples, q):
        return statistics.quantiles(samples, n=100)[q - 1] if len(samples) > 1 else samples[0]

    result = {
        "entries": size,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "inclusion_ms": {"p50": p(inclusion, 50), "p95": p(inclusion, 95)},
        "consistency_ms": {"p50": p(consistency, 50), "p95": p(consistency, 95)},
        "full_ms": {"p50": statistics.median(full)},
        "queries": {"inclusion": inclusion_q, "consistency": consistency_q, "full": full_q},
        "ratio_inclusion_to_full": p(inclusion, 50) / statistics.median(full),
        "ratio_consistency_to_full": p(consistency, 50) / statistics.median(full),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
