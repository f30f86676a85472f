"""Fider: the CSV that Administration → Export → "Export posts to CSV" writes.

Columns as written by Fider's ``app/pkg/csv`` (number, title, description, created_at,
created_by, votes_count, comments_count, status, responded_by, responded_at, response,
original_number, original_title, tags). Fider's CSV names authors but not their email
and counts votes and comments without listing them: votes come in as counted votes, and
comments are not in that file (the report says how many were left behind).
"""

from frankly.errors import Invalid
from frankly.feedback.models import Status
from frankly.portability.importers.core import check_text, refuse_empty
from frankly.portability.importers.records import (
    Parsed,
    Person,
    PostIn,
    ResponseIn,
    Skipped,
    parse_count,
    parse_time,
    read_csv,
    split_tags,
)

STATUSES = {
    "open": Status.OPEN,
    "planned": Status.PLANNED,
    "started": Status.IN_PROGRESS,
    "completed": Status.DONE,
    "declined": Status.DECLINED,
    "duplicate": Status.DECLINED,
}
REQUIRED = {"number", "title", "description", "created_at", "votes_count", "status"}


def parse(data: bytes) -> Parsed:
    parsed = Parsed()
    for line, row in read_csv(data, required=REQUIRED, what="Fider"):
        where = f"line {line}"
        try:
            if row["status"].lower() == "deleted":
                raise Invalid("deleted on Fider")
            post = PostIn(
                external_id=row["number"],
                where=where,
                title=row["title"],
                body=row["description"],
                status=row["status"],
                created_at=parse_time(row["created_at"], where=where),
                author=Person(name=row.get("created_by", "")),
                tags=split_tags(row.get("tags", "")),
                counted_votes=parse_count(row["votes_count"], where=where, what="votes_count"),
            )
            if not post.external_id:
                raise Invalid("the number is empty")
            if row.get("response"):
                post.response = ResponseIn(
                    body=row["response"],
                    created_at=parse_time(
                        row.get("responded_at") or row["created_at"], where=where
                    ),
                )
            comments = parse_count(
                row.get("comments_count", ""), where=where, what="comments_count"
            )
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
            continue
        problem = check_text(post)
        if problem:
            parsed.skipped.append(Skipped(where, problem))
            continue
        if comments:
            parsed.skipped.append(
                Skipped(
                    where,
                    f"post imported, but not its {comments} comment(s): Fider's CSV holds none",
                )
            )
        parsed.posts.append(post)
    return refuse_empty(parsed, what="Fider")
