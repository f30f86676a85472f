"""UserVoice: the ideas ("suggestions") CSV from the admin console's export.

Column names follow UserVoice's "Export fields" article
(https://help.uservoice.com/hc/en-us/articles/360035485693): suggestion.id,
suggestion.title, suggestion.body, suggestion.status.name, suggestion.labels.name,
suggestion.category.name (becomes a tag), suggestion.created_timestamp. The vote count,
creator and the status update (UserVoice's public answer) were not in the part of that
article we could read; we accept the names below and say so in docs/importing.md.
UserVoice's CSV lists no voters, so votes come in as counted votes.
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
    "under review": Status.UNDER_REVIEW,
    "planned": Status.PLANNED,
    "started": Status.IN_PROGRESS,
    "in progress": Status.IN_PROGRESS,
    "completed": Status.DONE,
    "declined": Status.DECLINED,
    "closed": Status.DECLINED,
}
REQUIRED = {"suggestion.id", "suggestion.title", "suggestion.created_timestamp"}
VOTES = ("suggestion.supporters_count", "suggestion.votes_count", "suggestion.vote_count")
CREATOR_NAME = ("suggestion.creator.name", "suggestion.created_by.name", "user.name")
CREATOR_EMAIL = (
    "suggestion.creator.email",
    "suggestion.creator.email_address",
    "suggestion.created_by.email_address",
    "user.email_address",
)
RESPONSE = ("suggestion.status_update.body", "suggestion.last_status_update.body")
RESPONSE_AT = (
    "suggestion.status_update.created_timestamp",
    "suggestion.last_status_update.created_timestamp",
)


def _first(row: dict, names: tuple[str, ...]) -> str:
    return next((row[n] for n in names if row.get(n)), "")


def parse(data: bytes) -> Parsed:
    parsed = Parsed()
    for line, row in read_csv(data, required=REQUIRED, what="UserVoice"):
        where = f"line {line}"
        try:
            if row.get("suggestion.parent.id"):
                raise Invalid(
                    f"merged into idea {row['suggestion.parent.id']} on UserVoice; "
                    "its votes are counted there"
                )
            tags = split_tags(row.get("suggestion.labels.name", ""))
            if row.get("suggestion.category.name"):
                tags.insert(0, row["suggestion.category.name"])
            post = PostIn(
                external_id=row["suggestion.id"],
                where=where,
                title=" ".join(row["suggestion.title"].split()),
                body=row.get("suggestion.body", ""),
                status=row.get("suggestion.status.name", ""),
                created_at=parse_time(row["suggestion.created_timestamp"], where=where),
                author=Person(name=_first(row, CREATOR_NAME), email=_first(row, CREATOR_EMAIL)),
                tags=tags,
                counted_votes=parse_count(_first(row, VOTES), where=where, what="vote count"),
            )
            if not post.external_id:
                raise Invalid("the suggestion.id is empty")
            if _first(row, RESPONSE):
                post.response = ResponseIn(
                    body=_first(row, RESPONSE),
                    created_at=parse_time(
                        _first(row, RESPONSE_AT) or row["suggestion.created_timestamp"],
                        where=where,
                    ),
                )
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
            continue
        problem = check_text(post)
        if problem:
            parsed.skipped.append(Skipped(where, problem))
            continue
        parsed.posts.append(post)
    return refuse_empty(parsed, what="UserVoice")
