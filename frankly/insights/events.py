"""What the feedback services call when text is written: the sentiment is scored in
the background after the transaction commits, so a request never waits for it."""

from django.db import transaction


def post_written(post) -> None:
    from frankly.insights import tasks

    post_id = post.pk
    transaction.on_commit(lambda: tasks.score_post_sentiment.enqueue(post_id))


def comment_written(comment) -> None:
    from frankly.insights import tasks

    comment_id = comment.pk
    transaction.on_commit(lambda: tasks.score_comment_sentiment.enqueue(comment_id))
