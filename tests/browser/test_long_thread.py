"""A link to a comment hidden in the middle of a long thread still lands on it."""

import pytest
from playwright.sync_api import expect

from frankly.feedback import queries
from frankly.feedback import services as feedback
from tests.conftest import make_post, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_link_to_a_hidden_comment_opens_the_whole_thread_at_it(new_page, customer, monkeypatch):
    monkeypatch.setattr(queries, "THREAD_HEAD", 2)
    monkeypatch.setattr(queries, "THREAD_TAIL", 2)
    post = make_post(customer)
    author = make_user()
    comments = [
        feedback.add_comment(author=author, post_id=post.pk, body=f"Comment number {n}")
        for n in range(16)
    ]
    hidden = comments[7]
    page = new_page()
    page.goto(hidden.get_absolute_url())
    expect(page.locator(f"#comment-{hidden.pk}")).to_contain_text("Comment number 7")
    assert "comments=all" in page.url and page.url.endswith(f"#comment-{hidden.pk}")
    # Without an anchor the page keeps its gap, and the link shows the rest.
    page.goto(post.get_absolute_url())
    expect(page.locator(f"#comment-{hidden.pk}")).to_have_count(0)
    page.get_by_role("link", name="Show 12 more comments").click()
    expect(page.locator(f"#comment-{hidden.pk}")).to_be_visible()
