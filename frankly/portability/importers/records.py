"""What every importer reads a file into: one neutral shape, so the writing is shared.

A parser turns a file into a ``Parsed``: the posts it could read, each with its votes,
comments and official response, and the rows it skipped with the line (or item) and
the reason. A file it cannot read at all raises ``Invalid`` instead: nothing is written.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from frankly.errors import Invalid


@dataclass
class Person:
    name: str = ""
    email: str = ""


@dataclass
class VoteIn:
    external_id: str
    voter: Person
    created_at: datetime.datetime


@dataclass
class CommentIn:
    external_id: str
    body: str
    author: Person
    created_at: datetime.datetime
    parent_external_id: str = ""


@dataclass
class ResponseIn:
    body: str
    created_at: datetime.datetime


@dataclass
class PostIn:
    external_id: str
    where: str  # "line 4" or "post 3": how the report points at it
    title: str
    body: str
    status: str  # the source's own status name, mapped by the core
    created_at: datetime.datetime
    author: Person
    tags: list[str] = field(default_factory=list)
    votes: list[VoteIn] = field(default_factory=list)
    # Votes the export only counts (no voter): imported as that many anonymous votes.
    counted_votes: int = 0
    comments: list[CommentIn] = field(default_factory=list)
    response: ResponseIn | None = None


@dataclass
class Skipped:
    where: str
    reason: str


@dataclass
class Parsed:
    posts: list[PostIn] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def read_csv(data: bytes, *, required: set[str], what: str) -> list[tuple[int, dict]]:
    """The rows of a CSV file as (line number, {column: value}); refuses a file that is
    not UTF-8 CSV or lacks a required column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"The file is not UTF-8 text, so it is not a {what} CSV export.") from exc
    refuse_nul(text)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = sorted(required - set(header))
        if missing:
            raise Invalid(
                f"This is not a {what} CSV export: the column(s) {', '.join(missing)} "
                f"are missing. The first line must name the columns."
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            if None in row:
                raise Invalid(
                    f"Line {reader.line_num} has more fields than the header; "
                    "a quote is probably not closed."
                )
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    except csv.Error as exc:
        raise Invalid(f"The CSV file is malformed near line {reader.line_num}: {exc}.") from exc
    return rows


def refuse_nul(text: str) -> None:
    # PostgreSQL cannot store NUL in text; refuse the file rather than fail half-way.
    if "\x00" in text:
        raise Invalid("The file contains a NUL character (\\0), so it is not a text export.")


def parse_time(value, *, where: str, what: str = "date") -> datetime.datetime:
    """An ISO 8601 time (or a date, or Unix milliseconds) as an aware UTC datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    text = str(value or "").strip()
    if not text:
        raise Invalid(f"{where}: the {what} is empty.")
    moment = parse_datetime(text.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    if moment is None:
        try:
            moment = datetime.datetime.combine(
                datetime.date.fromisoformat(text), datetime.time(), tzinfo=datetime.UTC
            )
        except ValueError:
            moment = None
    if moment is None:
        raise Invalid(f"{where}: '{text[:40]}' is not a {what} (use ISO 8601, 2023-04-01T09:30Z).")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def parse_count(value: str, *, where: str, what: str) -> int:
    text = (value or "").strip() or "0"
    if not text.isdigit() or len(text) > 9:
        raise Invalid(f"{where}: the {what} '{text[:20]}' is not a whole number.")
    return int(text)


def split_tags(value: str) -> list[str]:
    parts = value.replace(";", ",").split(",")
    return [" ".join(p.split()) for p in parts if p.strip()]
