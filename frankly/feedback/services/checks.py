"""What every feedback service checks first: ids, text, tags, and whether a post
still takes part (not merged, hidden, deleted or locked)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from frankly.errors import Conflict, Invalid, NotFound
from frankly.feedback.models import Comment, Follow, Post, Tag
from frankly.validation import refuse_nul

MAX_ID = 2**63 - 1


def get_post(post_id: int, *, for_update: bool = False) -> Post:
    if not isinstance(post_id, int) or not 0 < post_id <= MAX_ID:
        raise NotFound(f"There is no post #{post_id}.")
    queryset = Post.objects.select_for_update() if for_update else Post.objects
    try:
        return queryset.get(pk=post_id)
    except Post.DoesNotExist:
        raise NotFound(f"There is no post #{post_id}.") from None


def get_comment(comment_id: int, *, post: Post) -> Comment:
    if not isinstance(comment_id, int) or not 0 < comment_id <= MAX_ID:
        raise NotFound(f"There is no comment #{comment_id}.")
    comment = Comment.objects.filter(pk=comment_id, post=post).first()
    if comment is None:
        raise NotFound(f"There is no comment #{comment_id} on this post.")
    return comment


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    refuse_nul(title, field="title", what="title")
    if not title:
        raise Invalid(_("The title is empty. Give your post a short title."), field="title")
    if len(title) > 160:
        raise Invalid(
            f"The title is {len(title)} characters long; keep it under 160.", field="title"
        )
    return title


def clean_body(body: str, *, limit: int, required: bool, what: str = "text") -> str:
    body = (body or "").strip()
    refuse_nul(body, field="body", what=what)
    if required and not body:
        raise Invalid(f"The {what} is empty. Write something first.", field="body")
    if len(body) > limit:
        raise Invalid(
            f"The {what} is {len(body):,} characters long; keep it under {limit:,}.",
            field="body",
        )
    return body


def resolve_tags(slugs: Iterable[str]) -> list[Tag]:
    slugs = list(dict.fromkeys(s.strip().lower() for s in slugs if s and s.strip()))
    # A slug never holds NUL, and PostgreSQL refuses it even in a lookup.
    tags = list(Tag.objects.filter(slug__in=[s for s in slugs if "\x00" not in s]))
    unknown = sorted(set(slugs) - {t.slug for t in tags})
    if unknown:
        raise Invalid(
            f"There is no tag called {', '.join(repr(u) for u in unknown)}. "
            "Use one of the tags listed on the board.",
            field="tags",
        )
    return tags


def follow(user, post: Post) -> None:
    Follow.objects.get_or_create(user=user, post=post)


def refuse_if_closed(post: Post, *, commenting: bool = False) -> None:
    """Merged, hidden, deleted or held posts take no votes or comments; locked ones no
    comments."""
    if post.merged_into_id:
        raise Conflict(
            f"This post was merged into #{post.merged_into_id}. Vote and comment there instead."
        )
    if post.is_deleted:
        raise Conflict(_("Its author deleted this post."))
    if post.is_hidden:
        raise Conflict(_("A moderator hid this post; it takes no votes or comments."))
    if post.is_held:
        raise Conflict(
            _("This post is waiting for review by staff; it takes part once they approve it.")
        )
    if commenting and post.is_locked:
        raise Conflict(f"This thread is locked: {post.lock_reason}")


def get_any_comment(comment_id: int, *, for_update: bool = False) -> Comment:
    if not isinstance(comment_id, int) or not 0 < comment_id <= MAX_ID:
        raise NotFound(f"There is no comment #{comment_id}.")
    queryset = Comment.objects.select_for_update() if for_update else Comment.objects
    comment = queryset.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(f"There is no comment #{comment_id}.")
    return comment
