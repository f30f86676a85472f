"""Every write on the roadmap and the changelog. Views and the API both call these.

Each function checks who may do it, runs in one transaction and raises a
``frankly.errors`` exception with a message for people when it cannot.

Closing the loop: when an entry that links posts is published, those posts become
done (through the board's own ``change_status``, so the status change is on the
record) and everyone who voted on or follows them hears that it shipped, once.
"""

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from frankly.access import require_signed_in, require_staff
from frankly.errors import Conflict, Invalid, NotFound
from frankly.feedback.models import Post, Status
from frankly.feedback.services import change_status, get_post
from frankly.markdown import render_markdown
from frankly.notify import events
from frankly.roadmap.models import Category, ChangelogComment, ChangelogEntry, RoadmapSetting
from frankly.transparency.ledger import append_to_ledger
from frankly.transparency.revisions import record_revision
from frankly.validation import is_valid_id, parse_id, refuse_nul

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_LINKED_POSTS = 50


# Checks


def get_entry(entry_id, *, viewer=None, for_update: bool = False) -> ChangelogEntry:
    """The entry, if it exists and the viewer may see it (drafts: staff only)."""
    pk = parse_id(entry_id)
    queryset = ChangelogEntry.objects.visible_to(viewer)
    if for_update:
        queryset = queryset.select_for_update()
    entry = queryset.filter(pk=pk).first() if pk else None
    if entry is None:
        raise NotFound(_("There is no changelog entry #%(id)s.") % {"id": entry_id})
    return entry


def clean_quarter(value: str | None) -> str:
    """'2027-q1 ' → '2027-Q1'; empty or None → '' (no target)."""
    value = "".join((value or "").split()).upper()
    if not value:
        return ""
    match = QUARTER.match(value)
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        shown = value[:20].replace("\x00", "")
        raise Invalid(
            f"'{shown}' is not a quarter. Write the year and the quarter, e.g. 2027-Q1 "
            f"(Q1 to Q4, years {FIRST_YEAR} to {LAST_YEAR}), or leave it empty.",
            field="target_quarter",
        )
    return value


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    refuse_nul(title, field="title", what="title")
    if not title:
        raise Invalid("The title is empty. Give the entry a short title.", field="title")
    if len(title) > 160:
        raise Invalid(
            f"The title is {len(title)} characters long; keep it under 160.", field="title"
        )
    return title


def _clean_text(text: str, *, limit: int, required: bool, what: str) -> str:
    text = (text or "").strip()
    refuse_nul(text, field="body", what=what)
    if required and not text:
        raise Invalid(f"The {what} is empty. Write something first.", field="body")
    if len(text) > limit:
        raise Invalid(
            f"The {what} is {len(text):,} characters long; keep it under {limit:,}.",
            field="body",
        )
    return text


def _clean_category(category: str) -> str:
    if category not in Category.values:
        shown = str(category)[:40].replace("\x00", "")
        raise Invalid(
            f"'{shown}' is not a category. Choose one of: {', '.join(Category.values)}.",
            field="category",
        )
    return category


def _resolve_posts(post_ids: Iterable, *, already_linked: Iterable[int] = ()) -> list[Post]:
    """The posts an entry delivers, in the order given. Every id must be a post; a
    newly linked one must be on the board (not merged, hidden or deleted)."""
    given = list(post_ids)
    # Sorted out before removing repeats: True would otherwise pass for post #1.
    ids = list(dict.fromkeys(i for i in given if is_valid_id(i)))
    if len(ids) > MAX_LINKED_POSTS:
        raise Invalid(f"Link at most {MAX_LINKED_POSTS} posts to one entry.", field="posts")
    found = Post.objects.in_bulk(ids)
    unknown = [i for i in given if not is_valid_id(i)] + [i for i in ids if i not in found]
    if unknown:
        names = ", ".join(f"#{str(i)[:24]}" for i in unknown[:5])
        raise Invalid(
            f"There is no post {names}. Link posts by the number shown on the board.",
            field="posts",
        )
    posts = [found[i] for i in ids]
    keep = set(already_linked)
    for post in posts:
        if post.pk in keep:
            continue  # it was fine when linked; a later merge or hiding does not unlink it
        if post.merged_into_id:
            raise Invalid(
                f"Post #{post.pk} was merged into #{post.merged_into_id}; link that one instead.",
                field="posts",
            )
        if post.is_tombstone:
            raise Invalid(
                f"Post #{post.pk} is hidden or deleted, so it cannot be linked.", field="posts"
            )
    return posts


# The changelog


def _ledger_body(entry: ChangelogEntry, posts: list[Post], *, reason: str = "") -> dict:
    body = {
        "title": entry.title,
        "category": entry.category,
        "text": entry.body,
        "posts": [p.pk for p in posts],
    }
    if reason:
        body["reason"] = reason
    return body


@transaction.atomic
def create_entry(
    *,
    actor,
    title: str,
    body: str = "",
    category: str = Category.NEW,
    post_ids: Iterable = (),
    publish: bool = False,
) -> ChangelogEntry:
    """Write a changelog entry (staff): a draft, or published at once with ``publish``."""
    require_staff(actor)
    title = _clean_title(title)
    category = _clean_category(category)
    body = _clean_text(body, limit=50_000, required=False, what="entry text")
    posts = _resolve_posts(post_ids)
    entry = ChangelogEntry.objects.create(
        title=title,
        body=body,
        body_html=render_markdown(body),
        category=category,
        author=actor,
        created_at=timezone.now(),
    )
    entry.posts.set(posts)
    if publish:
        _publish(entry, actor=actor, posts=posts)
    return entry


@transaction.atomic
def edit_entry(
    *,
    actor,
    entry_id: int,
    title: str | None = None,
    body: str | None = None,
    category: str | None = None,
    post_ids: Iterable | None = None,
    reason: str = "",
) -> ChangelogEntry:
    """Change an entry (staff). The old text stays in its history; an edit of a
    published entry goes on the ledger, and posts it newly links are shipped."""
    require_staff(actor)
    entry = get_entry(entry_id, viewer=actor, for_update=True)
    old = {"title": entry.title, "body": entry.body, "category": entry.category}
    if title is not None:
        entry.title = _clean_title(title)
    if body is not None:
        entry.body = _clean_text(body, limit=50_000, required=False, what="entry text")
    if category is not None:
        entry.category = _clean_category(category)
    linked = list(entry.posts.all())
    if post_ids is None:
        posts = linked
    else:
        posts = _resolve_posts(post_ids, already_linked=[p.pk for p in linked])
    new = {"title": entry.title, "body": entry.body, "category": entry.category}
    texts_changed = new != old
    links_changed = {p.pk for p in posts} != {p.pk for p in linked}
    if not (texts_changed or links_changed):
        return entry
    record_revision(
        object_type="changelog_entry",
        object_id=entry.pk,
        editor=actor,
        old=old,
        new=new,
        reason=reason,
    )
    entry.body_html = render_markdown(entry.body)
    if entry.is_published:
        entry.edited_at = timezone.now()
    entry.save(update_fields=["title", "body", "body_html", "category", "edited_at"])
    if links_changed:
        entry.posts.set(posts)
    if entry.is_published:
        append_to_ledger(
            kind="changelog.edited",
            object_type="changelog_entry",
            object_id=entry.pk,
            object_url=entry.get_absolute_url(),
            body=_ledger_body(entry, posts, reason=(reason or "").strip()[:300]),
        )
        before = {p.pk for p in linked}
        _close_loop(entry, actor=actor, posts=[p for p in posts if p.pk not in before])
    return entry


@transaction.atomic
def publish_entry(*, actor, entry_id: int) -> ChangelogEntry:
    """Publish a draft (staff): on the ledger, to webhooks, and the posts it delivers
    become done, with their voters and followers told. Publishing again changes nothing."""
    require_staff(actor)
    entry = get_entry(entry_id, viewer=actor, for_update=True)
    if not entry.is_published:
        _publish(entry, actor=actor, posts=list(entry.posts.all()))
    return entry


def _publish(entry: ChangelogEntry, *, actor, posts: list[Post]) -> None:
    """Runs inside the caller's transaction."""
    entry.published_at, entry.published_by = timezone.now(), actor
    entry.save(update_fields=["published_at", "published_by"])
    append_to_ledger(
        kind="changelog.published",
        object_type="changelog_entry",
        object_id=entry.pk,
        object_url=entry.get_absolute_url(),
        body=_ledger_body(entry, posts),
    )
    _close_loop(entry, actor=actor, posts=posts)
    from frankly.roadmap import tasks

    transaction.on_commit(lambda: tasks.email_product_news.enqueue(entry.pk))
    events.webhook_event(
        "changelog.published",
        {
            "entry": {
                "id": entry.pk,
                "title": entry.title,
                "category": entry.category,
                "body": entry.body,
                "url": entry.get_absolute_url(),
                "published_at": entry.published_at.isoformat(),
                "posts": [
                    {"id": p.pk, "title": p.title, "url": p.get_absolute_url()} for p in posts
                ],
            },
        },
    )


def _close_loop(entry: ChangelogEntry, *, actor, posts: list[Post]) -> None:
    """Mark what shipped as done, and tell the people who asked for it (after commit,
    in the background: a post may have thousands of voters)."""
    from frankly.roadmap import tasks

    for post in posts:
        post.refresh_from_db(fields=["status", "merged_into", "hidden_by", "deleted_at"])
        if post.status == Status.DONE or post.merged_into_id or post.is_tombstone:
            continue
        change_status(
            actor=actor,
            post_id=post.pk,
            status=Status.DONE,
            note=f"Shipped: {entry.title}",
            tell_followers=False,  # the "it shipped" notification below says it
        )
    if posts:
        post_ids = [p.pk for p in posts]
        transaction.on_commit(lambda: tasks.close_loop_on_ship.enqueue(entry.pk, post_ids))


@transaction.atomic
def add_entry_comment(*, author, entry_id: int, body: str) -> ChangelogComment:
    """Comment on a published entry."""
    require_signed_in(author)
    entry = get_entry(entry_id, viewer=author, for_update=True)
    if not entry.is_published:
        raise Conflict("This entry is a draft; comments open when it is published.")
    body = _clean_text(body, limit=10_000, required=True, what="comment")
    comment = ChangelogComment.objects.create(
        entry=entry,
        author=author,
        author_was_staff=author.is_staff,
        body=body,
        body_html=render_markdown(body),
        created_at=timezone.now(),
    )
    ChangelogEntry.objects.filter(pk=entry.pk).update(comment_count=F("comment_count") + 1)
    return comment


# The roadmap


@transaction.atomic
def set_roadmap_options(
    *, actor, post_id: int, is_hidden: bool | None = None, target_quarter: str | None = None
) -> RoadmapSetting:
    """Hide a post from the roadmap or show it, and set or clear ("") its target quarter
    (staff). An option given as None stays as it was."""
    require_staff(actor)
    post = get_post(post_id)
    setting = RoadmapSetting.objects.select_for_update().filter(post=post).first()
    setting = setting or RoadmapSetting(post=post)
    if target_quarter is not None:
        setting.target_quarter = clean_quarter(target_quarter)
    if is_hidden is not None:
        setting.is_hidden = bool(is_hidden)
    setting.updated_by, setting.updated_at = actor, timezone.now()
    setting.save()
    return setting
