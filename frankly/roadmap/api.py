"""JSON API of the roadmap and the changelog. Every write calls the same service as
the pages."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from frankly.accounts.auth import ANYONE, SIGNED_IN
from frankly.cursor import Key, paginate
from frankly.errors import Invalid
from frankly.feedback.api import AuthorOut, author_out
from frankly.feedback.models import Post, Status
from frankly.roadmap import queries, services
from frankly.roadmap.models import Category, ChangelogComment, ChangelogEntry
from frankly.schemas import RequestBody
from frankly.transparency import tombstones

router = Router(tags=["roadmap"])


class RoadmapPostOut(Schema):
    id: int
    url: str
    title: str
    status: Status
    vote_count: int
    tags: list[str]
    target_quarter: str | None = Field(description="e.g. 2027-Q1; null when there is none")
    done_at: datetime | None = Field(description="When it became done (done column only)")
    shipped_in: list[int] = Field(description="Published changelog entries that delivered it")
    is_hidden_from_roadmap: bool = Field(description="Only staff ever see hidden posts")


class RoadmapOut(Schema):
    planned: list[RoadmapPostOut]
    in_progress: list[RoadmapPostOut]
    done: list[RoadmapPostOut] = Field(description="Done in the last 90 days")


class RoadmapOptionsPatch(RequestBody):
    is_hidden: bool | None = Field(None, description="Leave it off the public roadmap")
    target_quarter: str | None = Field(
        None, max_length=100, description='YEAR-Qn, e.g. 2027-Q1; "" clears it'
    )


class RoadmapOptionsOut(Schema):
    post: int
    is_hidden: bool
    target_quarter: str | None


class EntryPostOut(Schema):
    id: int
    url: str
    title: str | None = Field(description="null when the post is hidden or deleted")
    status: Status
    vote_count: int


class EntryOut(Schema):
    id: int
    url: str
    title: str
    category: Category
    body: str
    body_html: str
    author: AuthorOut | None
    posts: list[EntryPostOut]
    is_published: bool
    published_at: datetime | None
    created_at: datetime
    edited_at: datetime | None
    comment_count: int


class EntryListOut(Schema):
    items: list[EntryOut]
    next: str | None


class EntryIn(RequestBody):
    title: str = Field(max_length=1000)
    body: str = Field("", max_length=100_000)
    category: Category = Category.NEW
    posts: list[int] = Field(default_factory=list, max_length=100)
    publish: bool = Field(False, description="Publish at once instead of saving a draft")


class EntryPatch(RequestBody):
    title: str | None = Field(None, max_length=1000)
    body: str | None = Field(None, max_length=100_000)
    category: Category | None = None
    posts: list[int] | None = Field(None, max_length=100)
    reason: str = Field("", max_length=300, description="Shown in the public edit history")


class EntryTombstoneOut(Schema):
    kind: str = Field(description="hidden or deleted")
    text: str
    rule: str | None
    reason: str | None
    at: datetime


class EntryCommentOut(Schema):
    id: int
    entry: int
    url: str
    author: AuthorOut | None
    body: str | None = Field(description="null when the comment is hidden or deleted")
    body_html: str | None
    created_at: datetime
    edited_at: datetime | None
    tombstone: EntryTombstoneOut | None = None


class EntryCommentListOut(Schema):
    items: list[EntryCommentOut]
    next: str | None


class EntryCommentIn(RequestBody):
    body: str = Field(max_length=100_000)


def _roadmap_post(post: Post) -> dict:
    is_hidden, quarter = queries.roadmap_options(post)
    return {
        "id": post.pk,
        "url": post.get_absolute_url(),
        "title": post.title,
        "status": post.status,
        "vote_count": post.vote_count,
        "tags": [t.slug for t in post.tags.all()],
        "target_quarter": quarter or None,
        "done_at": getattr(post, "done_at", None),
        "shipped_in": [e.pk for e in getattr(post, "shipped_in", [])],
        "is_hidden_from_roadmap": is_hidden,
    }


def _entry_out(entry: ChangelogEntry) -> dict:
    return {
        "id": entry.pk,
        "url": entry.get_absolute_url(),
        "title": entry.title,
        "category": entry.category,
        "body": entry.body,
        "body_html": entry.body_html,
        "author": author_out(entry.author, True),
        "posts": [
            {
                "id": p.pk,
                "url": p.get_absolute_url(),
                "title": None if p.is_tombstone else p.title,
                "status": p.status,
                "vote_count": p.vote_count,
            }
            for p in entry.posts.all()
        ],
        "is_published": entry.is_published,
        "published_at": entry.published_at,
        "created_at": entry.created_at,
        "edited_at": entry.edited_at,
        "comment_count": entry.comment_count,
    }


def _detail(entry_id: int, user) -> dict:
    return _entry_out(queries.entry_detail(entry_id, viewer=user))


def _comment_out(comment: ChangelogComment, viewer) -> dict:
    shown = tombstones.can_see_text(comment, viewer)
    return {
        "id": comment.pk,
        "entry": comment.entry_id,
        "url": comment.get_absolute_url(),
        "author": None
        if comment.is_deleted
        else author_out(comment.author, comment.author_was_staff),
        "body": comment.body if shown else None,
        "body_html": comment.body_html if shown else None,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "tombstone": tombstones.tombstone(comment),
    }


@router.get("/roadmap", response=RoadmapOut, auth=ANYONE, summary="The public roadmap")
def roadmap(request):
    columns = {c.status: c.posts for c in queries.roadmap_columns(viewer=request.user)}
    return {
        "planned": [_roadmap_post(p) for p in columns[Status.PLANNED]],
        "in_progress": [_roadmap_post(p) for p in columns[Status.IN_PROGRESS]],
        "done": [_roadmap_post(p) for p in columns[Status.DONE]],
    }


@router.patch(
    "/roadmap/{post_id}",
    response=RoadmapOptionsOut,
    auth=SIGNED_IN,
    summary="Hide a post from the roadmap, or set its target quarter (staff)",
)
def roadmap_options(request, post_id: int, payload: RoadmapOptionsPatch):
    setting = services.set_roadmap_options(
        actor=request.user,
        post_id=post_id,
        is_hidden=payload.is_hidden,
        target_quarter=payload.target_quarter,
    )
    return {
        "post": setting.post_id,
        "is_hidden": setting.is_hidden,
        "target_quarter": setting.target_quarter or None,
    }


@router.get(
    "/changelog", response=EntryListOut, auth=ANYONE, summary="Published entries, newest first"
)
def list_entries(
    request,
    category: Query[str] = "",
    cursor: Query[str | None] = None,
    limit: Query[int] = 20,
):
    page = queries.changelog_page(category=category, cursor=cursor, limit=limit)
    return {"items": [_entry_out(e) for e in page.items], "next": page.next}


@router.post(
    "/changelog",
    response={201: EntryOut},
    auth=SIGNED_IN,
    summary="Write an entry, as a draft or published (staff)",
)
def create_entry(request, payload: EntryIn):
    entry = services.create_entry(
        actor=request.user,
        title=payload.title,
        body=payload.body,
        category=payload.category,
        post_ids=payload.posts,
        publish=payload.publish,
    )
    return 201, _detail(entry.pk, request.user)


@router.get(
    "/changelog/{entry_id}",
    response=EntryOut,
    auth=ANYONE,
    summary="One entry (drafts: staff only)",
)
def get_entry(request, entry_id: int):
    return _detail(entry_id, request.user)


@router.patch(
    "/changelog/{entry_id}",
    response=EntryOut,
    auth=SIGNED_IN,
    summary="Edit an entry (staff); the old text stays in its public history",
)
def edit_entry(request, entry_id: int, payload: EntryPatch):
    entry = services.edit_entry(
        actor=request.user,
        entry_id=entry_id,
        title=payload.title,
        body=payload.body,
        category=payload.category,
        post_ids=payload.posts,
        reason=payload.reason,
    )
    return _detail(entry.pk, request.user)


@router.post(
    "/changelog/{entry_id}/publish",
    response=EntryOut,
    auth=SIGNED_IN,
    summary="Publish a draft (staff); the posts it delivers become done",
)
def publish_entry(request, entry_id: int):
    entry = services.publish_entry(actor=request.user, entry_id=entry_id)
    return _detail(entry.pk, request.user)


@router.get(
    "/changelog/{entry_id}/comments",
    response=EntryCommentListOut,
    auth=ANYONE,
    summary="Comments on an entry, oldest first",
)
def list_comments(request, entry_id: int, cursor: Query[str | None] = None, limit: Query[int] = 50):
    if not 1 <= limit <= 200:
        raise Invalid("Ask for between 1 and 200 comments at a time.", field="limit")
    entry = services.get_entry(entry_id, viewer=request.user)
    page = paginate(
        queries.entry_comments(entry),
        keys=[Key("created_at", descending=False), Key("id", descending=False)],
        cursor=cursor,
        limit=limit,
    )
    return {"items": [_comment_out(c, request.user) for c in page.items], "next": page.next}


@router.post(
    "/changelog/{entry_id}/comments",
    response={201: EntryCommentOut},
    auth=SIGNED_IN,
    summary="Comment on a published entry",
)
def add_comment(request, entry_id: int, payload: EntryCommentIn):
    comment = services.add_entry_comment(author=request.user, entry_id=entry_id, body=payload.body)
    return 201, _comment_out(comment, request.user)
