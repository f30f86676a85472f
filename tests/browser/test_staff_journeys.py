"""Journeys through a real browser for what follows a post: a follower hears the
official response, staff change a status, merge a duplicate, hide a comment with a
rule and a reason, post an incident update; and an outsider proves a statement is
in the signed ledger. Each step is screenshotted and checked with axe-core
(``checkpoint``)."""

import pytest
from playwright.sync_api import Page, expect

from frankly.feedback import services as feedback
from frankly.feedback.models import Status
from frankly.incidents import services as incidents
from frankly.notify.models import Kind, Notification
from frankly.transparency import rules, signing
from tests.browser.test_journeys import log_in
from tests.conftest import make_post
from tests.transparency.support import use_own_signing_key

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(autouse=True)
def _background_work_inline(settings):
    # The fan-out to followers is a background task; here it runs when enqueued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def open_as(new_page):
    """A page for ``user`` (signed in through the login form), or for a visitor."""

    def open_page(user=None) -> Page:
        page = new_page(bypass_csp=True)  # axe is injected as a script
        if user is not None:
            log_in(page, user)
        return page

    return open_page


def staff_actions(page: Page) -> None:
    page.locator("summary", has_text="Staff actions").click()


def test_a_follower_hears_in_the_inbox_when_staff_respond(
    open_as, checkpoint, other_customer, staff, post
):
    follower = open_as(other_customer)
    follower.goto(post.get_absolute_url())
    follower.get_by_role("button", name="Follow", exact=True).click()
    expect(follower.get_by_role("status")).to_contain_text("You follow this post now.")
    expect(follower.get_by_role("button", name="Unfollow")).to_be_visible()
    checkpoint(follower, "following")

    answering = open_as(staff)
    answering.goto(post.get_absolute_url())
    staff_actions(answering)
    form = answering.get_by_role("form", name="Official response")
    form.get_by_label("Official response").fill("Dark mode ships in June.")
    form.get_by_role("button", name="Publish the response").click()
    expect(answering.get_by_role("status")).to_contain_text("Official response published.")
    checkpoint(answering, "responded")

    follower.goto("/notifications/")
    inbox = follower.get_by_role("main")
    expect(inbox).to_contain_text("Official response on “Dark mode for the dashboard”")
    expect(inbox).to_contain_text("Dark mode ships in June.")
    checkpoint(follower, "inbox")
    assert Notification.objects.filter(user=other_customer, kind=Kind.RESPONSE).count() == 1


def test_staff_change_a_status_and_merge_a_duplicate(
    open_as, checkpoint, staff, other_customer, post
):
    duplicate = make_post(other_customer, title="Please add a dark theme")
    feedback.add_vote(user=other_customer, post_id=duplicate.pk)
    page = open_as(staff)

    page.goto(post.get_absolute_url())
    staff_actions(page)
    status_form = page.get_by_role("form", name="Change status")
    status_form.get_by_label("New status").select_option(label="Under review")
    status_form.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("Status changed.")
    expect(page.locator(".post-head .status")).to_have_text("Under review")
    checkpoint(page, "status-changed")

    page.goto(duplicate.get_absolute_url())
    staff_actions(page)
    merge_form = page.get_by_role("form", name="Merge")
    merge_form.get_by_label("Merge into post #").fill(str(post.pk))
    merge_form.get_by_role("button", name="Merge into that post").click()
    expect(page.get_by_role("status")).to_contain_text(f"Merged #{duplicate.pk} into this post.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dark mode for the dashboard")
    checkpoint(page, "merged")

    page.goto(duplicate.get_absolute_url())
    expect(page.get_by_text(f"Merged into #{post.pk}")).to_be_visible()
    checkpoint(page, "duplicate")
    post.refresh_from_db()
    assert (post.status, post.vote_count) == (Status.UNDER_REVIEW, 1)


def test_staff_hide_a_comment_and_its_tombstone_names_the_rule_and_reason(
    open_as, checkpoint, staff, other_customer, post
):
    rules.create_rule(actor=staff, title="Be kind", description="No insults.")
    rude = feedback.add_comment(author=other_customer, post_id=post.pk, body="You are all fools.")
    page = open_as(staff)
    page.goto(post.get_absolute_url())
    comment = page.locator(f"#comment-{rude.pk}")
    comment.locator("summary", has_text="Hide").click()
    comment.get_by_label("Rule it breaks").select_option(label="Be kind")
    comment.get_by_label("Public reason").fill("Insults other customers.")
    comment.get_by_role("button", name="Hide", exact=True).click()
    expect(page.locator(f"#comment-{rude.pk}")).to_contain_text("Insults other customers.")
    checkpoint(page, "hidden")

    visitor = open_as(None)
    visitor.goto(post.get_absolute_url())
    tombstone = visitor.locator(f"#comment-{rude.pk}")
    expect(tombstone).to_contain_text("Be kind")
    expect(tombstone).to_contain_text("Insults other customers.")
    expect(tombstone).not_to_contain_text("fools")
    checkpoint(visitor, "tombstone")


def test_staff_post_an_incident_update_and_the_status_page_shows_it(open_as, checkpoint, staff):
    api = incidents.create_component(actor=staff, name="API")
    incident = incidents.open_incident(
        actor=staff,
        title="Slow API responses",
        impact="minor",
        body="We are looking into slow answers.",
        components=[api.pk],
    )
    page = open_as(staff)
    page.goto(f"/status/incidents/{incident.pk}/")
    page.locator("summary", has_text="Staff: post an update").click()
    page.get_by_label("State").select_option(label="Identified")
    page.get_by_label("What is happening").fill("A missing index; the fix is rolling out.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.get_by_role("main")).to_contain_text("A missing index; the fix is rolling out.")
    checkpoint(page, "updated")

    visitor = open_as(None)
    visitor.goto("/status/")
    expect(visitor.get_by_role("main")).to_contain_text("Slow API responses")
    expect(visitor.get_by_role("main")).to_contain_text("A missing index; the fix is rolling out.")
    checkpoint(visitor, "status-page")


def test_an_outsider_proves_a_statement_is_in_the_signed_ledger(
    open_as, checkpoint, staff, post, monkeypatch, live_server
):
    use_own_signing_key(monkeypatch)
    try:
        feedback.change_status(actor=staff, post_id=post.pk, status="planned", note="June.")
        visitor = open_as(None)
        visitor.goto("/transparency/ledger/")
        expect(visitor.get_by_role("main")).to_contain_text("post.status_changed")
        checkpoint(visitor, "ledger")

        visitor.get_by_role("link", name="prove it by its permalink").click()
        visitor.get_by_label("Permalink").fill(f"{live_server.url}{post.get_absolute_url()}")
        visitor.get_by_role("button", name="Prove it").click()
        expect(visitor.locator("[data-signature=valid]")).to_be_visible()
        expect(visitor.locator("[data-proven=yes]")).to_have_count(1)
        expect(visitor.locator("[data-proven=no]")).to_have_count(0)
        checkpoint(visitor, "proven")
    finally:
        signing.private_key.cache_clear()
