"""JSON API for the feedback board. Every write calls the same service as the pages."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from frankly.accounts.auth import ANYONE, ANYONE_OR_WIDGET, SIGNED_IN, SIGNED_IN_OR_WIDGET
from frankly.feedback import queries, services
from frankly.feedback.models import Comment, Kind, Post, Status
from frankly.schemas import RequestBody, ResponseBody
from frankly.transparency import moderation, tombstones

router = Router(tags=["feedback"])


class AuthorOut(ResponseBody):
    id: int | None = Field(description="None when the person keeps their profile private.")
    name: str
    is_staff: bool


class TagOut(ResponseBody):
    slug: str
    name: str
    description: str


class OfficialResponseOut(ResponseBody):
    body: str
    body_html: str
    author: AuthorOut | None
    created_at: datetime
    edited_at: datetime | None


class TombstoneOut(ResponseBody):
    kind: str = Field(description="hidden or deleted")
    text: str
    rule: str | None
    reason: str | None
    at: datetime


class PostOut(ResponseBody):
    id: int
    url: str
    kind: Kind
    title: str | None = Field(description="null when the post is hidden or deleted")
    body: str | None
    body_html: str | None
    status: Status
    tags: list[str]
    author: AuthorOut | None
    vote_count: int
    comment_count: int
    has_voted: bool = False
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    merged_into: int | None
    accepted_comment: int | None
    is_locked: bool = False
    lock_reason: str = ""
    tombstone: TombstoneOut | None = None
    is_waiting_for_review: bool = Field(
        False,
        description="True while the post is held for staff review: only its author and "
        "staff see it.",
    )


class PostDetailOut(PostOut):
    is_following: bool = False
    official_response: OfficialResponseOut | None


class PostListOut(ResponseBody):
    items: list[PostOut]
    next: str | None


class PostIn(RequestBody):
    kind: Kind = Kind.IDEA
    title: str = Field(max_length=1000)
    body: str = Field("", max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class PostPatch(RequestBody):
    title: str | None = Field(None, max_length=1000)
    body: str | None = Field(None, max_length=100_000)
    tags: list[str] | None = Field(None, max_length=20)
    reason: str = Field("", max_length=300, description="Shown in the public edit history")


class CommentOut(ResponseBody):
    id: int
    post: int
    parent: int | None
    author: AuthorOut | None
    body: str | None = Field(description="null when the comment is hidden or deleted")
    body_html: str | None
    created_at: datetime
    edited_at: datetime | None
    is_accepted_answer: bool = False
    tombstone: TombstoneOut | None = None


class CommentPatch(RequestBody):
    body: str = Field(max_length=100_000)
    reason: str = Field("", max_length=300)


class CommentListOut(ResponseBody):
    items: list[CommentOut]
    next: str | None


class CommentIn(RequestBody):
    body: str = Field(max_length=100_000)
    parent: int | None = None


class StatusIn(RequestBody):
    status: Status
    note: str = Field("", max_length=100_000)


class StatusChangeOut(ResponseBody):
    post: int
    from_status: Status
    to_status: Status
    note: str
    created_at: datetime


class ResponseIn(RequestBody):
    body: str = Field(max_length=100_000)
    reason: str = Field("", max_length=300, description="Shown in the public edit history")


class MergeIn(RequestBody):
    into: int


class VoteOut(ResponseBody):
    post: int
    vote_count: int
    has_voted: bool


class PostFilters(Schema):
    sort: str = ""
    kind: str = ""
    status: str = ""
    tag: str = ""
    mine: bool = False
    q: str = Field("", max_length=500)
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


def author_out(user, was_staff: bool) -> dict | None:
    if user is None:
        return None
    # A private person's id would tie their "A customer" posts together.
    return {
        "id": None if user.hides_profile else user.pk,
        "name": user.public_name,
        "is_staff": was_staff,
    }


def post_out(post: Post, viewer=None) -> dict:
    shown = tombstones.can_see_text(post, viewer)
    return {
        "id": post.pk,
        "url": post.get_absolute_url(),
        "kind": post.kind,
        "title": post.title if shown else None,
        "body": post.body if shown else None,
        "body_html": post.body_html if shown else None,
        "status": post.status,
        "tags": [t.slug for t in post.tag_list]
        if hasattr(post, "tag_list")
        else [t.slug for t in post.tags.all()],
        "author": None if post.is_deleted else author_out(post.author, post.author_was_staff),
        "vote_count": post.vote_count,
        "comment_count": post.comment_count,
        "has_voted": bool(getattr(post, "has_voted", False)),
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "last_activity_at": post.last_activity_at,
        "merged_into": post.merged_into_id,
        "accepted_comment": post.accepted_comment_id,
        "is_locked": post.is_locked,
        "lock_reason": post.lock_reason,
        "tombstone": tombstones.tombstone(post),
        "is_waiting_for_review": post.is_held,
    }


def comment_out(comment: Comment, *, viewer=None, accepted_id: int | None = None) -> dict:
    shown = tombstones.can_see_text(comment, viewer)
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "parent": comment.parent_id,
        "author": None
        if comment.is_deleted
        else author_out(comment.author, comment.author_was_staff),
        "body": comment.body if shown else None,
        "body_html": comment.body_html if shown else None,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "is_accepted_answer": comment.pk == accepted_id,
        "tombstone": tombstones.tombstone(comment),
    }


def _detail(post_id: int, user) -> dict:
    post = queries.post_detail(post_id, viewer=user)
    data = post_out(post, user)
    data["is_following"] = queries.is_following(post, user)
    response = getattr(post, "official_response", None)
    data["official_response"] = (
        {
            "body": response.body,
            "body_html": response.body_html,
            "author": author_out(response.author, True),
            "created_at": response.created_at,
            "edited_at": response.edited_at,
        }
        if response
        else None
    )
    return data


@router.get("/posts", response=PostListOut, auth=ANYONE_OR_WIDGET, summary="List posts")
def list_posts(request, filters: Query[PostFilters]):
    page = queries.list_posts(viewer=request.user, **filters.dict())
    return {"items": [post_out(p, request.user) for p in page.items], "next": page.next}


@router.post(
    "/posts", response={201: PostDetailOut}, auth=SIGNED_IN_OR_WIDGET, summary="Create a post"
)
def create_post(request, payload: PostIn):
    post = services.create_post(
        author=request.user,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
    )
    return 201, _detail(post.pk, request.user)


@router.get("/posts/{post_id}", response=PostDetailOut, auth=ANYONE, summary="Get a post")
def get_post(request, post_id: int):
    return _detail(post_id, request.user)


@router.patch("/posts/{post_id}", response=PostDetailOut, auth=SIGNED_IN, summary="Edit a post")
def edit_post(request, post_id: int, payload: PostPatch):
    services.edit_post(
        actor=request.user,
        post_id=post_id,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        reason=payload.reason,
    )
    return _detail(post_id, request.user)


@router.delete(
    "/posts/{post_id}",
    response={204: None},
    auth=SIGNED_IN,
    summary="Delete your own post (its text is removed; a tombstone stays)",
)
def delete_post(request, post_id: int):
    moderation.delete_own_content(actor=request.user, object_type="post", object_id=post_id)
    return 204, None


@router.patch(
    "/comments/{comment_id}",
    response=CommentOut,
    auth=SIGNED_IN,
    summary="Edit a comment (author or staff); the old text stays in its history",
)
def edit_comment(request, comment_id: int, payload: CommentPatch):
    comment = services.edit_comment(
        actor=request.user, comment_id=comment_id, body=payload.body, reason=payload.reason
    )
    return comment_out(comment, viewer=request.user, accepted_id=comment.post.accepted_comment_id)


@router.delete(
    "/comments/{comment_id}",
    response={204: None},
    auth=SIGNED_IN,
    summary="Delete your own comment (its text is removed; a tombstone stays)",
)
def delete_comment(request, comment_id: int):
    moderation.delete_own_content(actor=request.user, object_type="comment", object_id=comment_id)
    return 204, None


@router.post("/posts/{post_id}/vote", response=VoteOut, auth=SIGNED_IN_OR_WIDGET, summary="Vote")
def vote(request, post_id: int):
    post = services.add_vote(user=request.user, post_id=post_id)
    return {"post": post.pk, "vote_count": post.vote_count, "has_voted": True}


@router.delete(
    "/posts/{post_id}/vote", response=VoteOut, auth=SIGNED_IN_OR_WIDGET, summary="Withdraw vote"
)
def unvote(request, post_id: int):
    post = services.remove_vote(user=request.user, post_id=post_id)
    return {"post": post.pk, "vote_count": post.vote_count, "has_voted": False}


@router.get(
    "/posts/{post_id}/comments",
    response=CommentListOut,
    auth=ANYONE,
    summary="List comments, oldest first",
)
def list_comments(request, post_id: int, cursor: Query[str | None] = None, limit: Query[int] = 50):
    from frankly.cursor import Key, paginate
    from frankly.errors import Invalid, NotFound

    if not 1 <= limit <= 200:
        raise Invalid(_("Ask for between 1 and 200 comments at a time."), field="limit")
    post = services.get_post(post_id)
    if not post.is_visible_to(request.user):
        raise NotFound(f"There is no post #{post_id}.")
    page = paginate(
        Comment.objects.filter(post=post).select_related("author", "hidden_by"),
        keys=[Key("created_at", descending=False), Key("id", descending=False)],
        cursor=cursor,
        limit=limit,
    )
    return {
        "items": [
            comment_out(c, viewer=request.user, accepted_id=post.accepted_comment_id)
            for c in page.items
        ],
        "next": page.next,
    }


@router.post(
    "/posts/{post_id}/comments",
    response={201: CommentOut},
    auth=SIGNED_IN,
    summary="Comment on a post",
)
def add_comment(request, post_id: int, payload: CommentIn):
    comment = services.add_comment(
        author=request.user, post_id=post_id, body=payload.body, parent_id=payload.parent
    )
    return 201, comment_out(comment, viewer=request.user)


@router.post("/posts/{post_id}/follow", response={204: None}, auth=SIGNED_IN, summary="Follow")
def follow(request, post_id: int):
    services.follow_post(user=request.user, post_id=post_id)
    return 204, None


@router.delete("/posts/{post_id}/follow", response={204: None}, auth=SIGNED_IN, summary="Unfollow")
def unfollow(request, post_id: int):
    services.unfollow_post(user=request.user, post_id=post_id)
    return 204, None


@router.post(
    "/posts/{post_id}/status",
    response=StatusChangeOut,
    auth=SIGNED_IN,
    summary="Change the status (staff)",
)
def change_status(request, post_id: int, payload: StatusIn):
    change = services.change_status(
        actor=request.user, post_id=post_id, status=payload.status, note=payload.note
    )
    return {
        "post": change.post_id,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "note": change.note,
        "created_at": change.created_at,
    }


@router.post(
    "/posts/{post_id}/official-response",
    response=PostDetailOut,
    auth=SIGNED_IN,
    summary="Give the official response (staff)",
)
def official_response(request, post_id: int, payload: ResponseIn):
    services.set_official_response(
        actor=request.user, post_id=post_id, body=payload.body, reason=payload.reason
    )
    return _detail(post_id, request.user)


@router.post(
    "/posts/{post_id}/merge",
    response=PostDetailOut,
    auth=SIGNED_IN,
    summary="Merge this post into another (staff)",
)
def merge(request, post_id: int, payload: MergeIn):
    original = services.merge_posts(
        actor=request.user, duplicate_id=post_id, original_id=payload.into
    )
    return _detail(original.pk, request.user)


@router.get("/tags", response=list[TagOut], auth=ANYONE, summary="List tags")
def list_tags(request):
    return list(queries.tags())
