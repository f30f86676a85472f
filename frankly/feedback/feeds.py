"""Atom feeds of the board: new posts (filtered as the board is), and everything
that happens on one post. Feeds are public and the same for everyone: hidden and
deleted content appears only as its tombstone, never with its text."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils.html import escape

from frankly.atom import AtomFeed, entry_id
from frankly.errors import Invalid, NotFound
from frankly.feedback import queries
from frankly.feedback.models import Comment, Kind, Post, Status
from frankly.transparency import tombstones

FILTERS = ("kind", "status", "tag")
POSTS_IN_FEED = 50
EVENTS_IN_FEED = 100


def describe_posts_feed(*, kind: str = "", status: str = "", tag_name: str = "") -> str:
    """The feed's title, naming its filters: "New posts (Idea, Planned, tagged Billing)"."""
    parts = [
        dict(Kind.choices).get(kind, ""),
        dict(Status.choices).get(status, ""),
        f"tagged {tag_name}" if tag_name else "",
    ]
    named = ", ".join(p for p in parts if p)
    return f"New posts ({named})" if named else "New posts"


def posts_feed_link(*, kind: str = "", status: str = "", tag: str = "", tags=()) -> tuple[str, str]:
    """URL and title of the posts feed with the board's current filters; ``tags`` are
    the tags the board already loaded, so naming one costs no query."""
    chosen = {"kind": kind, "status": status, "tag": tag}
    query = urlencode({name: value for name, value in chosen.items() if value})
    url = reverse("feedback:posts_feed") + (f"?{query}" if query else "")
    tag_name = next((t.name for t in tags if t.slug == tag), tag)
    return url, describe_posts_feed(kind=kind, status=status, tag_name=tag_name)


@dataclass
class _Filtered:
    filters: dict
    posts: list
    title: str


class PostsFeed(AtomFeed):
    """New posts, newest first; ?kind=, ?status= and ?tag= filter as on the board."""

    subtitle = "New ideas, problems, questions and praise, newest first."

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Invalid as exc:
            # A feed reader wants a plain status, not an HTML page.
            return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")

    def get_object(self, request) -> _Filtered:
        filters = {name: request.GET.get(name, "")[:100] for name in FILTERS}
        page = queries.list_posts(sort="new", limit=POSTS_IN_FEED, **filters)
        tag_name = ""
        if filters["tag"]:
            tag_name = next(
                (t.name for p in page.items for t in p.tag_list if t.slug == filters["tag"]),
                filters["tag"],
            )
        return _Filtered(
            filters={k: v for k, v in filters.items() if v},
            posts=page.items,
            title=describe_posts_feed(
                kind=filters["kind"], status=filters["status"], tag_name=tag_name
            ),
        )

    def title(self, obj: _Filtered) -> str:
        return obj.title

    def link(self, obj: _Filtered) -> str:
        query = urlencode({**obj.filters, "sort": "new"})
        return f"{reverse('feedback:board')}?{query}"

    def feed_guid(self, obj: _Filtered) -> str:
        query = urlencode(sorted(obj.filters.items()))
        return entry_id(reverse("feedback:posts_feed") + (f"?{query}" if query else ""))

    def items(self, obj: _Filtered) -> list[Post]:
        return obj.posts

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return item.body_html

    def item_link(self, item: Post) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Post) -> str:
        return entry_id(item.get_absolute_url())

    def item_author_name(self, item: Post) -> str | None:
        return item.author.public_name if item.author else None

    def item_categories(self, item: Post) -> list[str]:
        return [item.get_kind_display(), *(t.name for t in item.tag_list)]

    def item_pubdate(self, item: Post) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Post) -> datetime:
        return item.edited_at or item.created_at


@dataclass
class Entry:
    """One happening on a post, ready for the feed."""

    id: str
    title: str
    description: str
    link: str
    published: datetime
    updated: datetime
    author: str | None = None


def _comment_entry(post: Post, comment: Comment) -> Entry:
    link = f"{post.get_absolute_url()}#comment-{comment.pk}"
    common = {"id": entry_id(link), "link": link, "published": comment.created_at}
    author = comment.author.public_name if comment.author else "Deleted user"
    stone = tombstones.tombstone(comment)
    if stone is None:
        verb = "replied" if comment.parent_id else "commented"
        return Entry(
            **common,
            title=f"{author} {verb}",
            description=comment.body_html,
            updated=comment.edited_at or comment.created_at,
            author=author,
        )
    if stone["kind"] == "deleted":
        return Entry(
            **common,
            title="Comment deleted by its author",
            description=escape(stone["text"]),
            updated=stone["at"],
        )
    return Entry(
        **common,
        title="Comment hidden by a moderator",
        description=escape(stone["text"]),
        updated=max(stone["at"], comment.edited_at or comment.created_at),
        author=author,
    )


def _status_entry(post: Post, change) -> Entry:
    link = f"{post.get_absolute_url()}#status-change-{change.pk}"
    return Entry(
        id=entry_id(link),
        title=f"Status: {change.get_from_status_display()} → {change.get_to_status_display()}",
        description=change.note_html,
        link=link,
        published=change.created_at,
        updated=change.created_at,
        author=change.actor.public_name if change.actor else None,
    )


def _response_entry(post: Post, response) -> Entry:
    link = f"{post.get_absolute_url()}#official-response"
    return Entry(
        id=entry_id(link),
        title="Official response",
        description=response.body_html,
        link=link,
        published=response.created_at,
        updated=response.edited_at or response.created_at,
        author=response.author.public_name if response.author else None,
    )


class PostActivityFeed(AtomFeed):
    """A post's status changes, official response and comments, newest first."""

    def get_object(self, request, post_id: int) -> Post:
        try:
            post = queries.post_detail(post_id)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        post.show_text = tombstones.can_see_text(post, None)
        return post

    def title(self, obj: Post) -> str:
        if obj.show_text:
            return f"Updates on “{obj.title}”"
        return f"Updates on post #{obj.pk}"

    def subtitle(self, obj: Post) -> str:
        return "Status changes, the official response and comments, newest first."

    def link(self, obj: Post) -> str:
        return obj.get_absolute_url()

    def feed_guid(self, obj: Post) -> str:
        return entry_id(reverse("feedback:post_feed", args=[obj.pk]))

    def items(self, obj: Post) -> list[Entry]:
        comments = obj.comments.select_related("author", "hidden_by").order_by(
            "-created_at", "-id"
        )[:EVENTS_IN_FEED]
        entries = [_comment_entry(obj, c) for c in comments]
        entries += [_status_entry(obj, change) for change in obj.status_changes.all()]
        if hasattr(obj, "official_response"):
            entries.append(_response_entry(obj, obj.official_response))
        entries.sort(key=lambda e: (e.published, e.id), reverse=True)
        return entries[:EVENTS_IN_FEED]

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.description

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.id

    def item_author_name(self, item: Entry) -> str | None:
        return item.author

    def item_pubdate(self, item: Entry) -> datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> datetime:
        return item.updated
