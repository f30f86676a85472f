"""`frankly bench-data`: fill an empty database with the benchmark data set."""

import time

from django.core.management import BaseCommand, CommandError

from frankly import bench_data
from frankly.errors import FranklyError


class Command(BaseCommand):
    help = (
        "Fill an empty database with 100,000 posts, 1,000,000 votes, 300,000 comments "
        "and 40 components with 90 days of history (times --scale)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every size by this (0.001 gives a tiny set for a smoke test).",
        )
        parser.add_argument("--seed", type=int, default=10)

    def handle(self, *args, scale, seed, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale is a number above 0 and at most 10, e.g. 0.01 or 1.")
        started = time.monotonic()
        try:
            built = bench_data.build(scale=scale, seed=seed, out=self.stdout.write)
        except FranklyError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Built {built.posts} posts, {built.votes} votes, {built.comments} comments, "
            f"{built.components} components in {time.monotonic() - started:.1f} s. "
            f"The post with {bench_data.THREAD_COMMENTS} comments is #{built.thread_post_id}."
        )
