"""Profile one page of the benchmark's data set in-process, to see what limits it.

    .venv/bin/python bench/profile_page.py /posts/1/ --repeat 20
    .venv/bin/python bench/profile_page.py /api/v1/posts --database-url postgres://.../frankly_bench

Uses pyinstrument when it is installed (`.venv/bin/pip install pyinstrument`; it is
not a dependency of Frankly), cProfile otherwise. Requests go through the whole
Django stack with the test client, anonymous, with caches cleared before each one
unless --cached is given.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cached", action="store_true")
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'sqlite' / 'bench.sqlite3'}"
    )
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "var" / "bench" / "sqlite"),
        help="The benchmark's data directory (its static files manifest).",
    )
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        FRANKLY_DATA_DIR=args.data_dir,
        DJANGO_SETTINGS_MODULE="frankly.settings",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="CRITICAL",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.get(args.path)

    def run():
        for _ in range(args.repeat):
            if not args.cached:
                cache.clear()
            response = client.get(args.path)
        assert response.status_code == 200, response.status_code

    try:
        from pyinstrument import Profiler
    except ImportError:
        # (This file is not called profile.py: as the script it would shadow the
        # standard library module that cProfile imports.)
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            40
        )
        return 0
    profiler = Profiler(interval=0.0005)
    profiler.start()
    run()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
