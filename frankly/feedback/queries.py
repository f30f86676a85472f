"""Reads of the feedback board that are more than one line."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from frankly.cursor import Key, Page, paginate
from frankly.errors import Invalid
from frankly.feedback.models import Comment, Kind, Post, Status, Tag, Vote
from frankly.feedback.search import filter_by_text

SORTS: dict[str, list[Key]] = {
    "trending": [Key("trending"), Key("id")],
    "top": [Key("vote_count"), Key("id")],
    "new": [Key("created_at"), Key("id")],
    "updated": [Key("last_activity_at"), Key("id")],
    "relevance": [Key("rank"), Key("id")],
}
SORT_LABELS = {
    "trending": "Trending",
    "top": "Top",
    "new": "New",
    "updated": "Recently updated",
    "relevance": "Best match",
}


def attach_tags(posts: list[Post]) -> list[Post]:
    """Give each post its tags in one query, as ``post.tag_list``.

    prefetch_related("tags") does the same but builds a related manager and a
    filtered queryset per post: most of a list page's time once the rows are read.
    """
    if not posts:
        return posts
    by_post: dict[int, list[Tag]] = {post.pk: [] for post in posts}
    rows = (
        Post.tags.through.objects.filter(post_id__in=by_post)
        .order_by("tag__name")
        .values_list("post_id", "tag_id", "tag__name", "tag__slug", "tag__description")
    )
    for post_id, tag_id, name, slug, description in rows:
        by_post[post_id].append(Tag(id=tag_id, name=name, slug=slug, description=description))
    for post in posts:
        post.tag_list = by_post[post.pk]
    return posts


def with_viewer_votes(queryset: QuerySet, viewer) -> QuerySet:
    """Annotate ``has_voted`` for the viewer in the same query."""
    if viewer is not None and viewer.is_authenticated:
        return queryset.annotate(
            has_voted=Exists(Vote.objects.filter(post=OuterRef("pk"), user=viewer))
        )
    return queryset


def list_posts(
    *,
    viewer=None,
    sort: str = "",
    kind: str = "",
    status: str = "",
    tag: str = "",
    mine: bool = False,
    q: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> Page:
    """One page of the board, filtered and sorted, in two queries (posts, tags)."""
    q = (q or "").strip()
    if not sort:
        sort = "relevance" if q else "trending"
    if sort not in SORTS or (sort == "relevance" and not q):
        choices = ", ".join(s for s in SORTS if s != "relevance" or q)
        raise Invalid(f"'{sort}' is not a way to sort. Choose one of: {choices}.", field="sort")
    if kind and kind not in Kind.values:
        raise Invalid(
            f"'{kind}' is not a kind. Choose one of: {', '.join(Kind.values)}.", field="kind"
        )
    if status and status not in Status.values:
        raise Invalid(
            f"'{status}' is not a status. Choose one of: {', '.join(Status.values)}.",
            field="status",
        )
    if not 1 <= limit <= 100:
        raise Invalid("Ask for between 1 and 100 posts at a time.", field="limit")
    posts = Post.objects.listed().with_list_data(viewer)
    if kind:
        posts = posts.filter(kind=kind)
    if status:
        posts = posts.filter(status=status)
    if tag:
        # No slug holds NUL, and PostgreSQL refuses it even in a lookup.
        posts = posts.filter(tags__slug=tag) if "\x00" not in tag else posts.none()
    if mine:
        if viewer is None or not viewer.is_authenticated:
            raise Invalid("Sign in to see your own posts.", field="mine")
        posts = posts.filter(author=viewer)
    if q:
        posts = filter_by_text(posts, q)
    posts = with_viewer_votes(posts, viewer)
    page = paginate(posts, keys=SORTS[sort], cursor=cursor, limit=limit)
    attach_tags(page.items)
    return page


def post_detail(post_id: int, *, viewer=None) -> Post:
    """A post with everything its page shows, in a fixed number of queries."""
    from frankly.feedback.services import get_post

    get_post(post_id)  # validates the id and raises NotFound
    posts = (
        Post.objects.filter(pk=post_id)
        .select_related(
            "author",
            "merged_into",
            "official_response__author",
            "accepted_comment",
            "hidden_by",
            "sentiment",
        )
        .prefetch_related("tags", "status_changes__actor")
    )
    return with_viewer_votes(posts, viewer).get()


# A long thread shows its first and its latest comments; the ones between wait behind
# a link (as GitHub does), so the page costs the same however long the thread grows.
THREAD_HEAD = 20
THREAD_TAIL = 20


@dataclass
class ThreadGap:
    """The top-level comments a long thread does not show, between head and tail."""

    count: int
    first_id: int
    is_gap: bool = True


def thread(post: Post, viewer=None, *, whole: bool = False) -> list:
    """Top-level comments, oldest first, each with ``replies`` prefetched; in a long
    thread (unless ``whole``) a ``ThreadGap`` stands for the middle ones.

    Three queries whatever the length: the ids in order, the comments shown, their
    replies. Sentiment is joined only for staff, the only people who see it: on a
    long thread every joined row is columns to convert for each comment.
    """
    related = ["author", "hidden_by"]
    if viewer is not None and getattr(viewer, "is_staff", False):
        related.append("sentiment")
    ids = list(
        post.comments.filter(parent__isnull=True)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    gap = None
    if not whole and len(ids) > THREAD_HEAD + THREAD_TAIL + 10:
        hidden = ids[THREAD_HEAD:-THREAD_TAIL]
        gap = ThreadGap(count=len(hidden), first_id=hidden[0])
        ids = ids[:THREAD_HEAD] + ids[-THREAD_TAIL:]
    replies = Comment.objects.select_related(*related).order_by("created_at", "id")
    comments = list(
        Comment.objects.filter(pk__in=ids)
        .select_related(*related)
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )
    if gap is not None:
        comments.insert(THREAD_HEAD, gap)
    return comments


def is_following(post: Post, viewer) -> bool:
    return bool(
        viewer is not None and viewer.is_authenticated and post.follows.filter(user=viewer).exists()
    )


def tags() -> QuerySet:
    return Tag.objects.all()
