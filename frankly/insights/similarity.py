"""Similar posts for a title being typed: "someone asked this already, vote there".

Two steps, both cheap at 100k posts:

1. Candidates from the full-text index the board's search uses (FTS5 with the
   porter stemmer on SQLite, the GIN tsvector index on PostgreSQL): posts sharing
   two of the title's significant words, or if those are few, any one of them; best
   ranked first, at most ``CANDIDATES``.
2. Re-ranking of those candidates by the cosine similarity of character trigrams
   of the titles (which catches "dark theme" against "dark mode", plurals and
   typos), blended with the search rank for the order. Candidates whose titles are
   less alike than ``MIN_LIKENESS`` are dropped, so an unrelated post that shares
   one word is not suggested (those measure 0.2-0.35; reworded duplicates 0.4-0.9).

Only posts the board lists are suggested (not merged, hidden or deleted).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from frankly.feedback.models import Post
from frankly.feedback.search import (
    PG_VECTOR,
    sqlite_window_condition,
    window,
    words,
)

CANDIDATES = 40
ENOUGH_PAIRS = 5
MIN_LIKENESS = 0.4
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


def _match_expression(query_words: list[str], *, pairs: bool) -> str:
    """Posts with any two of the words (``pairs``) or with any one of them, as an
    FTS5 query. The words are ``\\w+`` only and each is quoted: no query syntax
    from the user gets through."""
    quoted = [f'"{w}"' for w in query_words]
    if pairs:
        return " OR ".join(f"({a} AND {b})" for a, b in combinations(quoted, 2))
    return " OR ".join(quoted)


def _tsquery(query_words: list[str], *, pairs: bool) -> str:
    """The same for PostgreSQL's to_tsquery; the words are ``\\w+`` only, so none of
    its operators (& | ! ( ) : *) can come from the user."""
    if pairs:
        return " | ".join(f"({a} & {b})" for a, b in combinations(query_words, 2))
    return " | ".join(query_words)


def _ranked(query_words: list[str], limit: int, *, pairs: bool) -> list[tuple[int, float]]:
    if connection.vendor == "sqlite":
        # Ask FTS5 for its best matches directly (ORDER BY inside the virtual table),
        # rather than ranking every match through the ORM.
        match = _match_expression(query_words, pairs=pairs)
        bound, params = "", [match]
        if window():
            bound, params = f" AND {sqlite_window_condition()}", [match, match, window()]
        with connection.cursor() as cursor:
            cursor.execute(  # the SQL is constant; the words travel as parameters
                "SELECT rowid, -bm25(feedback_post_fts, 4.0, 1.0) FROM feedback_post_fts "  # noqa: S608
                f"WHERE feedback_post_fts MATCH %s{bound} "
                "ORDER BY bm25(feedback_post_fts, 4.0, 1.0) LIMIT %s",
                [*params, limit],
            )
            return [(row[0], float(row[1])) for row in cursor.fetchall()]
    tsquery = "to_tsquery('english'::regconfig, %s)"
    text = _tsquery(query_words, pairs=pairs)
    # The SQL below is constant; the words travel only as parameters.
    rank = RawSQL(  # noqa: S611
        f"CAST(ts_rank({PG_VECTOR}, {tsquery}) AS double precision)",
        [text],
        output_field=FloatField(),
    )
    matching = (
        Post.objects.annotate(rank=rank)
        .extra(where=[f"{PG_VECTOR} @@ {tsquery}"], params=[text])  # noqa: S610
        .order_by("-rank", "-id")
    )
    return list(matching.values_list("id", "rank")[:limit])


def _candidate_ids(query_words: list[str], limit: int) -> list[tuple[int, float]]:
    """(post id, search rank) of the best full-text matches.

    Posts sharing two or more of the words first: far fewer rows to rank than posts
    sharing any one word (common words match thousands). Only when that finds fewer
    than a handful, the posts sharing any one word.
    """
    if len(query_words) >= 2:
        ranked = _ranked(query_words, limit, pairs=True)
        if len(ranked) >= ENOUGH_PAIRS:
            return ranked
    return _ranked(query_words, limit, pairs=False)


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
        likeness = trigram_cosine(title, post.title)
        if likeness < MIN_LIKENESS:
            continue
        rank = max(rank_of[post.pk], 0.0) / best_rank if best_rank > 0 else 0.0
        score = (1 - RANK_WEIGHT) * likeness + RANK_WEIGHT * rank
        suggestions.append(Suggestion(post=post, score=round(score, 4)))
    suggestions.sort(key=lambda s: (-s.score, -s.post.pk))
    return suggestions[:limit]
