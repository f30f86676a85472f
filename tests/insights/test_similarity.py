"""Duplicate suggestions: a reworded duplicate in a seeded set is found; noise is not."""

import pytest

from frankly.feedback import services
from frankly.insights.similarity import similar_posts, trigram_cosine
from tests.conftest import make_post

SEEDED = [
    "Dark mode for the dashboard",
    "Export invoices as PDF",
    "Single sign-on with Okta",
    "Mobile app crashes on login",
    "Keyboard shortcuts for the editor",
    "Slack notifications when a ticket is updated",
    "Two-factor authentication with hardware keys",
    "Bulk edit tags on many tickets",
    "Weekly email summary of activity",
    "API rate limits are too low",
    "Footer is missing on mobile",
    "Share links to dashboards",
]


@pytest.fixture
def seeded(customer):
    return {title: make_post(customer, title=title) for title in SEEDED}


def test_trigram_cosine_is_one_for_the_same_title_and_zero_for_nothing_shared():
    assert trigram_cosine("Dark mode", "dark mode") == pytest.approx(1.0)
    assert trigram_cosine("Dark mode", "Export invoices") == 0.0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Please add a dark theme to the dashboards", "Dark mode for the dashboard"),
        ("export my invoice to pdf", "Export invoices as PDF"),
        ("The mobile app keeps crashing when I log in", "Mobile app crashes on login"),
        ("SSO via Okta", "Single sign-on with Okta"),
        ("raise the api rate limit", "API rate limits are too low"),
    ],
)
def test_a_reworded_duplicate_is_the_first_suggestion(seeded, typed, expected):
    suggestions = similar_posts(typed)
    assert suggestions, f"nothing suggested for {typed!r}"
    assert suggestions[0].post.title == expected


def test_an_unrelated_title_gets_no_suggestions(seeded):
    # It shares "footer" with one post and "links" with another: not enough.
    assert similar_posts("Change the colour of the footer links") == []


def test_at_most_five_are_suggested(customer):
    for n in range(8):
        make_post(customer, title=f"Dark mode variant {n}")
    assert len(similar_posts("dark mode")) == 5


def test_merged_hidden_and_excluded_posts_are_not_suggested(seeded, staff, customer):
    copy = make_post(customer, title="Dark mode on the dashboard please")
    services.merge_posts(
        actor=staff, duplicate_id=copy.pk, original_id=seeded["Dark mode for the dashboard"].pk
    )
    original = seeded["Dark mode for the dashboard"]
    titles = [s.post.title for s in similar_posts("dark mode dashboard")]
    assert copy.title not in titles
    assert original.title in titles
    excluded = similar_posts("dark mode dashboard", exclude_id=original.pk)
    assert original.title not in [s.post.title for s in excluded]


def test_words_that_are_not_words_give_nothing(seeded):
    assert similar_posts("") == []
    assert similar_posts("the and of") == []
    assert similar_posts('"*) OR NEAR(') == []
