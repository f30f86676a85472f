"""Journeys through a real browser: sign up, post, vote (with and without JS), staff
answers, and hostile Markdown that must never run."""

import re

import pytest
from playwright.sync_api import Page, expect

from frankly.accounts.models import User
from frankly.feedback import services as feedback
from frankly.feedback.models import Kind, Post, Status, Vote
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # Static files come from the finders here, so WhiteNoise's empty STATIC_ROOT is expected.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[click](javascript:window.__xss=1)",
    '<svg onload="window.__xss=1">',
    '<a href="javascript:window.__xss=1">raw link</a>',
    # markdown-it turns this into a link; the tab must not smuggle in a javascript: URL.
    "[tab](jav&#x09;ascript:window.__xss=1)",
]


def log_in(page: Page, user: User, *, password: str = PASSWORD) -> None:
    """Log in through the real allauth form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email:").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.display_name)


def vote_button(page: Page):
    return page.locator("form[data-vote] button")


def vote_count(page: Page):
    return page.locator("form[data-vote] [data-vote-count]")


def test_a_new_visitor_signs_up_posts_an_idea_and_votes_without_a_reload(page: Page):
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    with page.expect_response(re.compile(r"/static/frankly/frankly\.js$")) as script:
        page.goto("/")
    assert script.value.ok, f"frankly.js answered {script.value.status}"

    page.get_by_role("link", name="Sign up", exact=True).click()
    page.get_by_label("Email:").fill("nina@example.com")
    page.get_by_label("Display name:").fill("Nina Newcomer")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Nina Newcomer")

    page.get_by_role("link", name="New post").click()
    page.get_by_role("radio", name="Idea").check()
    page.get_by_label("Title", exact=True).fill("Export my invoices as CSV")
    page.get_by_label("Details", exact=True).fill("Our accountant wants **one file** a month.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export my invoices as CSV")
    expect(page.locator(".post-body strong")).to_have_text("one file")

    post = Post.objects.get(title="Export my invoices as CSV")
    nina = User.objects.get(email="nina@example.com")
    assert (post.kind, post.author, nina.display_name) == (Kind.IDEA, nina, "Nina Newcomer")

    expect(vote_count(page)).to_have_text("0")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")
    # A full page load would wipe this marker; it survives only if the vote went by fetch.
    page.evaluate("window.__marker = 1")

    vote_button(page).click()
    expect(vote_count(page)).to_have_text("1")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__marker") == 1, "voting reloaded the page"
    assert Vote.objects.filter(post=post, user=nina).count() == 1

    vote_button(page).click()
    expect(vote_count(page)).to_have_text("0")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__marker") == 1, "withdrawing the vote reloaded the page"
    assert Vote.objects.filter(post=post).count() == 0

    page.reload()
    expect(vote_count(page)).to_have_text("0")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "false")
    # Vote once more so the reload proves a non-zero count comes back from the database.
    vote_button(page).click()
    expect(vote_count(page)).to_have_text("1")
    page.reload()
    assert page.evaluate("window.__marker") is None
    expect(vote_count(page)).to_have_text("1")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.filter(post=post, user=nina).count() == 1
    assert script_errors == []


def test_a_customer_without_javascript_still_votes_by_posting_the_form(
    new_page, other_customer, post
):
    page = new_page(java_script_enabled=False)
    log_in(page, other_customer)
    page.goto(post.get_absolute_url())
    expect(vote_count(page)).to_have_text("0")

    with page.expect_navigation() as navigation:
        vote_button(page).click()

    assert navigation.value.url.endswith(post.get_absolute_url())
    expect(vote_count(page)).to_have_text("1")
    expect(vote_button(page)).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.filter(post=post, user=other_customer).count() == 1


def test_staff_plan_a_post_and_publish_an_official_response(page: Page, staff, post):
    log_in(page, staff)
    page.goto(post.get_absolute_url())
    status_badge = page.locator(".post-head .status")
    expect(status_badge).to_have_text("Open")
    expect(page.get_by_role("region", name="Official response")).to_have_count(0)

    page.get_by_text("Staff actions").click()
    status_form = page.get_by_role("form", name="Change status")
    status_form.get_by_label("New status").select_option(label="Planned")
    status_form.get_by_label("Public note (optional)").fill("We start on this in June.")
    status_form.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("Status changed.")
    expect(status_badge).to_have_text("Planned")

    page.get_by_text("Staff actions").click()
    response_form = page.get_by_role("form", name="Official response")
    response_form.get_by_label("Official response").fill("Dark mode ships with **2.4**.")
    response_form.get_by_role("button", name="Publish the response").click()
    expect(page.get_by_role("status")).to_contain_text("Official response published.")

    official = page.get_by_role("region", name="Official response")
    expect(official).to_contain_text("Dark mode ships with 2.4.")
    expect(official.locator("strong")).to_have_text("2.4")
    expect(official).to_contain_text(staff.display_name)
    expect(status_badge).to_have_text("Planned")
    expect(page.get_by_role("region", name="Status history")).to_contain_text(
        "We start on this in June."
    )
    post.refresh_from_db()
    assert post.status == Status.PLANNED
    assert post.official_response.author == staff


def test_hostile_markdown_in_a_post_and_its_comments_never_runs(page: Page, customer):
    hostile = "\n\n".join(XSS_PAYLOADS)
    title = '<img src=x onerror="window.__xss=1"> Hello'
    post = feedback.create_post(author=customer, kind=Kind.IDEA, title=title, body=hostile)
    feedback.add_comment(author=customer, post_id=post.pk, body=hostile)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert page.evaluate("typeof window.__xss") == "undefined"

    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    body = page.locator(".post-body")
    for payload in ("<script>window.__xss=1</script>", '<svg onload="window.__xss=1">'):
        expect(body).to_contain_text(payload)  # shown as text, not parsed as HTML
    expect(page.locator("body script, [onerror], [onload]")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"

    links = page.locator(".post-body a, .comment .prose a")
    protocols = links.evaluate_all("anchors => anchors.map(a => a.protocol)")
    assert set(protocols) <= {"http:", "https:", "mailto:"}, protocols

    tab_link = body.get_by_role("link", name="tab")
    if tab_link.count():
        tab_link.click()
        page.wait_for_load_state()
        assert page.url.startswith("http"), page.url
        assert page.evaluate("typeof window.__xss") == "undefined"
        page.go_back()
    assert dialogs == []
