"""Sentiment of posts and comments with VADER (vaderSentiment): a lexicon and rules
tuned for short social-media text, offline, no model download.

Scores are computed in a background task after each create or edit (see
``events.py``) and stored with a hash of the text they read, so a late task for
an old version never overwrites the score of a newer one with a stale reading.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.utils import timezone

from frankly.insights.models import Band, Sentiment

# VADER's own recommended cut-offs for the compound score.
POSITIVE_FROM = 0.05
NEGATIVE_UP_TO = -0.05


@dataclass(frozen=True)
class Scores:
    compound: float
    positive: float
    neutral: float
    negative: float

    @property
    def band(self) -> str:
        if self.compound >= POSITIVE_FROM:
            return Band.POSITIVE
        if self.compound <= NEGATIVE_UP_TO:
            return Band.NEGATIVE
        return Band.NEUTRAL


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_text(text: str) -> Scores:
    """VADER's scores of ``text``; empty text is neutral."""
    if not text.strip():
        return Scores(compound=0.0, positive=0.0, neutral=1.0, negative=0.0)
    raw = _analyzer().polarity_scores(text)
    return Scores(
        compound=raw["compound"], positive=raw["pos"], neutral=raw["neu"], negative=raw["neg"]
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def post_text(post) -> str:
    return f"{post.title}\n\n{post.body}".strip()


def _store(*, text: str, created_at, edited_at, **target) -> Sentiment | None:
    digest = _digest(text)
    existing = Sentiment.objects.filter(**target).first()
    if existing is not None and existing.text_sha256 == digest:
        return existing  # this version is scored already: running twice changes nothing
    scores = score_text(text)
    values = {
        "compound": scores.compound,
        "positive": scores.positive,
        "neutral": scores.neutral,
        "negative": scores.negative,
        "band": scores.band,
        "text_sha256": digest,
        "text_edited_at": edited_at,
        "created_at": created_at,
        "scored_at": timezone.now(),
    }
    sentiment, _ = Sentiment.objects.update_or_create(**target, defaults=values)
    return sentiment


@transaction.atomic
def score_post(post_id: int) -> Sentiment | None:
    """Score the post's current title and description (None if it is gone)."""
    from frankly.feedback.models import Post

    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        return None
    return _store(
        text=post_text(post), created_at=post.created_at, edited_at=post.edited_at, post=post
    )


@transaction.atomic
def score_comment(comment_id: int) -> Sentiment | None:
    """Score the comment's current text (None if it is gone)."""
    from frankly.feedback.models import Comment

    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        return None
    return _store(
        text=comment.body,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        comment=comment,
    )
