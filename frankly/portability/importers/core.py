"""The one writer every importer shares: posts, votes, comments, statuses, tags and
official responses from a ``Parsed`` file, in one transaction, with a report.

Rules it keeps (see docs/importing.md):
- Nobody here becomes the author of anything: imported posts and comments have no
  author and an attribution line instead, until the person claims them.
- Imported votes are counted in ``Post.imported_vote_count``, beside ``vote_count``
  (which stays equal to the Vote rows); a claim turns one into a real vote.
- Each item is mapped by (source, kind, id there): a re-run merges, never doubles.
- Status changes and official responses go on the public ledger like staff's own.
- A dry run does all of it and rolls back, so its report is exactly what --apply does.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from frankly.errors import Invalid
from frankly.feedback import trending
from frankly.feedback.caching import bump_board_version
from frankly.feedback.models import Comment, Kind, OfficialResponse, Post, Status, StatusChange, Tag
from frankly.markdown import render_markdown
from frankly.portability.importers.records import Parsed, Person, PostIn, Skipped, VoteIn
from frankly.portability.models import ImportedItem, ImportedKind
from frankly.transparency.ledger import append_to_ledger

SOURCE_NAMES = {"fider": "Fider", "canny": "Canny", "uservoice": "UserVoice", "csv": "a CSV file"}


@dataclass
class Report:
    source: str
    applied: bool
    created: Counter = field(default_factory=Counter)
    merged: Counter = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    unknown_statuses: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        verb = "Created" if self.applied else "Would create"
        out = [
            f"{'Imported' if self.applied else 'Dry run (nothing written)'} from "
            f"{SOURCE_NAMES[self.source]}.",
            f"{verb}: " + _counts(self.created),
            "Merged (already imported, left as they are): " + _counts(self.merged),
            f"Skipped: {len(self.skipped)}",
        ]
        out += [f"  {s.where}: {s.reason}" for s in self.skipped]
        for name, n in sorted(self.unknown_statuses.items()):
            out.append(f"Unknown status '{name}' on {n} post(s): imported as Open.")
        if not self.applied:
            out.append("Run again with --apply to write this.")
        return out


def _counts(counter: Counter) -> str:
    order = ["posts", "votes", "comments", "responses", "statuses", "tags"]
    return ", ".join(f"{counter[k]} {k}" for k in order)


def clean_email(value: str) -> str:
    """The address in the form accounts use (trimmed, lower case), or "" if it is not one."""
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def shorten_name(name: str) -> str:
    """'Jane Doe' → 'Jane D.': enough to recognise, not a full name shown without consent."""
    parts = name.split()
    if not parts:
        return "someone"
    if len(parts) == 1:
        return parts[0][:40]
    return f"{parts[0][:40]} {parts[-1][0]}."


def attribution(verb: str, *, name: str, source: str, at: datetime.datetime) -> str:
    return f"Originally {verb} by {shorten_name(name)} on {SOURCE_NAMES[source]}, {at:%Y-%m-%d}"


def write_import(*, source: str, parsed: Parsed, status_map: dict[str, str], apply: bool) -> Report:
    """Write a parsed export (or, without ``apply``, work out exactly what would be
    written and write nothing). One transaction: it all lands or none of it."""
    report = Report(source=source, applied=apply, skipped=list(parsed.skipped))
    with transaction.atomic():
        for post_in in parsed.posts:
            _write_post(post_in, source=source, status_map=status_map, report=report)
        if report.created:
            bump_board_version()
        if not apply:
            transaction.set_rollback(True)
    return report


def _item(source: str, kind: str, external_id: str) -> ImportedItem | None:
    return ImportedItem.objects.filter(source=source, kind=kind, external_id=external_id).first()


def _write_post(post_in: PostIn, *, source: str, status_map: dict, report: Report) -> None:
    mapped = _map_status(post_in, status_map=status_map, report=report)
    existing = _item(source, ImportedKind.POST, post_in.external_id)
    if existing is not None:
        report.merged["posts"] += 1
        post = existing.post
    else:
        post = _create_post(post_in, source=source, report=report)
        if mapped != Status.OPEN:
            _record_status(post, mapped, source=source, raw=post_in.status, report=report)
        if post_in.response is not None:
            _record_response(post, post_in, report=report)
    _write_votes(post, post_in, source=source, report=report)
    _write_comments(post, post_in, source=source, report=report)


def _map_status(post_in: PostIn, *, status_map: dict, report: Report) -> str:
    raw = " ".join(post_in.status.lower().replace("_", " ").split())
    if not raw:
        return Status.OPEN
    if raw not in status_map:
        report.unknown_statuses[post_in.status] += 1
        return Status.OPEN
    return status_map[raw]


def _create_post(post_in: PostIn, *, source: str, report: Report) -> Post:
    at = post_in.created_at
    post = Post(
        kind=Kind.IDEA,
        title=post_in.title,
        body=post_in.body,
        body_html=render_markdown(post_in.body),
        author=None,
        created_at=at,
        last_activity_at=at,
        trending=trending.initial(at),
        imported_from=attribution("posted", name=post_in.author.name, source=source, at=at),
    )
    post.save()
    tags = [_tag(name, report=report) for name in post_in.tags]
    if tags:
        post.tags.set(tags)
    ImportedItem.objects.create(
        source=source,
        kind=ImportedKind.POST,
        external_id=post_in.external_id,
        post=post,
        person_name=post_in.author.name[:200],
        person_email=clean_email(post_in.author.email),
        original_at=at,
    )
    report.created["posts"] += 1
    return post


def _tag(name: str, *, report: Report) -> Tag:
    name = name[:40]
    slug = slugify(name)[:40] or "tag"
    tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.filter(slug=slug).first()
    if tag is None:
        tag = Tag.objects.create(name=name, slug=slug)
        report.created["tags"] += 1
    return tag


def _record_status(post: Post, status: str, *, source: str, raw: str, report: Report) -> None:
    note = f"Status imported from {SOURCE_NAMES[source]} (there: '{raw}')."
    StatusChange.objects.create(
        post=post,
        actor=None,
        from_status=Status.OPEN,
        to_status=status,
        note=note,
        note_html=render_markdown(note),
    )
    Post.objects.filter(pk=post.pk).update(status=status)
    append_to_ledger(
        kind="post.status_changed",
        object_type="post",
        object_id=post.pk,
        object_url=post.get_absolute_url(),
        body={"title": post.title, "from": Status.OPEN, "to": status, "note": note},
    )
    report.created["statuses"] += 1


def _record_response(post: Post, post_in: PostIn, *, report: Report) -> None:
    body = post_in.response.body
    response = OfficialResponse.objects.create(
        post=post,
        author=None,
        body=body,
        body_html=render_markdown(body),
        created_at=post_in.response.created_at,
    )
    append_to_ledger(
        kind="official_response.published",
        object_type="official_response",
        object_id=response.pk,
        object_url=f"{post.get_absolute_url()}#official-response",
        body={"post": post.pk, "post_title": post.title, "text": body, "imported": True},
    )
    report.created["responses"] += 1


def _write_votes(post: Post, post_in: PostIn, *, source: str, report: Report) -> None:
    # Counted-only votes get stable ids of their own, so a re-run merges them too.
    votes = list(post_in.votes) + [
        VoteIn(f"{post_in.external_id}#counted-{n + 1}", Person(), post_in.created_at)
        for n in range(post_in.counted_votes)
    ]
    known = set(
        ImportedItem.objects.filter(
            source=source, kind=ImportedKind.VOTE, external_id__in=[v.external_id for v in votes]
        ).values_list("external_id", flat=True)
    )
    new = [v for v in votes if v.external_id not in known]
    report.merged["votes"] += len(votes) - len(new)
    if not new:
        return
    ImportedItem.objects.bulk_create(
        [
            ImportedItem(
                source=source,
                kind=ImportedKind.VOTE,
                external_id=v.external_id,
                post=post,
                person_name=v.voter.name[:200],
                person_email=clean_email(v.voter.email),
                original_at=v.created_at,
            )
            for v in new
        ]
    )
    Post.objects.filter(pk=post.pk).update(imported_vote_count=F("imported_vote_count") + len(new))
    report.created["votes"] += len(new)


def _write_comments(post: Post, post_in: PostIn, *, source: str, report: Report) -> None:
    by_external: dict[str, Comment] = {}
    created = 0
    for c in sorted(post_in.comments, key=lambda c: c.created_at):
        item = _item(source, ImportedKind.COMMENT, c.external_id)
        if item is not None:
            report.merged["comments"] += 1
            by_external[c.external_id] = item.comment
            continue
        parent = by_external.get(c.parent_external_id)
        if parent is None and c.parent_external_id:
            parent_item = _item(source, ImportedKind.COMMENT, c.parent_external_id)
            parent = parent_item.comment if parent_item else None
        comment = Comment.objects.create(
            post=post,
            author=None,
            parent=parent,
            body=c.body,
            body_html=render_markdown(c.body),
            created_at=c.created_at,
            imported_from=attribution(
                "written", name=c.author.name, source=source, at=c.created_at
            ),
        )
        ImportedItem.objects.create(
            source=source,
            kind=ImportedKind.COMMENT,
            external_id=c.external_id,
            post=post,
            comment=comment,
            person_name=c.author.name[:200],
            person_email=clean_email(c.author.email),
            original_at=c.created_at,
        )
        by_external[c.external_id] = comment
        created += 1
    if created:
        latest = max(c.created_at for c in post_in.comments)
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + created)
        Post.objects.filter(pk=post.pk, last_activity_at__lt=latest).update(last_activity_at=latest)
        report.created["comments"] += created


def check_text(post_in: PostIn) -> str | None:
    """Why a post cannot be imported as it is, or None."""
    if not post_in.title:
        return "the title is empty"
    if len(post_in.title) > 160:
        return f"the title is {len(post_in.title)} characters long (160 at most)"
    if len(post_in.body) > 20_000:
        return "the description is longer than 20,000 characters"
    if "\x00" in post_in.title + post_in.body:
        return "the text contains a NUL character"
    return None


def refuse_empty(parsed: Parsed, *, what: str) -> Parsed:
    if not parsed.posts and not parsed.skipped:
        raise Invalid(f"The {what} file holds no posts.")
    return parsed
