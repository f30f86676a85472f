"""Background work of the insights app, run by the worker like every other task."""

from django_tasks import task


@task()
def score_post_sentiment(post_id: int) -> str:
    from frankly.insights.sentiment import score_post

    sentiment = score_post(post_id)
    return sentiment.band if sentiment else "gone"


@task()
def score_comment_sentiment(comment_id: int) -> str:
    from frankly.insights.sentiment import score_comment

    sentiment = score_comment(comment_id)
    return sentiment.band if sentiment else "gone"


@task()
def check_for_backlash() -> int:
    from frankly.insights.backlash import raise_alerts

    return len(raise_alerts())
