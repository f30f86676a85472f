"""Issue tracker links: staff link a post to a GitHub or GitLab issue; the tracker's
signed webhook then moves the post's status (as the mapping setting says) and tells
its followers. Payloads are shaped as in GitHub's and GitLab's webhook docs and
signed with the test secret; a bad signature or token changes nothing."""

import hashlib
import hmac
import json

import pytest
from django.test import Client

from frankly.feedback import services as feedback
from frankly.feedback.models import Post, StatusChange
from frankly.integrations import services
from frankly.integrations.models import IssueLink
from frankly.notify.models import Kind, Notification
from frankly.transparency.models import LedgerEntry
from tests.conftest import make_post, make_user

pytestmark = pytest.mark.django_db

SECRET = "It's a Secret to Everybody"
GITLAB_TOKEN = "gitlab-test-token"
ISSUE = "https://github.com/octo-org/octo-repo/issues/12"
PULL = "https://github.com/octo-org/octo-repo/pull/7"
GITLAB_ISSUE = "https://gitlab.example.com/gitlab-org/gitlab-test/-/issues/23"
GITLAB_MR = "https://gitlab.example.com/gitlab-org/gitlab-test/-/merge_requests/1"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    settings.GITLAB_WEBHOOK_TOKEN = GITLAB_TOKEN
    settings.ISSUE_STATUS_MAP = {
        "closed": "done",
        "not_planned": "declined",
        "merged": "done",
        "reopened": "planned",
    }


@pytest.fixture
def post(customer):
    return make_post(customer, title="Export to CSV")


@pytest.fixture
def follower(post):
    person = make_user(name="Fiona Follower")
    feedback.follow_post(user=person, post_id=post.pk)
    return person


def github_issue(action: str, *, state_reason: str | None = None) -> dict:
    """An ``issues`` delivery as in GitHub's docs (trimmed to the usual fields)."""
    return {
        "action": action,
        "issue": {
            "url": "https://api.github.com/repos/octo-org/octo-repo/issues/12",
            "repository_url": "https://api.github.com/repos/octo-org/octo-repo",
            "html_url": ISSUE,
            "id": 1,
            "number": 12,
            "title": "Export to CSV",
            "user": {"login": "octocat", "id": 1},
            "state": "closed" if action == "closed" else "open",
            "state_reason": state_reason,
            "closed_at": "2026-11-23T12:00:00Z" if action == "closed" else None,
        },
        "repository": {
            "id": 1296269,
            "full_name": "octo-org/octo-repo",
            "html_url": "https://github.com/octo-org/octo-repo",
        },
        "sender": {"login": "octocat", "id": 1},
    }


def github_pull(action: str, *, merged: bool) -> dict:
    return {
        "action": action,
        "number": 7,
        "pull_request": {
            "url": "https://api.github.com/repos/octo-org/octo-repo/pulls/7",
            "html_url": PULL,
            "number": 7,
            "state": "closed",
            "merged": merged,
            "merged_at": "2026-11-23T12:00:00Z" if merged else None,
        },
        "repository": {"full_name": "octo-org/octo-repo"},
        "sender": {"login": "octocat", "id": 1},
    }


def gitlab_hook(kind: str, action: str, url: str) -> dict:
    """An issue or merge request hook as in GitLab's docs (trimmed)."""
    return {
        "object_kind": kind,
        "event_type": kind,
        "user": {"id": 1, "name": "Administrator", "username": "root"},
        "project": {
            "id": 1,
            "path_with_namespace": "gitlab-org/gitlab-test",
            "web_url": "https://gitlab.example.com/gitlab-org/gitlab-test",
        },
        "object_attributes": {
            "id": 301,
            "iid": 23,
            "title": "Export to CSV",
            "state": "merged" if action == "merge" else "closed",
            "action": action,
            "url": url,
        },
    }


def send_github(payload: dict, *, event: str = "issues", secret: str = SECRET, signature=None):
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        "/integrations/github/webhook",
        body,
        content_type="application/json",
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            "X-Hub-Signature-256": signature if signature is not None else f"sha256={digest}",
            "User-Agent": "GitHub-Hookshot/044aadd",
        },
    )


def send_gitlab(payload: dict, *, token: str = GITLAB_TOKEN, event: str = "Issue Hook"):
    return Client().post(
        "/integrations/gitlab/webhook",
        json.dumps(payload),
        content_type="application/json",
        headers={"X-Gitlab-Event": event, "X-Gitlab-Token": token},
    )


def status_of(post) -> str:
    return Post.objects.get(pk=post.pk).status


# Linking


def test_staff_link_a_post_to_an_issue_from_its_page(client_for, staff, post):
    response = client_for(staff).post(
        f"/posts/{post.pk}/issue-links/", {"url": ISSUE + "/?foo=1"}, follow=True
    )
    assert response.status_code == 200
    link = IssueLink.objects.get()
    assert (link.post_id, link.tracker, link.url, link.linked_by_id) == (
        post.pk,
        "github",
        ISSUE,
        staff.pk,
    )
    assert ISSUE in client_for(None).get(f"/posts/{post.pk}/").content.decode()


def test_a_customer_cannot_link_issues(client_for, customer, post):
    response = client_for(customer).post(f"/posts/{post.pk}/issue-links/", {"url": ISSUE})
    assert response.status_code == 403
    assert not IssueLink.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "http://github.com/o/r/issues/1", "https://github.com/o/r", "javascript:x"],
)
def test_an_address_that_is_not_an_issue_is_refused_with_a_clear_message(
    client_for, staff, post, url
):
    response = client_for(staff).post(f"/posts/{post.pk}/issue-links/", {"url": url}, follow=True)
    assert "That is not an issue address" in response.content.decode()
    assert not IssueLink.objects.exists()


def test_linking_the_same_issue_twice_is_a_conflict(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    with pytest.raises(Exception, match="already linked"):
        services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)


# GitHub


def test_a_closed_github_issue_moves_the_post_and_tells_followers(
    staff, post, follower, django_capture_on_commit_callbacks
):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    ledger_before = LedgerEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = send_github(github_issue("closed", state_reason="completed"))
    assert response.status_code == 200
    assert response.json()["moved"] == [post.pk]
    assert status_of(post) == "done"
    change = StatusChange.objects.get(post=post)
    assert change.note == f"GitHub issue octo-org/octo-repo#12 was closed: {ISSUE}"
    assert LedgerEntry.objects.count() == ledger_before + 1
    told = Notification.objects.get(user=follower, kind=Kind.STATUS)
    assert told.title == "“Export to CSV” is now done"


def test_a_redelivered_github_event_changes_the_status_once(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    send_github(github_issue("closed"))
    again = send_github(github_issue("closed"))
    assert again.status_code == 200
    assert again.json()["moved"] == []
    assert StatusChange.objects.filter(post=post).count() == 1


def test_closed_as_not_planned_and_reopened_follow_the_mapping(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    send_github(github_issue("closed", state_reason="not_planned"))
    assert status_of(post) == "declined"
    send_github(github_issue("reopened"))
    assert status_of(post) == "planned"


def test_a_merged_pull_request_moves_the_post(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=PULL)
    send_github(github_pull("closed", merged=True), event="pull_request")
    assert status_of(post) == "done"
    assert "was merged" in StatusChange.objects.get(post=post).note


def test_the_mapping_setting_chooses_the_status(settings, staff, post):
    settings.ISSUE_STATUS_MAP = {"closed": "under_review"}
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    send_github(github_issue("closed"))
    assert status_of(post) == "under_review"
    response = send_github(github_issue("reopened"))  # no status for it: nothing moves
    assert response.json()["skipped"] == {str(post.pk): "No status is set for 'reopened'."}
    assert status_of(post) == "under_review"


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "sha1=abc", "garbage"],
)
def test_a_bad_github_signature_is_refused_and_changes_nothing(staff, post, signature):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    response = send_github(github_issue("closed"), signature=signature)
    assert response.status_code == 403
    assert "X-Hub-Signature-256" in response.json()["detail"]
    assert status_of(post) == "open"
    assert not StatusChange.objects.exists()


def test_a_payload_signed_with_another_secret_is_refused(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    response = send_github(github_issue("closed"), secret="someone else's secret")
    assert response.status_code == 403
    assert status_of(post) == "open"


def test_with_no_secret_configured_every_github_delivery_is_refused(settings, staff, post):
    settings.GITHUB_WEBHOOK_SECRET = ""
    services.link_issue(actor=staff, post_id=post.pk, url=ISSUE)
    body = json.dumps(github_issue("closed")).encode()
    empty_key = "sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest()
    response = send_github(github_issue("closed"), signature=empty_key)
    assert response.status_code == 403
    assert status_of(post) == "open"


def test_a_signed_body_that_is_not_json_is_400(staff, post):
    body = b"not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = Client().post(
        "/integrations/github/webhook",
        body,
        content_type="application/json",
        headers={"X-GitHub-Event": "issues", "X-Hub-Signature-256": signature},
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_github_ping_is_answered(staff):
    response = send_github({"zen": "Keep it logically awesome.", "hook_id": 1}, event="ping")
    assert (response.status_code, response.json()["detail"]) == (200, "pong")


# GitLab


def test_a_closed_gitlab_issue_moves_the_post(
    staff, post, follower, django_capture_on_commit_callbacks
):
    services.link_issue(actor=staff, post_id=post.pk, url=GITLAB_ISSUE)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_gitlab(gitlab_hook("issue", "close", GITLAB_ISSUE))
    assert response.status_code == 200
    assert status_of(post) == "done"
    assert "GitLab issue gitlab-org/gitlab-test#23 was closed" in (
        StatusChange.objects.get(post=post).note
    )
    assert Notification.objects.filter(user=follower, kind=Kind.STATUS).exists()


def test_a_merged_gitlab_merge_request_moves_the_post(staff, post):
    services.link_issue(actor=staff, post_id=post.pk, url=GITLAB_MR)
    send_gitlab(gitlab_hook("merge_request", "merge", GITLAB_MR), event="Merge Request Hook")
    assert status_of(post) == "done"


@pytest.mark.parametrize("token", ["", "wrong", GITLAB_TOKEN + "x"])
def test_a_wrong_gitlab_token_is_refused_and_changes_nothing(staff, post, token):
    services.link_issue(actor=staff, post_id=post.pk, url=GITLAB_ISSUE)
    response = send_gitlab(gitlab_hook("issue", "close", GITLAB_ISSUE), token=token)
    assert response.status_code == 403
    assert "X-Gitlab-Token" in response.json()["detail"]
    assert status_of(post) == "open"
    assert not StatusChange.objects.exists()


def test_an_event_for_an_unlinked_issue_changes_nothing(staff, post):
    response = send_gitlab(gitlab_hook("issue", "close", GITLAB_ISSUE))
    assert (response.status_code, response.json()["moved"]) == (200, [])
    assert status_of(post) == "open"
