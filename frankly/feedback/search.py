"""Full-text search over post titles and bodies, one function for both databases.

SQLite: an FTS5 table kept in step by triggers (migration 0002), ranked by bm25.
PostgreSQL: a stored tsvector column with a GIN index, ranked by ts_rank.
User input is never passed through as query syntax: on SQLite each word becomes a
quoted FTS5 string; on PostgreSQL websearch_to_tsquery parses it safely.
"""

import re

from django.conf import settings
from django.db import connection
from django.db.models import FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

# A stored column PostgreSQL computes from the title (weight A) and the body (weight B),
# with a GIN index (migration 0005).
PG_VECTOR = "feedback_post.search_vector"

WORD = re.compile(r"\w+", re.UNICODE)


def words(query: str) -> list[str]:
    return WORD.findall(query or "")[:32]


def _fts5_query(query: str, *, prefix_last: bool) -> str:
    terms = [f'"{w}"' for w in words(query)]
    if prefix_last and terms:
        terms[-1] += "*"
    return " ".join(terms)


def window() -> int:
    """How many of the newest matching posts are ranked (0: all of them)."""
    return max(0, int(getattr(settings, "FRANKLY_SEARCH_WINDOW", 0) or 0))


def sqlite_window_condition() -> str:
    """An FTS5 condition keeping the newest ``window()`` matches of the MATCH
    expression (two parameters: the expression, then the window size).

    Ranking costs one bm25 per matching row, and a common word matches half of a
    large community's posts: tens of milliseconds for a search nobody reads past the
    first page of. The newest N matches are found from the index alone (rowid order,
    no ranking), and FTS5 uses the rowid bound to rank only those.
    """
    return (
        "feedback_post_fts.rowid >= coalesce((SELECT min(rowid) FROM (SELECT rowid FROM "
        "feedback_post_fts WHERE feedback_post_fts MATCH %s "
        "ORDER BY rowid DESC LIMIT %s)), 0)"
    )


def filter_by_text(
    queryset: QuerySet, query: str, *, any_word: bool = False, prefix_last: bool = True
) -> QuerySet:
    """Posts matching ``query``, annotated with ``rank`` (higher is better).

    ``any_word`` matches posts with any of the words (for similar-title hints)
    instead of all of them. On SQLite only the newest ``FRANKLY_SEARCH_WINDOW``
    matches are ranked and returned, so a search costs the same however common its
    words are.
    """
    if not words(query):
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        joiner = " or " if any_word else " "
        text = joiner.join(words(query))
        tsquery = "websearch_to_tsquery('english'::regconfig, %s)"
        # The SQL below is constant; the user's words travel only as parameters.
        rank = RawSQL(  # noqa: S611
            # float8, so the cursor round-trips the exact value (float4 would not).
            f"CAST(ts_rank({PG_VECTOR}, {tsquery}) AS double precision)",
            [text],
            output_field=FloatField(),
        )
        # No window here: PostgreSQL checks @@ row by row on any plan that walks the
        # newest posts first, which costs more than it saves for words of middling
        # frequency (measured in bench/: "api" 279 -> 71 ms, "invoices" 112 -> 190 ms).
        return queryset.annotate(rank=rank).extra(  # noqa: S610
            where=[f"{PG_VECTOR} @@ {tsquery}"], params=[text]
        )
    match = _fts5_query(query, prefix_last=prefix_last)
    if any_word:
        match = " OR ".join(match.split(" "))
    # A join, so FTS5 computes bm25 once per matching row while it matches; a rank
    # subquery per row ran the whole MATCH again for every row (seconds at 100k posts).
    where = ["feedback_post_fts.rowid = feedback_post.id", "feedback_post_fts MATCH %s"]
    params: list = [match]
    limit = window()
    if limit:
        where.append(sqlite_window_condition())
        params += [match, limit]
    return queryset.extra(  # noqa: S610 (constant SQL; the words are parameters)
        tables=["feedback_post_fts"], where=where, params=params
    ).annotate(rank=RawSQL("-bm25(feedback_post_fts, 4.0, 1.0)", [], output_field=FloatField()))


# SQLite rebuilds a table to alter it (a new table, copy, drop, rename), and its
# triggers die with the old table. After every migrate we make sure the FTS triggers
# exist, and rebuild the index if they had gone missing.
SQLITE_TRIGGERS = {
    "feedback_post_fts_ai": """CREATE TRIGGER IF NOT EXISTS feedback_post_fts_ai
        AFTER INSERT ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "feedback_post_fts_ad": """CREATE TRIGGER IF NOT EXISTS feedback_post_fts_ad
        AFTER DELETE ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(feedback_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    "feedback_post_fts_au": """CREATE TRIGGER IF NOT EXISTS feedback_post_fts_au
        AFTER UPDATE OF title, body ON feedback_post BEGIN
        INSERT INTO feedback_post_fts(feedback_post_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO feedback_post_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
}


def ensure_search_triggers(*, using: str = "default", **kwargs) -> None:
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name=%s", ["feedback_post_fts"]
        )
        if cursor.fetchone() is None:
            return  # migration 0002 has not run yet
        cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        present = {row[0] for row in cursor.fetchall()}
        if set(SQLITE_TRIGGERS) <= present:
            return
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
        cursor.execute("INSERT INTO feedback_post_fts(feedback_post_fts) VALUES ('rebuild')")
