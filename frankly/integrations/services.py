"""Linking posts to tracker issues, and acting on the trackers' signed webhooks.

When a linked issue (or pull/merge request) closes, merges or reopens, each linked
post moves to the status ``settings.ISSUE_STATUS_MAP`` names for that event, through
the ordinary ``change_status`` service: on the ledger, with a public note, followers
notified. The change is made in the name of the staff member who linked the issue.
"""

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from frankly.access import require_staff
from frankly.errors import Conflict, FranklyError, Invalid, NotFound
from frankly.feedback.services import change_status, get_post
from frankly.integrations.models import IssueLink, Tracker

log = logging.getLogger(__name__)

GITHUB_PATH = re.compile(r"^/([\w.-]+)/([\w.-]+)/(issues|pull)/(\d+)$")
GITLAB_PATH = re.compile(r"^/(.+)/-/(issues|merge_requests)/(\d+)$")
EVENTS = ("closed", "not_planned", "merged", "reopened")


def parse_issue_url(url: str) -> tuple[str, str]:
    """The tracker and the canonical address of an issue URL, or Invalid."""
    url = (url or "").strip()
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.scheme == "https" and parts.hostname:
        if parts.hostname == "github.com" and GITHUB_PATH.match(path):
            return Tracker.GITHUB, f"https://github.com{path}"
        if GITLAB_PATH.match(path):
            return Tracker.GITLAB, f"https://{parts.netloc}{path}"
    raise Invalid(
        _(
            "That is not an issue address. Paste a GitHub issue or pull request "
            "(https://github.com/OWNER/REPO/issues/12) or a GitLab issue or merge request "
            "(https://gitlab.example.com/GROUP/PROJECT/-/issues/12)."
        ),
        field="url",
    )


@transaction.atomic
def link_issue(*, actor, post_id: int, url: str) -> IssueLink:
    """Link a post to a tracker issue (staff)."""
    require_staff(actor)
    post = get_post(post_id)
    tracker, canonical = parse_issue_url(url)
    try:
        with transaction.atomic():
            return IssueLink.objects.create(
                post=post, tracker=tracker, url=canonical, linked_by=actor
            )
    except IntegrityError:
        raise Conflict(_("This post is already linked to that issue.")) from None


@transaction.atomic
def unlink_issue(*, actor, link_id: int) -> None:
    """Remove a link (staff); the post's status stays as it is."""
    require_staff(actor)
    deleted, _rows = IssueLink.objects.filter(pk=link_id).delete()
    if not deleted:
        raise NotFound(_("That issue link does not exist (any more)."))


@dataclass
class Outcome:
    moved: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _label(url: str) -> str:
    tracker, _ = parse_issue_url(url)
    path = urlsplit(url).path
    if tracker == Tracker.GITHUB:
        owner, repo, kind, number = GITHUB_PATH.match(path).groups()
        what = "pull request" if kind == "pull" else "issue"
        return f"GitHub {what} {owner}/{repo}#{number}"
    project, kind, number = GITLAB_PATH.match(path).groups()
    what = "merge request" if kind == "merge_requests" else "issue"
    return f"GitLab {what} {project}{'!' if what == 'merge request' else '#'}{number}"


WORDS = {
    "closed": "was closed",
    "not_planned": "was closed as not planned",
    "merged": "was merged",
    "reopened": "was reopened",
}


def apply_tracker_event(*, url: str, event: str) -> Outcome:
    """Move every post linked to ``url`` as the mapping says for ``event``.

    Each post changes in its own transaction; a post already at that status, merged,
    or whose linking staff member is gone is skipped (and said so), not an error.
    """
    outcome = Outcome()
    try:
        _, canonical = parse_issue_url(url)
    except Invalid:
        return outcome
    mapping = settings.ISSUE_STATUS_MAP
    status = mapping.get(event) or (mapping.get("closed") if event == "not_planned" else None)
    links = IssueLink.objects.filter(url=canonical).select_related("linked_by")
    for link in links:
        if not status:
            outcome.skipped[link.post_id] = f"No status is set for '{event}'."
            continue
        actor = link.linked_by
        if actor is None or not actor.is_staff or not actor.is_active:
            outcome.skipped[link.post_id] = "Whoever linked the issue is no longer staff."
            continue
        try:
            change_status(
                actor=actor,
                post_id=link.post_id,
                status=status,
                note=f"{_label(canonical)} {WORDS[event]}: {canonical}",
            )
        except FranklyError as exc:
            outcome.skipped[link.post_id] = exc.message
        else:
            outcome.moved.append(link.post_id)
    if outcome.skipped:
        log.info("Tracker event %s for %s skipped: %s", event, canonical, outcome.skipped)
    return outcome


def github_signature_is_valid(body: bytes, header: str) -> bool:
    """GitHub's X-Hub-Signature-256: ``sha256=`` + HMAC-SHA256 of the raw body."""
    secret = settings.GITHUB_WEBHOOK_SECRET
    if not secret or not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def gitlab_token_is_valid(header: str) -> bool:
    """GitLab sends the secret token itself in X-Gitlab-Token."""
    token = settings.GITLAB_WEBHOOK_TOKEN
    return bool(token and header) and hmac.compare_digest(token.encode(), header.encode())


def github_event(kind: str, payload: dict) -> tuple[str, str] | None:
    """(url, event) from a GitHub ``issues`` or ``pull_request`` delivery, or None."""
    action = payload.get("action")
    if kind == "issues":
        issue = payload.get("issue") or {}
        if action == "closed":
            event = "not_planned" if issue.get("state_reason") == "not_planned" else "closed"
        elif action == "reopened":
            event = "reopened"
        else:
            return None
        return str(issue.get("html_url") or ""), event
    if kind == "pull_request":
        pull = payload.get("pull_request") or {}
        if action == "closed":
            event = "merged" if pull.get("merged") else "closed"
        elif action == "reopened":
            event = "reopened"
        else:
            return None
        return str(pull.get("html_url") or ""), event
    return None


GITLAB_ACTIONS = {"close": "closed", "merge": "merged", "reopen": "reopened"}


def gitlab_event(payload: dict) -> tuple[str, str] | None:
    """(url, event) from a GitLab issue or merge request hook, or None."""
    if payload.get("object_kind") not in ("issue", "merge_request"):
        return None
    attributes = payload.get("object_attributes") or {}
    event = GITLAB_ACTIONS.get(attributes.get("action"))
    if event is None:
        return None
    return str(attributes.get("url") or ""), event
