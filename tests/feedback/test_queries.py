"""Board lists: sorting, filters, search on both databases, keyset pagination."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from frankly.errors import Invalid
from frankly.feedback import queries, services
from frankly.feedback.models import Post
from tests.conftest import make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def titles(page):
    return [p.title for p in page.items]


def test_sorts_by_top_new_and_recently_updated(customer, other_customer):
    a = make_post(customer, title="Alpha")
    b = make_post(customer, title="Bravo")
    c = make_post(customer, title="Charlie")
    services.add_vote(user=other_customer, post_id=b.pk)
    services.add_vote(user=customer, post_id=b.pk)
    services.add_vote(user=other_customer, post_id=a.pk)
    assert titles(queries.list_posts(sort="top")) == ["Bravo", "Alpha", "Charlie"]
    assert titles(queries.list_posts(sort="new")) == ["Charlie", "Bravo", "Alpha"]
    services.add_comment(author=other_customer, post_id=a.pk, body="bump")
    assert titles(queries.list_posts(sort="updated"))[0] == "Alpha"
    assert c.pk  # listed, never lost


def test_trending_prefers_recent_votes_over_old_popularity(customer):
    old = make_post(customer, title="Old favourite")
    new = make_post(customer, title="New and hot")
    long_ago = timezone.now() - timedelta(days=90)
    Post.objects.filter(pk=old.pk).update(created_at=long_ago)
    from frankly.feedback import trending

    old_votes = [long_ago + timedelta(hours=i) for i in range(20)]
    Post.objects.filter(pk=old.pk).update(
        vote_count=20, trending=trending.from_scratch(long_ago, old_votes)
    )
    for _ in range(3):
        services.add_vote(user=make_user(), post_id=new.pk)
    assert titles(queries.list_posts(sort="trending")) == ["New and hot", "Old favourite"]
    assert titles(queries.list_posts(sort="top")) == ["Old favourite", "New and hot"]


def test_filters_by_kind_status_tag_and_mine(customer, other_customer, staff):
    make_tag("Billing")
    idea = make_post(customer, title="Invoices as PDF", tags=["billing"])
    problem = make_post(other_customer, title="Login loops", kind="problem")
    services.change_status(actor=staff, post_id=problem.pk, status="under_review")
    assert titles(queries.list_posts(kind="problem")) == ["Login loops"]
    assert titles(queries.list_posts(status="under_review")) == ["Login loops"]
    assert titles(queries.list_posts(tag="billing")) == ["Invoices as PDF"]
    assert titles(queries.list_posts(viewer=customer, mine=True)) == [idea.title]


def test_merged_posts_leave_the_list(customer, staff):
    original, duplicate = make_post(customer, title="Keep"), make_post(customer, title="Dupe")
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)
    assert titles(queries.list_posts()) == ["Keep"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "loudest"},
        {"kind": "rant"},
        {"status": "shipped"},
        {"limit": 0},
        {"limit": 1000},
        {"cursor": "not-a-cursor"},
        {"cursor": "W10"},
        {"sort": "relevance"},
    ],
)
def test_bad_list_parameters_say_what_is_wrong(params):
    with pytest.raises(Invalid) as error:
        queries.list_posts(**params)
    assert error.value.message


def test_search_finds_words_in_title_and_body_and_ranks_title_first(customer):
    make_post(customer, title="Export invoices to CSV", body="For our accountant.")
    make_post(customer, title="Dark mode", body="Also CSV export of the audit log would help.")
    make_post(customer, title="Faster dashboard", body="It is slow.")
    found = titles(queries.list_posts(q="csv export"))
    assert found == ["Export invoices to CSV", "Dark mode"]
    assert titles(queries.list_posts(q="exporting")) != []  # stemming
    assert titles(queries.list_posts(q="zebra")) == []


def test_search_treats_operators_and_quotes_as_plain_words(customer):
    make_post(customer, title='Support "quoted" AND NEAR words', body="OR NOT *")
    for q in ['"quoted', "AND", "NEAR(", "* OR", "'); DROP TABLE feedback_post; --", "^", "-"]:
        queries.list_posts(q=q)  # must not raise a database error
    assert titles(queries.list_posts(q='"quoted" AND')) == ['Support "quoted" AND NEAR words']
    assert Post.objects.count() == 1


def test_search_results_follow_edits(customer):
    post = make_post(customer, title="Webhooks for invoices")
    services.edit_post(actor=customer, post_id=post.pk, title="Signed webhooks")
    assert titles(queries.list_posts(q="invoices")) == []
    assert titles(queries.list_posts(q="signed")) == ["Signed webhooks"]


@pytest.mark.parametrize("sort", ["trending", "top", "new", "updated"])
def test_keyset_pages_visit_every_post_once_even_while_posts_arrive(customer, sort):
    posts = [make_post(customer, title=f"Post {i:02d}") for i in range(23)]
    voters = [make_user() for _ in range(3)]
    for i, p in enumerate(posts):
        for v in voters[: i % 4]:
            services.add_vote(user=v, post_id=p.pk)
    seen, cursor = [], None
    while True:
        page = queries.list_posts(sort=sort, cursor=cursor, limit=5)
        seen += [p.pk for p in page.items]
        if len(seen) == 10:
            make_post(customer, title="Arrived while paging")
        if not page.next:
            break
        cursor = page.next
    original = {p.pk for p in posts}
    assert len(seen) == len(set(seen))
    assert original <= set(seen)


def test_search_paginates_by_relevance(customer):
    for i in range(7):
        make_post(customer, title=f"Calendar sync {i}", body="calendar " * i)
    seen, cursor = [], None
    while True:
        page = queries.list_posts(q="calendar", cursor=cursor, limit=3)
        seen += [p.pk for p in page.items]
        if not page.next:
            break
        cursor = page.next
    assert len(seen) == len(set(seen)) == 7


def test_has_voted_is_annotated_for_the_viewer(customer, other_customer):
    post = make_post(customer)
    services.add_vote(user=other_customer, post_id=post.pk)
    assert queries.list_posts(viewer=other_customer).items[0].has_voted is True
    assert queries.list_posts(viewer=customer).items[0].has_voted is False


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the window applies to SQLite's FTS5")
def test_search_ranks_only_the_newest_matches_when_a_window_is_set(customer, settings):
    best = make_post(customer, title="Invoice invoice invoice", body="invoice")
    newer = [make_post(customer, title=f"Export {n}", body="and an invoice") for n in range(2)]
    settings.FRANKLY_SEARCH_WINDOW = 0  # rank every match
    assert titles(queries.list_posts(q="invoice"))[0] == best.title
    settings.FRANKLY_SEARCH_WINDOW = 2  # rank the newest two matches only
    assert sorted(titles(queries.list_posts(q="invoice"))) == sorted(p.title for p in newer)
    # A post that matches nothing does not count towards the window.
    make_post(customer, title="Dark mode", body="nothing to do with it")
    assert len(queries.list_posts(q="invoice").items) == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the window applies to SQLite's FTS5")
def test_similar_titles_look_at_the_newest_matches_when_a_window_is_set(customer, settings):
    from frankly.insights.similarity import similar_posts

    old = make_post(customer, title="Export invoices to CSV")
    for n in range(3):
        make_post(customer, title=f"Export reports {n}")
    settings.FRANKLY_SEARCH_WINDOW = 0
    assert old.pk in [s.post.pk for s in similar_posts("Export invoices to CSV files")]
    settings.FRANKLY_SEARCH_WINDOW = 3
    assert old.pk not in [s.post.pk for s in similar_posts("Export invoices to CSV files")]


def test_pages_walk_every_post_once_when_many_share_the_first_sort_key(customer):
    """The keyset condition is led by a range on the first key (for the index); rows
    that tie on it must still come in id order, none lost or repeated at a page end."""
    posts = [make_post(customer, title=f"Tied {n}") for n in range(7)]
    Post.objects.filter(pk__in=[p.pk for p in posts[:5]]).update(vote_count=3)
    seen, cursor = [], None
    while True:
        page = queries.list_posts(sort="top", cursor=cursor, limit=2)
        seen += [p.pk for p in page.items]
        if not page.next:
            break
        cursor = page.next
    tied = sorted((p.pk for p in posts[:5]), reverse=True)
    rest = sorted((p.pk for p in posts[5:]), reverse=True)
    assert seen == tied + rest
