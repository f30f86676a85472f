"""The new-post form suggests similar posts while the title is typed (real browser)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in
from tests.conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_typing_a_title_suggests_the_existing_post_to_vote_on(page: Page, customer, other_customer):
    original = make_post(other_customer, title="Dark mode for the dashboard")
    make_post(other_customer, title="Export invoices as PDF")
    log_in(page, customer)
    page.goto("/posts/new/")
    suggestions = page.locator("#similar-posts")
    expect(suggestions).to_be_empty()
    page.get_by_label("Title").press_sequentially("please add a dark theme", delay=20)
    link = suggestions.get_by_role("link", name="Dark mode for the dashboard")
    expect(link).to_have_attribute("href", f"/posts/{original.pk}/")
    expect(suggestions).not_to_contain_text("Export invoices")
    page.get_by_label("Title").fill("zzzz qqqq")
    expect(suggestions).to_be_empty()
