"""Every write on the feedback board. Views and the API both call these.

Each function checks who may do it, runs in one transaction and raises a
``frankly.errors`` exception with a message for people when it cannot.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from frankly.accounts.models import User
from frankly.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from frankly.feedback import trending
from frankly.feedback.models import (
    Comment,
    Follow,
    Kind,
    OfficialResponse,
    Post,
    Status,
    StatusChange,
    Tag,
    Vote,
)
from frankly.markdown import render_markdown
from frankly.validation import full_clean_or_invalid

MAX_ID = 2**63 - 1


def require_signed_in(user) -> User:
    if user is None or not user.is_authenticated:
        raise NotSignedIn("You need to sign in to do that.")
    if not user.is_active:
        raise NotAllowed("This account is disabled.")
    return user


def require_staff(user) -> User:
    require_signed_in(user)
    if not user.is_staff:
        raise NotAllowed("Only staff can do that.")
    return user


def get_post(post_id: int, *, for_update: bool = False) -> Post:
    if not isinstance(post_id, int) or not 0 < post_id <= MAX_ID:
        raise NotFound(f"There is no post #{post_id}.")
    queryset = Post.objects.select_for_update() if for_update else Post.objects
    try:
        return queryset.get(pk=post_id)
    except Post.DoesNotExist:
        raise NotFound(f"There is no post #{post_id}.") from None


def _get_comment(comment_id: int, *, post: Post) -> Comment:
    if not isinstance(comment_id, int) or not 0 < comment_id <= MAX_ID:
        raise NotFound(f"There is no comment #{comment_id}.")
    comment = Comment.objects.filter(pk=comment_id, post=post).first()
    if comment is None:
        raise NotFound(f"There is no comment #{comment_id} on this post.")
    return comment


def _refuse_nul(text: str, *, field: str, what: str) -> None:
    # Django's form fields refuse NUL; the API does not use forms, and PostgreSQL
    # cannot store NUL in text, so the rule lives here for every caller.
    if "\x00" in text:
        raise Invalid(
            f"The {what} contains a NUL character (\\0), which cannot be stored. Remove it.",
            field=field,
        )


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    _refuse_nul(title, field="title", what="title")
    if not title:
        raise Invalid("The title is empty. Give your post a short title.", field="title")
    if len(title) > 160:
        raise Invalid(
            f"The title is {len(title)} characters long; keep it under 160.", field="title"
        )
    return title


def _clean_body(body: str, *, limit: int, required: bool, what: str = "text") -> str:
    body = (body or "").strip()
    _refuse_nul(body, field="body", what=what)
    if required and not body:
        raise Invalid(f"The {what} is empty. Write something first.", field="body")
    if len(body) > limit:
        raise Invalid(
            f"The {what} is {len(body):,} characters long; keep it under {limit:,}.",
            field="body",
        )
    return body


def _resolve_tags(slugs: Iterable[str]) -> list[Tag]:
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


def _follow(user: User, post: Post) -> None:
    Follow.objects.get_or_create(user=user, post=post)


def _refuse_if_merged(post: Post) -> None:
    if post.merged_into_id:
        raise Conflict(
            f"This post was merged into #{post.merged_into_id}. Vote and comment there instead."
        )


@transaction.atomic
def create_post(
    *, author: User, kind: str, title: str, body: str = "", tags: Iterable[str] = ()
) -> Post:
    """Publish a post; its author follows it from then on."""
    require_signed_in(author)
    if kind not in Kind.values:
        raise Invalid(
            f"'{kind}' is not a kind of post. Choose one of: {', '.join(Kind.values)}.",
            field="kind",
        )
    title = _clean_title(title)
    body = _clean_body(body, limit=20_000, required=False, what="description")
    tag_objects = _resolve_tags(tags)
    now = timezone.now()
    post = Post(
        kind=kind,
        title=title,
        body=body,
        body_html=render_markdown(body),
        author=author,
        author_was_staff=author.is_staff,
        created_at=now,
        last_activity_at=now,
        trending=trending.initial(now),
    )
    full_clean_or_invalid(post, exclude=["author", "merged_into", "accepted_comment"])
    post.save()
    if tag_objects:
        post.tags.set(tag_objects)
    _follow(author, post)
    return post


@transaction.atomic
def edit_post(
    *,
    actor: User,
    post_id: int,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
) -> Post:
    """Change a post's text (its author or staff) or its tags (staff)."""
    require_signed_in(actor)
    post = get_post(post_id, for_update=True)
    is_author = post.author_id == actor.pk
    if (title is not None or body is not None) and not (is_author or actor.is_staff):
        raise NotAllowed("Only the author or staff can edit this post.")
    if tags is not None and not actor.is_staff:
        raise NotAllowed("Only staff can change a post's tags.")
    changed = []
    if title is not None:
        title = _clean_title(title)
        if title != post.title:
            post.title = title
            changed.append("title")
    if body is not None:
        body = _clean_body(body, limit=20_000, required=False, what="description")
        if body != post.body:
            post.body = body
            post.body_html = render_markdown(body)
            changed += ["body", "body_html"]
    if changed:
        post.edited_at = timezone.now()
        post.save(update_fields=[*changed, "edited_at"])
    if tags is not None:
        post.tags.set(_resolve_tags(tags))
    return post


def _lock_and_score_vote(post: Post, *, delta: int, voted_at) -> None:
    """Update the count and trending score of a locked post by one vote."""
    if delta > 0:
        score = trending.add(post.trending, voted_at)
    else:
        score = trending.remove(post.trending, voted_at)
        if score is None:
            times = Vote.objects.filter(post=post).values_list("created_at", flat=True)
            score = trending.from_scratch(post.created_at, times)
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + delta, trending=score)


@transaction.atomic
def add_vote(*, user: User, post_id: int) -> Post:
    """Vote for a post. Voting twice changes nothing; the voter follows the post."""
    require_signed_in(user)
    post = get_post(post_id, for_update=True)
    _refuse_if_merged(post)
    now = timezone.now()
    try:
        with transaction.atomic():
            Vote.objects.create(user=user, post=post, created_at=now)
    except IntegrityError:
        return Post.objects.get(pk=post.pk)  # already voted
    _lock_and_score_vote(post, delta=1, voted_at=now)
    _follow(user, post)
    return Post.objects.get(pk=post.pk)


@transaction.atomic
def remove_vote(*, user: User, post_id: int) -> Post:
    """Withdraw a vote. Withdrawing one that is not there changes nothing."""
    require_signed_in(user)
    post = get_post(post_id, for_update=True)
    vote = Vote.objects.filter(user=user, post=post).first()
    if vote is not None:
        vote.delete()
        _lock_and_score_vote(post, delta=-1, voted_at=vote.created_at)
    return Post.objects.get(pk=post.pk)


def toggle_vote(*, user: User, post_id: int) -> tuple[Post, bool]:
    """Vote, or withdraw the vote when there is one. Returns the post and has_voted."""
    require_signed_in(user)
    if Vote.objects.filter(user=user, post_id=post_id).exists():
        return remove_vote(user=user, post_id=post_id), False
    return add_vote(user=user, post_id=post_id), True


@transaction.atomic
def add_comment(*, author: User, post_id: int, body: str, parent_id: int | None = None) -> Comment:
    """Comment on a post, or reply to a top-level comment. The author follows the post."""
    require_signed_in(author)
    post = get_post(post_id, for_update=True)
    _refuse_if_merged(post)
    body = _clean_body(body, limit=10_000, required=True, what="comment")
    parent = None
    if parent_id is not None:
        parent = _get_comment(parent_id, post=post)
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer in the same thread
    now = timezone.now()
    comment = Comment.objects.create(
        post=post,
        author=author,
        author_was_staff=author.is_staff,
        parent=parent,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=now
    )
    _follow(author, post)
    return comment


@transaction.atomic
def follow_post(*, user: User, post_id: int) -> None:
    """Follow a post to hear about its changes."""
    require_signed_in(user)
    _follow(user, get_post(post_id))


@transaction.atomic
def unfollow_post(*, user: User, post_id: int) -> None:
    """Stop following a post."""
    require_signed_in(user)
    Follow.objects.filter(user=user, post=get_post(post_id)).delete()


@transaction.atomic
def change_status(*, actor: User, post_id: int, status: str, note: str = "") -> StatusChange:
    """Move a post to a new status (staff), keeping a public record with the note."""
    require_staff(actor)
    if status not in Status.values:
        raise Invalid(
            f"'{status}' is not a status. Choose one of: {', '.join(Status.values)}.",
            field="status",
        )
    post = get_post(post_id, for_update=True)
    _refuse_if_merged(post)
    note = _clean_body(note, limit=5_000, required=False, what="note")
    if status == post.status:
        raise Conflict(f"The post is already '{post.get_status_display()}'.")
    now = timezone.now()
    change = StatusChange.objects.create(
        post=post,
        actor=actor,
        from_status=post.status,
        to_status=status,
        note=note,
        note_html=render_markdown(note),
        created_at=now,
    )
    Post.objects.filter(pk=post.pk).update(status=status, last_activity_at=now)
    return change


@transaction.atomic
def set_official_response(*, actor: User, post_id: int, body: str) -> OfficialResponse:
    """Give (or replace) the one official response on a post (staff)."""
    require_staff(actor)
    post = get_post(post_id, for_update=True)
    body = _clean_body(body, limit=10_000, required=True, what="response")
    now = timezone.now()
    response = OfficialResponse.objects.filter(post=post).first()
    if response is None:
        response = OfficialResponse.objects.create(
            post=post, author=actor, body=body, body_html=render_markdown(body), created_at=now
        )
    elif response.body != body:
        response.body, response.body_html = body, render_markdown(body)
        response.author, response.edited_at = actor, now
        response.save()
    Post.objects.filter(pk=post.pk).update(last_activity_at=now)
    return response


@transaction.atomic
def accept_answer(*, actor: User, post_id: int, comment_id: int | None) -> Post:
    """Mark one comment as the accepted answer of a question (its author or staff).

    ``comment_id=None`` clears the mark.
    """
    require_signed_in(actor)
    post = get_post(post_id, for_update=True)
    if post.kind != Kind.QUESTION:
        raise Conflict("Only questions have accepted answers.")
    if not (actor.is_staff or post.author_id == actor.pk):
        raise NotAllowed("Only the person who asked, or staff, can accept an answer.")
    post.accepted_comment = _get_comment(comment_id, post=post) if comment_id else None
    post.save(update_fields=["accepted_comment"])
    return post


@transaction.atomic
def merge_posts(*, actor: User, duplicate_id: int, original_id: int) -> Post:
    """Merge a duplicate into an original (staff).

    Votes move to the original unless the voter already voted there (then the vote
    stays on the duplicate, so nobody counts twice and nothing is deleted); the
    duplicate's followers follow the original; the duplicate keeps its text and
    shows where it went.
    """
    require_staff(actor)
    if duplicate_id == original_id:
        raise Invalid("A post cannot be merged into itself.", field="into")
    # Lock both rows in id order so two merges cannot deadlock.
    first, second = sorted([duplicate_id, original_id])
    locked = {first: get_post(first, for_update=True), second: get_post(second, for_update=True)}
    duplicate, original = locked[duplicate_id], locked[original_id]
    if duplicate.merged_into_id:
        raise Conflict(f"Post #{duplicate.pk} is already merged into #{duplicate.merged_into_id}.")
    if original.merged_into_id:
        raise Conflict(
            f"Post #{original.pk} is itself merged into #{original.merged_into_id}; "
            "merge into that one instead."
        )
    already = Vote.objects.filter(post=original).values("user_id")
    Vote.objects.filter(post=duplicate).exclude(user_id__in=already).update(
        post=original, merged_from=duplicate
    )
    followers = Follow.objects.filter(post=duplicate).exclude(
        user_id__in=Follow.objects.filter(post=original).values("user_id")
    )
    Follow.objects.bulk_create(
        [Follow(user_id=uid, post=original) for uid in followers.values_list("user_id", flat=True)]
    )
    now = timezone.now()
    for post in (duplicate, original):
        times = list(Vote.objects.filter(post=post).values_list("created_at", flat=True))
        post.vote_count = len(times)
        post.trending = trending.from_scratch(post.created_at, times)
    duplicate.merged_into, duplicate.merged_at = original, now
    duplicate.save(update_fields=["vote_count", "trending", "merged_into", "merged_at"])
    original.last_activity_at = now
    original.save(update_fields=["vote_count", "trending", "last_activity_at"])
    return original


@transaction.atomic
def create_tag(*, actor: User, name: str, slug: str = "", description: str = "") -> Tag:
    """Define a tag (staff)."""
    from django.utils.text import slugify

    require_staff(actor)
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("The tag name is empty.", field="name")
    tag = Tag(name=name, slug=(slug or slugify(name))[:40], description=description.strip())
    if not tag.slug:
        raise Invalid("Give the tag a name with letters or digits in it.", field="name")
    if Tag.objects.filter(slug=tag.slug).exists() or Tag.objects.filter(name=name).exists():
        raise Conflict(f"There is already a tag called '{name}'.")
    full_clean_or_invalid(tag)
    tag.save()
    return tag
