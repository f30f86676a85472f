"""A large, realistic data set for the benchmarks in bench/, built in bulk.

At scale 1: 100,000 posts, 1,000,000 votes, 300,000 comments and 40 components
with 90 days of status history. Rows go in with COPY (PostgreSQL) or executemany
(SQLite) instead of the per-row services, which would take hours; what the services
would keep (vote and comment counts, trending scores, last activity, the search
index) is computed here from the very rows inserted, so it is exact.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from frankly.accounts.models import User
from frankly.errors import Conflict
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Post, Tag
from frankly.incidents import services as incidents
from frankly.incidents.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    Incident,
    IncidentState,
    IncidentUpdate,
)
from frankly.markdown import render_markdown

POSTS, VOTES, COMMENTS, COMPONENTS = 100_000, 1_000_000, 300_000, 40
THREAD_COMMENTS = 200  # the one post the post-page benchmark reads
HISTORY_DAYS = 90
BENCH_EMAIL_DOMAIN = "bench.frankly.invalid"

VERBS = [
    "add",
    "export",
    "import",
    "sync",
    "filter",
    "sort",
    "share",
    "print",
    "schedule",
    "archive",
    "search",
    "merge",
]
THINGS = [
    "invoices",
    "reports",
    "dashboards",
    "webhooks",
    "tags",
    "comments",
    "users",
    "teams",
    "projects",
    "tickets",
    "alerts",
    "payments",
    "exports",
    "calendars",
    "labels",
    "roadmaps",
    "files",
    "backups",
    "tokens",
    "charts",
]
PLACES = [
    "mobile app",
    "admin panel",
    "API",
    "billing page",
    "settings",
    "search results",
    "CSV export",
    "email digest",
    "dark mode",
    "single sign-on",
    "audit log",
    "status page",
]
SENTENCES = [
    "We do this every week and it takes far too long.",
    "Our team of twelve would use this every day.",
    "Right now we copy everything into a spreadsheet by hand.",
    "It worked in the old version; since the update it does not.",
    "Customers ask us about this at least once a month.",
    "A keyboard shortcut would already help a lot.",
    "Could this also work through the API?",
    "This is the main reason we have not moved the whole company over yet.",
]
REPLIES = [
    "Same here, +1.",
    "We found a workaround: export first, then filter.",
    "Any update on this?",
    "This would save us hours every month.",
    "Thanks for looking into it!",
    "Is there a **timeline** for this?",
]
TAGS = [
    "Billing",
    "API",
    "Mobile",
    "Reports",
    "Integrations",
    "Security",
    "Performance",
    "Search",
    "Admin",
    "Email",
]
STATUSES = ["open"] * 14 + ["under_review", "planned", "in_progress", "done", "declined"]
BAD_STATUSES = [
    ComponentStatus.DEGRADED,
    ComponentStatus.PARTIAL_OUTAGE,
    ComponentStatus.MAJOR_OUTAGE,
]
KINDS = ["idea"] * 6 + ["problem"] * 2 + ["question", "praise"]


@dataclass
class Built:
    users: int
    posts: int
    votes: int
    comments: int
    components: int
    incidents: int
    thread_post_id: int


def _sized(full: int, scale: float, minimum: int) -> int:
    return max(minimum, round(full * scale))


def _insert(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert many rows in one go: COPY on PostgreSQL, executemany on SQLite."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        marks = ", ".join(["%s"] * len(columns))
        batch: list = []
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
        for row in rows:
            batch.append([adapt(v) if isinstance(v, datetime) else v for v in row])
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def build(*, scale: float = 1.0, seed: int = 10, out=None) -> Built:
    """Fill an empty database with the benchmark data set."""
    if Post.objects.exists():
        raise Conflict(
            f"This database already has {Post.objects.count()} posts. bench-data fills an "
            "empty database: point DATABASE_URL at a new one."
        )
    rng = random.Random(seed)
    now = timezone.now()
    say = out or (lambda text: None)
    n_posts = _sized(POSTS, scale, 30)
    n_votes = _sized(VOTES, scale, 300)
    n_comments = max(_sized(COMMENTS, scale, 0), THREAD_COMMENTS + 50)
    n_users = max(_sized(20_000, scale, 60), 3 * n_votes // n_posts + 1)
    n_components = _sized(COMPONENTS, min(scale * 10, 1.0), 4)

    with transaction.atomic():
        staff = User.objects.create_user(
            email=f"staff@{BENCH_EMAIL_DOMAIN}", display_name="Bench staff", is_staff=True
        )
        users = User.objects.bulk_create(
            [
                User(
                    email=f"person{i}@{BENCH_EMAIL_DOMAIN}",
                    display_name=f"Person {i}",
                    password="!",  # noqa: S106 - unusable: nobody signs in as these people
                    date_joined=now - timedelta(days=400),
                )
                for i in range(n_users)
            ],
            batch_size=2_000,
        )
        user_ids = [u.pk for u in users]
        tags = Tag.objects.bulk_create([Tag(name=t, slug=t.lower()) for t in TAGS])
        say(f"{n_users} people, {len(tags)} tags")

        posts = _build_posts(rng, now, n_posts, user_ids, staff.pk)
        votes = _build_votes(rng, now, posts, user_ids, n_votes)
        comment_rows = _build_comments(rng, now, posts, user_ids, n_comments)
        first_post_id = posts[0]["id"]
        _insert(
            "feedback_post",
            [
                "id",
                "kind",
                "title",
                "body",
                "body_html",
                "author_id",
                "author_was_staff",
                "status",
                "vote_count",
                "comment_count",
                "trending",
                "created_at",
                "last_activity_at",
                "lock_reason",
                "imported_vote_count",
                "imported_from",
            ],
            (
                (
                    p["id"],
                    p["kind"],
                    p["title"],
                    p["body"],
                    p["body_html"],
                    p["author"],
                    False,
                    p["status"],
                    p["votes"],
                    p["comments"],
                    p["trending"],
                    p["created_at"],
                    p["last_activity_at"],
                    "",
                    0,
                    "",
                )
                for p in posts
            ),
        )
        say(f"{n_posts} posts")
        _insert(
            "feedback_post_tags",
            ["post_id", "tag_id"],
            (
                (p["id"], tag.pk)
                for p in posts
                for tag in rng.sample(tags, k=rng.choice((0, 0, 1, 1, 2)))
            ),
        )
        _insert("feedback_vote", ["user_id", "post_id", "created_at"], votes)
        say(f"{len(votes)} votes")
        _insert(
            "feedback_comment",
            [
                "id",
                "post_id",
                "author_id",
                "author_was_staff",
                "parent_id",
                "body",
                "body_html",
                "created_at",
                "imported_from",
            ],
            ((*row, "") for row in comment_rows),
        )
        say(f"{len(comment_rows)} comments")
        _reset_sequences(User, Post, Tag, *_through_models())
        n_incidents = _build_status_history(rng, now, staff, n_components)
        bump_board_version()  # rows went in around the services: start a new board version
        say(f"{n_components} components, {n_incidents} incidents over {HISTORY_DAYS} days")
    # Fresh statistics, as after a day of real use: without them SQLite sorts the
    # whole board instead of walking its sort index.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Built(
        users=n_users + 1,
        posts=n_posts,
        votes=len(votes),
        comments=len(comment_rows),
        components=n_components,
        incidents=n_incidents,
        thread_post_id=first_post_id,
    )


def _through_models():
    from frankly.feedback.models import Comment, Vote

    return [Comment, Vote, Post.tags.through]


def _title(rng: random.Random, n: int) -> str:
    return f"{rng.choice(VERBS).capitalize()} {rng.choice(THINGS)} in the {rng.choice(PLACES)} #{n}"


def _build_posts(rng, now, n_posts, user_ids, staff_id) -> list[dict]:
    first = _next_id(Post)
    bodies = []
    for i in range(40):
        text = " ".join(rng.sample(SENTENCES, k=2 + i % 3))
        bodies.append((text, render_markdown(text)))
    posts = []
    for i in range(n_posts):
        created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        body, body_html = rng.choice(bodies)
        posts.append(
            {
                "id": first + i,
                "kind": rng.choice(KINDS),
                "title": _title(rng, first + i),
                "body": body,
                "body_html": body_html,
                "author": rng.choice(user_ids),
                "status": rng.choice(STATUSES),
                "created_at": created,
                "last_activity_at": created,
                "votes": 0,
                "comments": 0,
                "exponents": [trending.initial(created)],
            }
        )
    return posts


def _build_votes(rng, now, posts, user_ids, n_votes) -> list[tuple]:
    """Votes skewed towards a few popular posts, one per person per post."""
    seen: set[tuple[int, int]] = set()
    rows = []
    n = len(posts)
    while len(rows) < n_votes:
        post = posts[int(n * rng.random() ** 2.5)]
        user = rng.choice(user_ids)
        if (user, post["id"]) in seen:
            continue
        seen.add((user, post["id"]))
        age = (now - post["created_at"]).total_seconds()
        voted = post["created_at"] + timedelta(seconds=rng.uniform(0, age))
        rows.append((user, post["id"], voted))
        post["votes"] += 1
        post["exponents"].append(trending.exponent(voted))
    for post in posts:
        exponents = post.pop("exponents")
        high = max(exponents)
        post["trending"] = high + _log2_sum(e - high for e in exponents)
    return rows


def _log2_sum(shifted: Iterable[float]) -> float:
    import math

    return math.log2(sum(2.0**e for e in shifted))


def _build_comments(rng, now, posts, user_ids, n_comments) -> list[tuple]:
    """Comments spread over the posts, plus one long thread with replies."""
    from frankly.feedback.models import Comment

    rendered = {text: render_markdown(text) for text in SENTENCES + REPLIES}
    next_id = _next_id(Comment)
    rows = []

    def add(post, *, parent=None, at=None):
        nonlocal next_id
        text = rng.choice(REPLIES if parent else SENTENCES)
        age = (now - post["created_at"]).total_seconds()
        when = at or post["created_at"] + timedelta(seconds=rng.uniform(0, age))
        row = (next_id, post["id"], rng.choice(user_ids), False, parent, text, rendered[text], when)
        rows.append(row)
        next_id += 1
        post["comments"] += 1
        post["last_activity_at"] = max(post["last_activity_at"], when)
        return row

    thread = posts[0]
    top_level = []
    for _ in range(THREAD_COMMENTS * 3 // 4):
        top_level.append(add(thread))
    for _ in range(THREAD_COMMENTS - len(top_level)):
        parent = rng.choice(top_level)
        add(thread, parent=parent[0], at=parent[7] + timedelta(minutes=rng.uniform(1, 600)))
    # Replies are dated after their parent, which may be close to now.
    thread["last_activity_at"] = max(r[7] for r in rows)
    n = len(posts)
    while len(rows) < n_comments:
        post = posts[1 + int((n - 1) * rng.random() ** 2)]
        if post["comments"] < THREAD_COMMENTS // 2:  # the long thread stays the longest
            add(post)
    return rows


def _build_status_history(rng, now, staff, n_components: int) -> int:
    """Components with HISTORY_DAYS of incidents, all resolved and all operational now."""
    start = now - timedelta(days=HISTORY_DAYS)
    groups = ["API", "Dashboard", "EU region", "US region", "Data"]
    components = [
        incidents.create_component(
            actor=staff, name=f"Service {i + 1}", group=groups[i % len(groups)]
        )
        for i in range(n_components)
    ]
    Component.objects.update(created_at=start)
    ComponentStatusChange.objects.update(started_at=start)
    changes, updates, made = [], [], 0
    for day in range(HISTORY_DAYS):
        if rng.random() > 0.6:
            continue
        began = start + timedelta(days=day, hours=rng.uniform(0, 20))
        ended = began + timedelta(minutes=rng.uniform(10, 240))
        hit = rng.sample(components, k=rng.randint(1, 3))
        incident = Incident.objects.create(
            title=f"{rng.choice(['Slow', 'Failing', 'Delayed'])} {rng.choice(THINGS)}",
            impact=rng.choice(["minor", "major"]),
            state=IncidentState.RESOLVED,
            created_by=staff,
            created_at=began,
            updated_at=ended,
            resolved_at=ended,
        )
        incident.components.set(hit)
        made += 1
        for state, moment, text in (
            (IncidentState.INVESTIGATING, began, "We are looking into it."),
            (IncidentState.IDENTIFIED, began + (ended - began) / 2, "We found the cause."),
            (IncidentState.RESOLVED, ended, "Fixed; everything works again."),
        ):
            updates.append(
                IncidentUpdate(
                    incident=incident,
                    state=state,
                    body=text,
                    body_html=render_markdown(text),
                    author=staff,
                    created_at=moment,
                )
            )
        for component in hit:
            bad = rng.choice(BAD_STATUSES)
            changes.append(
                ComponentStatusChange(
                    component=component, status=bad, started_at=began, incident=incident
                )
            )
            changes.append(
                ComponentStatusChange(
                    component=component,
                    status=ComponentStatus.OPERATIONAL,
                    started_at=ended,
                    incident=incident,
                )
            )
    IncidentUpdate.objects.bulk_create(updates)
    ComponentStatusChange.objects.bulk_create(changes)
    return made
