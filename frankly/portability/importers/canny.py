"""Canny: a JSON file of what Canny's API returns (https://developers.canny.io/api-reference).

Canny has no one-click export of everything; its API lists posts, votes, comments and
status changes. Put those lists in one JSON object:

    {"posts": [<post objects from posts/list>],
     "votes": [<vote objects from votes/list>],
     "comments": [<comment objects from comments/list>],
     "status_changes": [<status change objects from status_changes/list>]}

Only "posts" is required. Fields read: post id, title, details, status, created, score,
author {name, email}, board {name} (becomes a tag), tags [{name}]; vote id, post {id},
voter {name, email}, created; comment id, post {id}, author, value, created, parentID,
internal/private (those are left out: they were never public); status change post {id},
changeComment {value}, created (the latest one with a comment becomes the official
response). A post whose score is higher than the votes listed gets the rest as counted
votes.
"""

import json

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
    parse_time,
    refuse_nul,
)

STATUSES = {
    "open": Status.OPEN,
    "under review": Status.UNDER_REVIEW,
    "planned": Status.PLANNED,
    "in progress": Status.IN_PROGRESS,
    "complete": Status.DONE,
    "closed": Status.DECLINED,
}


def _person(value) -> Person:
    if not isinstance(value, dict):
        return Person()
    return Person(name=str(value.get("name") or ""), email=str(value.get("email") or ""))


def _post_id(obj) -> str:
    post = obj.get("post")
    if isinstance(post, dict):
        return str(post.get("id") or "")
    return str(obj.get("postID") or "")


def _list(document: dict, key: str) -> list:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(o, dict) for o in value):
        raise Invalid(f'In this Canny file "{key}" must be a list of objects.')
    return value


def parse(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
        refuse_nul(text.replace("\\u0000", "\x00"))
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"This is not a Canny JSON file: {exc}.") from exc
    if not isinstance(document, dict) or "posts" not in document:
        raise Invalid('This is not a Canny JSON file: it needs a "posts" list at the top.')
    posts_raw = _list(document, "posts")
    parsed = Parsed()
    by_id: dict[str, PostIn] = {}
    for n, raw in enumerate(posts_raw, start=1):
        where = f"post {n}"
        try:
            post = PostIn(
                external_id=str(raw.get("id") or ""),
                where=where,
                title=" ".join(str(raw.get("title") or "").split()),
                body=str(raw.get("details") or ""),
                status=str(raw.get("status") or ""),
                created_at=parse_time(raw.get("created"), where=where),
                author=_person(raw.get("author")),
                tags=[
                    str(t["name"])
                    for t in (raw.get("tags") if isinstance(raw.get("tags"), list) else [])
                    if isinstance(t, dict) and t.get("name")
                ],
            )
            board = raw.get("board")
            if isinstance(board, dict) and board.get("name"):
                post.tags.insert(0, str(board["name"]))
            score = raw.get("score", 0)
            if not isinstance(score, int) or score < 0:
                raise Invalid(f"the score '{score}' is not a whole number")
            if not post.external_id:
                raise Invalid("the id is empty")
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
            continue
        problem = check_text(post)
        if problem:
            parsed.skipped.append(Skipped(where, problem))
            continue
        post.counted_votes = score  # reduced below by the votes listed with a voter
        by_id[post.external_id] = post
        parsed.posts.append(post)

    for n, raw in enumerate(_list(document, "votes"), start=1):
        where = f"vote {n}"
        post = by_id.get(_post_id(raw))
        if post is None:
            parsed.skipped.append(Skipped(where, "its post is not in the file (or was skipped)"))
            continue
        try:
            post.votes.append(
                VoteIn(
                    external_id=str(raw.get("id") or f"{post.external_id}#vote-{n}"),
                    voter=_person(raw.get("voter")),
                    created_at=parse_time(
                        raw.get("created") or post.created_at.isoformat(), where=where
                    ),
                )
            )
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
    for post in parsed.posts:
        post.counted_votes = max(0, post.counted_votes - len(post.votes))

    for n, raw in enumerate(_list(document, "comments"), start=1):
        where = f"comment {n}"
        post = by_id.get(_post_id(raw))
        if post is None:
            parsed.skipped.append(Skipped(where, "its post is not in the file (or was skipped)"))
            continue
        if raw.get("internal") or raw.get("private"):
            parsed.skipped.append(Skipped(where, "an internal or private comment on Canny"))
            continue
        body = str(raw.get("value") or "").strip()
        if not body or len(body) > 10_000:
            parsed.skipped.append(Skipped(where, "the comment is empty or over 10,000 characters"))
            continue
        try:
            post.comments.append(
                CommentIn(
                    external_id=str(raw.get("id") or f"{post.external_id}#comment-{n}"),
                    body=body,
                    author=_person(raw.get("author")),
                    created_at=parse_time(raw.get("created"), where=where),
                    parent_external_id=str(raw.get("parentID") or ""),
                )
            )
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))

    for n, raw in enumerate(_list(document, "status_changes"), start=1):
        where = f"status change {n}"
        post = by_id.get(_post_id(raw))
        comment = raw.get("changeComment")
        text = str(comment.get("value") or "").strip() if isinstance(comment, dict) else ""
        if post is None or not text:
            continue
        try:
            at = parse_time(raw.get("created"), where=where)
        except Invalid as exc:
            parsed.skipped.append(Skipped(where, exc.message.removeprefix(f"{where}: ")))
            continue
        if post.response is None or at >= post.response.created_at:
            post.response = ResponseIn(body=text[:10_000], created_at=at)
    return refuse_empty(parsed, what="Canny")
