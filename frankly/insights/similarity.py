"""Similar posts for a title being typed: "someone asked this already, vote there".

Two steps, both cheap at 100k posts:

1. Candidates from the full-text index the board's search uses (FTS5 with the
   porter stemmer on SQLite, the GIN tsvector index on PostgreSQL), matching *any*
   of the title's significant words, best ranked first, at most ``CANDIDATES``.
2. Re-ranking of those candidates by the cosine similarity of character trigrams
   of the titles (which catches "dark theme" against "dark mode", plurals and
   typos), blended with the search rank. Candidates below ``MIN_SCORE`` are
   dropped, so an unrelated post that shares one word is not suggested.

Only posts the board lists are suggested (not merged, hidden or deleted).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection

from frankly.feedback.models import Post
from frankly.feedback.search import filter_by_text, words

CANDIDATES = 40
MIN_SCORE = 0.3
RANK_WEIGHT = 0.35
# Words too common to say anything about a post's subject. The PostgreSQL english
# configuration drops these itself; SQLite's FTS5 has no stop list.
_STOP_LIST = """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our
    ours out over own please same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours add allow able
    want need make like get way also"""
STOP_WORDS = frozenset(_STOP_LIST.split())


@dataclass
class Suggestion:
    post: Post
    score: float


def significant_words(text: str) -> list[str]:
    return [w for w in words(text.lower()) if w not in STOP_WORDS and len(w) > 1][:12]


def _trigrams(text: str) -> Counter:
    grams = Counter()
    for word in re.findall(r"\w+", text.lower()):
        if word in STOP_WORDS:
            continue
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_cosine(a: str, b: str) -> float:
    """Cosine similarity of the two texts' character-trigram counts, 0 to 1."""
    x, y = _trigrams(a), _trigrams(b)
    if not x or not y:
        return 0.0
    dot = sum(count * y[gram] for gram, count in x.items())
    return dot / math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))


def _candidate_ids(query_words: list[str], limit: int) -> list[tuple[int, float]]:
    """(post id, search rank) of the best full-text matches of any of the words."""
    if connection.vendor == "sqlite":
        # Ask FTS5 for its best matches directly (ORDER BY rank inside the virtual
        # table), rather than ranking every match: an OR of words can match many rows.
        match = " OR ".join(f'"{w}"' for w in query_words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(feedback_post_fts, 4.0, 1.0) FROM feedback_post_fts "
                "WHERE feedback_post_fts MATCH %s ORDER BY bm25(feedback_post_fts, 4.0, 1.0) "
                "LIMIT %s",
                [match, limit],
            )
            return [(row[0], float(row[1])) for row in cursor.fetchall()]
    ranked = filter_by_text(
        Post.objects.all(), " ".join(query_words), any_word=True, prefix_last=False
    )
    return list(ranked.order_by("-rank", "-id").values_list("id", "rank")[:limit])


def similar_posts(
    title: str, *, limit: int = 5, exclude_id: int | None = None, before=None
) -> list[Suggestion]:
    """Up to ``limit`` listed posts most like ``title``, best first.

    ``exclude_id`` leaves one post out (the post itself); ``before`` keeps only posts
    written before that time (the older post of a duplicate pair is the original).
    """
    query_words = significant_words(title)
    if not query_words:
        return []
    ranked = _candidate_ids(query_words, CANDIDATES + (1 if exclude_id else 0))
    if not ranked:
        return []
    rank_of = dict(ranked)
    posts = (
        Post.objects.listed()
        .filter(pk__in=rank_of)
        .only("id", "title", "kind", "status", "vote_count", "comment_count", "created_at")
    )
    if exclude_id is not None:
        posts = posts.exclude(pk=exclude_id)
    if before is not None:
        posts = posts.filter(created_at__lt=before)
    best_rank = max(rank_of.values()) or 1.0
    suggestions = []
    for post in posts:
        rank = max(rank_of[post.pk], 0.0) / best_rank if best_rank > 0 else 0.0
        score = (1 - RANK_WEIGHT) * trigram_cosine(title, post.title) + RANK_WEIGHT * rank
        if score >= MIN_SCORE:
            suggestions.append(Suggestion(post=post, score=round(score, 4)))
    suggestions.sort(key=lambda s: (-s.score, -s.post.pk))
    return suggestions[:limit]
