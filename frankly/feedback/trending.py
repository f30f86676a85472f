"""Trending: votes weighted by recency, kept as one sortable number per post.

A vote's weight halves every HALF_LIFE. Sorting by the sum of 2**((t_vote - now)/H)
is the same as sorting by the sum of 2**((t_vote - EPOCH)/H): ``now`` is a common
factor. So the stored key never needs a periodic rescore; each vote adds its term.
We store log2 of the sum (it would overflow a float in a few years otherwise).

The post's creation counts as half a vote, so a brand-new post with no votes ranks
by its age, and the sum never reaches zero when votes are withdrawn.
"""

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HALF_LIFE = timedelta(days=7)


def exponent(moment: datetime) -> float:
    return (moment - EPOCH) / HALF_LIFE


def initial(created_at: datetime) -> float:
    return exponent(created_at) - 1.0  # half a vote


def add(score: float, voted_at: datetime) -> float:
    e = exponent(voted_at)
    high, low = max(score, e), min(score, e)
    return high + math.log2(1.0 + 2.0 ** (low - high))


def remove(score: float, voted_at: datetime) -> float | None:
    """The score without one vote, or None when precision is lost (recompute)."""
    remainder = 1.0 - 2.0 ** (exponent(voted_at) - score)
    if remainder < 1e-9:
        return None
    return score + math.log2(remainder)


def from_scratch(created_at: datetime, vote_times: Iterable[datetime]) -> float:
    exponents = [initial(created_at), *(exponent(t) for t in vote_times)]
    high = max(exponents)
    return high + math.log2(sum(2.0 ** (e - high) for e in exponents))
