"""Staff insight pages: alerts, likely duplicates with one-click merge, watch words;
the new-post form's similar-post hint without JavaScript. Query counts included."""

import pytest
from django.utils import timezone

from frankly.feedback import services as feedback
from frankly.feedback.models import Post
from frankly.insights import backlash
from frankly.insights.models import WatchWord
from tests.conftest import make_post

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/staff/insights/",
    "/staff/insights/alerts/",
    "/staff/insights/duplicates/",
    "/staff/insights/watch-words/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_refuse_customers_and_send_strangers_to_log_in(
    url, client, client_for, customer, staff
):
    assert client.get(url).status_code == 302
    assert client_for(customer).get(url).status_code == 403
    assert client_for(staff).get(url).status_code == 200


def _alert(customer, capture):
    with capture(execute=True):
        angry = [make_post(customer, title=f"Awful, broken, I hate it {n}") for n in range(6)]
    (alert,) = backlash.raise_alerts(timezone.now())
    return alert, angry


def test_an_alert_page_links_its_posts_and_can_be_acknowledged(
    customer, staff, client_for, django_capture_on_commit_callbacks
):
    alert, angry = _alert(customer, django_capture_on_commit_callbacks)
    client = client_for(staff)
    page = client.get(f"/staff/insights/alerts/{alert.pk}/").content.decode()
    for post in angry:
        assert f'href="/posts/{post.pk}/"' in page
    assert "1 open alert" in page
    response = client.post(f"/staff/insights/alerts/{alert.pk}/acknowledge/", follow=True)
    page = response.content.decode()
    assert "Acknowledged by Sam Staff" in page
    assert "open alert" not in page
    assert (
        client_for(customer).post(f"/staff/insights/alerts/{alert.pk}/acknowledge/").status_code
        == 403
    )
    assert client.get("/staff/insights/alerts/999999/").status_code == 404


def test_the_alerts_list_runs_a_fixed_number_of_queries(
    customer, staff, client_for, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _alert(customer, django_capture_on_commit_callbacks)
    client = client_for(staff)
    client.get("/staff/insights/alerts/")
    with django_assert_num_queries(5):
        client.get("/staff/insights/alerts/")


def test_likely_duplicates_are_listed_and_merged_in_one_click(
    customer, other_customer, staff, client_for
):
    original = make_post(customer, title="Dark mode for the dashboard")
    feedback.add_vote(user=other_customer, post_id=original.pk)
    make_post(customer, title="Export invoices as PDF")
    copy = make_post(other_customer, title="Please add a dark theme to the dashboards")
    client = client_for(staff)
    page = client.get("/staff/insights/duplicates/").content.decode()
    assert f"Merge #{copy.pk} into #{original.pk}" in page
    assert "Export invoices" not in page
    response = client.post(
        "/staff/insights/duplicates/merge/",
        {"duplicate": copy.pk, "into": original.pk},
        follow=True,
    )
    assert "Merged" in response.content.decode()
    copy.refresh_from_db()
    assert copy.merged_into_id == original.pk
    assert f"Merge #{copy.pk}" not in client.get("/staff/insights/duplicates/").content.decode()


def test_a_merge_with_bad_input_says_what_is_wrong_and_changes_nothing(customer, staff, client_for):
    post = make_post(customer, title="Dark mode")
    client = client_for(staff)
    response = client.post("/staff/insights/duplicates/merge/", {"duplicate": "x"}, follow=True)
    assert "Choose the duplicate and the post to merge it into." in response.content.decode()
    response = client.post(
        "/staff/insights/duplicates/merge/", {"duplicate": post.pk, "into": post.pk}, follow=True
    )
    assert "cannot be merged into itself" in response.content.decode()
    assert not Post.objects.filter(merged_into__isnull=False).exists()
    refused = client_for(customer).post(
        "/staff/insights/duplicates/merge/", {"duplicate": post.pk, "into": post.pk}
    )
    assert refused.status_code == 403


def test_the_duplicates_page_query_count_grows_only_with_the_posts_it_checks(
    customer, staff, client_for, django_assert_num_queries
):
    for title in ("Dark mode for the dashboard", "Dark theme for dashboards", "Export PDF"):
        make_post(customer, title=title)
    client = client_for(staff)
    client.get("/staff/insights/duplicates/")
    # Session, user, unread count, alert count, recent posts; then per post at most two
    # searches (posts sharing two words; few here, so also any word) and their rows.
    with django_assert_num_queries(5 + 3 * 3):
        client.get("/staff/insights/duplicates/")


def test_watch_words_count_and_list_whole_word_mentions(
    customer, other_customer, staff, client_for
):
    jira = make_post(customer, title="Import from Jira", body="We move from JIRA next month.")
    make_post(customer, title="Jirafe is not a word we watch")
    post = make_post(customer, title="Roadmap view")
    feedback.add_comment(author=other_customer, post_id=post.pk, body="Like Jira's roadmap")
    client = client_for(staff)
    response = client.post(
        "/staff/insights/watch-words/", {"word": "jira", "kind": "competitor"}, follow=True
    )
    assert "Watching that word now." in response.content.decode()
    word = WatchWord.objects.get()
    page = client.get("/staff/insights/watch-words/").content.decode()
    assert f'href="/staff/insights/watch-words/{word.pk}/"' in page
    assert "<td>1</td><td>1</td><td>1</td><td>1</td>" in page
    detail = client.get(f"/staff/insights/watch-words/{word.pk}/").content.decode()
    assert jira.title in detail and "Jirafe" not in detail and "Roadmap view" in detail


def test_watch_words_refuse_empty_and_duplicate_words(staff, client_for):
    client = client_for(staff)
    page = client.post("/staff/insights/watch-words/", {"word": "  "}, follow=True).content.decode()
    assert "The word is empty." in page
    client.post("/staff/insights/watch-words/", {"word": "Linear"})
    page = client.post(
        "/staff/insights/watch-words/", {"word": "LINEAR"}, follow=True
    ).content.decode()
    assert "is watched already" in page
    page = client.post(
        "/staff/insights/watch-words/", {"word": "X", "kind": "nope"}, follow=True
    ).content.decode()
    assert "is not a kind" in page
    assert WatchWord.objects.count() == 1


def test_watch_words_can_be_removed(staff, client_for, customer):
    client = client_for(staff)
    client.post("/staff/insights/watch-words/", {"word": "Linear"})
    word = WatchWord.objects.get()
    assert (
        client_for(customer).post(f"/staff/insights/watch-words/{word.pk}/remove/").status_code
        == 403
    )
    client.post(f"/staff/insights/watch-words/{word.pk}/remove/")
    assert not WatchWord.objects.exists()


def test_the_watch_words_page_counts_in_a_fixed_number_of_queries(
    staff, client_for, customer, django_assert_num_queries
):
    client = client_for(staff)
    for w in ("Jira", "Linear"):
        client.post("/staff/insights/watch-words/", {"word": w})
    client.get("/staff/insights/watch-words/")
    # Session, user, unread count, alert count, the words, post counts, comment counts.
    with django_assert_num_queries(7):
        client.get("/staff/insights/watch-words/")
    client.post("/staff/insights/watch-words/", {"word": "Asana"})
    with django_assert_num_queries(7):
        client.get("/staff/insights/watch-words/")


def test_the_new_post_form_shows_similar_posts_without_javascript(customer, client_for):
    dark = make_post(customer, title="Dark mode for the dashboard")
    client = client_for(customer)
    page = client.get("/posts/new/?title=dark theme please").content.decode()
    assert f'href="/posts/{dark.pk}/"' in page
    assert "vote for it instead" in page
    assert 'src="/static/insights/similar.js"' in page
    empty = client.get("/posts/new/").content.decode()
    assert "vote for it instead" not in empty
    # The form still posts as before.
    response = client.post("/posts/new/", {"kind": "idea", "title": "Dark theme", "body": ""})
    assert response.status_code == 302


def test_admin_lists_insights_for_staff(
    admin, client_for, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(customer, title="Awful")
    client = client_for(admin)
    for path in (
        "/admin/insights/alert/",
        "/admin/insights/sentiment/",
        "/admin/insights/watchword/",
    ):
        assert client.get(path).status_code == 200, path


def test_an_alert_page_reads_in_a_fixed_number_of_queries(
    customer,
    other_customer,
    staff,
    client_for,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    alert, angry = _alert(customer, django_capture_on_commit_callbacks)
    for post in angry[:3]:
        comment = feedback.add_comment(author=other_customer, post_id=post.pk, body="Awful")
        alert.comments.add(comment)
    client = client_for(staff)
    client.get(f"/staff/insights/alerts/{alert.pk}/")
    # Session, user, unread count, alert count, the alert, its posts, its comments
    # with their posts.
    with django_assert_num_queries(8):
        client.get(f"/staff/insights/alerts/{alert.pk}/")


def test_a_watch_word_page_reads_in_a_fixed_number_of_queries(
    customer, other_customer, staff, client_for, django_assert_num_queries
):
    client = client_for(staff)
    client.post("/staff/insights/watch-words/", {"word": "Jira"})
    word = WatchWord.objects.get()
    for n in range(3):
        post = make_post(customer, title=f"Jira import {n}")
        feedback.add_comment(author=other_customer, post_id=post.pk, body="Jira please")
    client.get(f"/staff/insights/watch-words/{word.pk}/")
    # Session, user, unread count, alert count, the word, posts, comments.
    with django_assert_num_queries(7):
        client.get(f"/staff/insights/watch-words/{word.pk}/")
