"""Arabic pages are laid out right to left in a real browser: the header starts at the
right edge, and the CSS uses logical sides, so nothing stays stuck to the left."""

import pytest
from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _header_boxes(page: Page) -> tuple[dict, dict, float]:
    page.goto("/")
    brand = page.locator(".site-header .brand").bounding_box()
    search = page.locator(".site-header .nav-search").bounding_box()
    return brand, search, page.viewport_size["width"]


def test_the_header_mirrors_for_a_right_to_left_language(new_page, post):
    brand, search, width = _header_boxes(new_page(locale="en-US"))
    assert brand["x"] < search["x"]
    assert brand["x"] < width / 4  # left edge in English

    arabic = new_page(locale="ar")
    brand, search, width = _header_boxes(arabic)
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert brand["x"] > search["x"]
    assert brand["x"] + brand["width"] > width * 3 / 4  # right edge in Arabic
    # The account links sit at the inline end: on the left in Arabic.
    account = arabic.locator(".site-header .nav-account").bounding_box()
    assert account["x"] < brand["x"]
