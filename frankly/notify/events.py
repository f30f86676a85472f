"""What the rest of Frankly calls when something happens that people may want to hear
about. Each call only schedules work for after the transaction commits: the fan-out
to followers, emails and webhooks run in background tasks, so a request never
waits for mail or a slow webhook receiver."""

from django.db import transaction


def _later(task, *args) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


def comment_added(comment) -> None:
    from frankly.notify import tasks

    _later(tasks.fan_out_comment, comment.pk)


def status_changed(change) -> None:
    from frankly.notify import tasks

    _later(tasks.fan_out_status_change, change.pk)


def official_response_published(response) -> None:
    from frankly.notify import tasks

    _later(tasks.fan_out_official_response, response.pk)


def post_merged(duplicate) -> None:
    from frankly.notify import tasks

    _later(tasks.tell_voters_of_merge, duplicate.pk)


def webhook_event(event: str, payload: dict) -> None:
    """Send ``event`` to every webhook endpoint that asked for it (after commit).

    The event gets its id and time now, so the dispatch task is idempotent: run twice,
    it still delivers the event once per endpoint.
    """
    from frankly.notify import tasks
    from frankly.notify.webhooks import event_body

    body = event_body(event, payload)
    _later(tasks.dispatch_webhook_event, event, body["data"], body["id"], body["created_at"])
