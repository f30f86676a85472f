"""Reads of the roadmap and the changelog, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frankly.cursor import Key, Page, paginate
from frankly.errors import Invalid, NotFound
from frankly.feedback.models import Post, Status, StatusChange
from frankly.feedback.queries import with_viewer_votes
from frankly.roadmap.models import Category, ChangelogComment, ChangelogEntry
from frankly.validation import parse_id

RECENTLY_DONE = timedelta(days=90)
COLUMN_LIMIT = 100  # per column; a roadmap longer than that is a backlog


@dataclass
class Column:
    status: str
    label: str
    posts: list


def _is_staff(viewer) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_staff)


def _done_at():
    """When the post last became done (its status record), else its last activity."""
    became_done = StatusChange.objects.filter(post=OuterRef("pk"), to_status=Status.DONE)
    return Coalesce(
        Subquery(became_done.order_by("-created_at", "-id").values("created_at")[:1]),
        F("last_activity_at"),
    )


def roadmap_columns(*, viewer=None, now=None) -> list[Column]:
    """Planned, in progress, and done in the last 90 days: four queries in all (one per
    column and one for the tags), however many posts. Staff also see the posts hidden
    from the roadmap, marked, so they can show them again."""
    now = now or timezone.now()
    posts = Post.objects.listed().select_related("roadmap_setting")
    if not _is_staff(viewer):
        posts = posts.filter(Q(roadmap_setting__isnull=True) | Q(roadmap_setting__is_hidden=False))
    posts = with_viewer_votes(posts, viewer)
    # Soonest target first; no target ("" or no settings row at all) last.
    quarter = NullIf(F("roadmap_setting__target_quarter"), Value(""))
    by_quarter = [quarter.asc(nulls_last=True), "-vote_count", "-id"]
    planned = list(posts.filter(status=Status.PLANNED).order_by(*by_quarter)[:COLUMN_LIMIT])
    in_progress = list(posts.filter(status=Status.IN_PROGRESS).order_by(*by_quarter)[:COLUMN_LIMIT])
    shipped_in = Prefetch(
        "changelog_entries",
        queryset=ChangelogEntry.objects.published().order_by("published_at", "id"),
        to_attr="shipped_in",
    )
    done = list(
        posts.filter(status=Status.DONE)
        .annotate(done_at=_done_at())
        .filter(done_at__gte=now - RECENTLY_DONE)
        .prefetch_related(shipped_in)
        .order_by("-done_at", "-id")[:COLUMN_LIMIT]
    )
    prefetch_related_objects([*planned, *in_progress, *done], "tags")
    return [
        Column(Status.PLANNED, _("Planned"), planned),
        Column(Status.IN_PROGRESS, _("In progress"), in_progress),
        Column(Status.DONE, _("Done recently"), done),
    ]


def roadmap_options(post: Post) -> tuple[bool, str]:
    """(is_hidden, target_quarter) of a post fetched with its roadmap_setting."""
    setting = getattr(post, "roadmap_setting", None)
    if setting is None:
        return False, ""
    return setting.is_hidden, setting.target_quarter or ""


def _linked_posts() -> Prefetch:
    return Prefetch("posts", queryset=Post.objects.order_by("pk"))


def _check_category(category: str) -> None:
    if category and category not in Category.values:
        raise Invalid(
            f"'{category[:40]}' is not a category. Choose one of: {', '.join(Category.values)}.",
            field="category",
        )


def changelog_page(*, category: str = "", cursor: str | None = None, limit: int = 20) -> Page:
    """One page of published entries, newest first, with the posts they deliver."""
    _check_category(category)
    if not 1 <= limit <= 100:
        raise Invalid(_("Ask for between 1 and 100 entries at a time."), field="limit")
    entries = (
        ChangelogEntry.objects.published()
        .select_related("author")
        .prefetch_related(_linked_posts())
    )
    if category:
        entries = entries.filter(category=category)
    return paginate(entries, keys=[Key("published_at"), Key("id")], cursor=cursor, limit=limit)


def drafts(*, viewer, limit: int = 50) -> list[ChangelogEntry]:
    """Unpublished entries, newest first: staff only (nobody else gets a query)."""
    if not _is_staff(viewer):
        return []
    return list(
        ChangelogEntry.objects.drafts()
        .select_related("author")
        .prefetch_related(_linked_posts())
        .order_by("-created_at", "-id")[:limit]
    )


def entry_detail(entry_id, *, viewer=None) -> ChangelogEntry:
    """An entry with its author and linked posts; drafts only for staff."""
    pk = parse_id(entry_id)
    entry = (
        ChangelogEntry.objects.visible_to(viewer)
        .filter(pk=pk)
        .select_related("author")
        .prefetch_related(_linked_posts())
        .first()
        if pk
        else None
    )
    if entry is None:
        raise NotFound(_("There is no changelog entry #%(id)s.") % {"id": entry_id})
    return entry


def entry_comments(entry: ChangelogEntry) -> QuerySet:
    """Comments oldest first, with what their tombstones need."""
    return (
        ChangelogComment.objects.filter(entry=entry)
        .select_related("entry", "author", "hidden_by")
        .order_by("created_at", "id")
    )
