"""Synthetic history for the backlash tests: negative posts written at chosen hours,
stored as the sentiment task would store them."""

from datetime import datetime, timedelta

from frankly.feedback.models import Post
from frankly.insights.models import Band, Sentiment


def negative_history(author, *, now: datetime, per_hour, hours: int = 28 * 24, tags=()) -> int:
    """Write ``per_hour(hour_start)`` negative posts in each of the ``hours`` hours
    before the last one. Returns how many."""
    window_start = now - timedelta(hours=1)
    posts = []
    for h in range(1, hours + 1):
        start = window_start - timedelta(hours=h)
        for i in range(per_hour(start)):
            at = start + timedelta(minutes=(i * 7) % 60)
            posts.append(
                Post(
                    title=f"Old complaint {h}-{i}",
                    body="This is bad.",
                    author=author,
                    created_at=at,
                    last_activity_at=at,
                )
            )
    created = Post.objects.bulk_create(posts, batch_size=500)
    for post in created:
        post.tags.set(tags) if tags else None
    Sentiment.objects.bulk_create(
        [
            Sentiment(
                post=p,
                compound=-0.6,
                positive=0.0,
                neutral=0.4,
                negative=0.6,
                band=Band.NEGATIVE,
                text_sha256="0" * 64,
                created_at=p.created_at,
            )
            for p in created
        ],
        batch_size=500,
    )
    return len(created)
