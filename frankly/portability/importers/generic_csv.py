"""A generic CSV that anyone can write from any tool; columns in docs/importing.md.

One row per post; a row whose ``post_id`` is set is a comment on the post with that id
(earlier in the file or imported before from the same source).
"""

import hashlib

from frankly.errors import Invalid
from frankly.feedback.models import Status
from frankly.portability.importers.core import check_text, refuse_empty
from frankly.portability.importers.records import (
    CommentIn,
    Parsed,
    Person,
    PostIn,
    ResponseIn,
    Skipped,
    VoteIn,
    parse_count,
    parse_time,
    read_csv,
    split_tags,
)

STATUSES = {value.replace("_", " "): value for value in Status.values} | {
    label.lower(): value for value, label in Status.choices
}
REQUIRED = {"id", "title", "body", "created_at"}


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def parse(data: bytes) -> Parsed:
    parsed = Parsed()
    by_id: dict[str, PostIn] = {}
    for line, row in read_csv(data, required=REQUIRED, what="generic"):
        where = f"line {line}"
        try:
            if not row["id"]:
                raise Invalid("the id is empty")
            author = Person(name=row.get("author_name", ""), email=row.get("author_email", ""))
            created_at = parse_time(row["created_at"], where=where)
            if row.get("post_id"):
                post = by_id.get(row["post_id"])
                if post is None:
                    raise Invalid(f"a comment on post '{row['post_id']}', which is not above it")
                if not row["body"] or len(row["body"]) > 10_000:
                    raise Invalid("the comment is empty or over 10,000 characters")
                post.comments.append(
                    CommentIn(
                        external_id=row["id"],
                        body=row["body"],
                        author=author,
                        created_at=created_at,
                    )
                )
                continue
            post = PostIn(
                external_id=row["id"],
                where=where,
                title=" ".join(row["title"].split()),
                body=row["body"],
                status=row.get("status", ""),
                created_at=created_at,
                author=author,
                tags=split_tags(row.get("tags", "")),
                counted_votes=parse_count(row.get("votes", ""), where=where, what="votes"),
            )
            emails = [e.strip() for e in row.get("voter_emails", "").split(";") if e.strip()]
            # The vote's id must be stable across re-runs but must not be the address
            # itself (ids are not treated as private): a digest of it.
            post.votes = [
                VoteIn(f"{post.external_id}#voter-{_digest(e)}", Person(email=e), created_at)
                for e in dict.fromkeys(e.lower() for e in emails)
            ]
            if row.get("response"):
                post.response = ResponseIn(
                    body=row["response"],
                    created_at=parse_time(row.get("response_at") or row["created_at"], where=where),
                )
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
            continue
        problem = check_text(post)
        if problem:
            parsed.skipped.append(Skipped(where, problem))
            continue
        by_id[post.external_id] = post
        parsed.posts.append(post)
    return refuse_empty(parsed, what="generic CSV")
