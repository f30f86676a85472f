"""Watch words: competitor, product and topic names staff want counted wherever
customers mention them. A mention is the whole word, any case ("Jira" matches
"jira" and "Jira's", not "Jirafe"), in a post's title or body or a comment."""

import re
from datetime import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet

from frankly.feedback.models import Comment, Post
from frankly.insights.models import WatchWord


def word_pattern(word: str) -> str:
    """A case-insensitive whole-word regular expression for the database's REGEXP."""
    escaped = re.escape(word)
    if connection.vendor == "postgresql":
        return rf"\y{escaped}\y"  # PostgreSQL's word boundary; \b is backspace there
    return rf"\b{escaped}\b"


def _post_match(word: str) -> Q:
    pattern = word_pattern(word)
    return Q(title__iregex=pattern) | Q(body__iregex=pattern)


def counts(words: list[WatchWord], *, since: datetime) -> list[dict]:
    """Per word: posts and comments that mention it, all time and since ``since``.
    Two queries, however many words."""
    if not words:
        return []
    post_counts = Post.objects.listed().aggregate(
        **{f"all_{w.pk}": Count("id", filter=_post_match(w.word)) for w in words},
        **{
            f"new_{w.pk}": Count("id", filter=_post_match(w.word) & Q(created_at__gte=since))
            for w in words
        },
    )
    comments = Comment.objects.filter(hidden_by__isnull=True, deleted_at__isnull=True)
    comment_counts = comments.aggregate(
        **{f"all_{w.pk}": Count("id", filter=Q(body__iregex=word_pattern(w.word))) for w in words},
        **{
            f"new_{w.pk}": Count(
                "id", filter=Q(body__iregex=word_pattern(w.word), created_at__gte=since)
            )
            for w in words
        },
    )
    return [
        {
            "word": w,
            "posts": post_counts[f"all_{w.pk}"],
            "comments": comment_counts[f"all_{w.pk}"],
            "posts_recent": post_counts[f"new_{w.pk}"],
            "comments_recent": comment_counts[f"new_{w.pk}"],
        }
        for w in words
    ]


def posts_mentioning(word: str) -> QuerySet:
    return Post.objects.listed().filter(_post_match(word)).order_by("-created_at", "-id")


def comments_mentioning(word: str) -> QuerySet:
    return (
        Comment.objects.filter(hidden_by__isnull=True, deleted_at__isnull=True)
        .filter(body__iregex=word_pattern(word))
        .select_related("post", "author")
        .order_by("-created_at", "-id")
    )
