"""The anonymous board is served from a cache, and never shows a state older than
the last write (frankly/feedback/caching.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frankly.accounts.services import update_profile
from frankly.feedback import services
from frankly.transparency import moderation
from frankly.transparency.rules import create_rule
from tests.conftest import make_post, make_user


def anonymous_board(client_for, url="/") -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client_for(None).get(url)
    assert response.status_code == 200
    return response.content, len(ctx.captured_queries)


def test_a_repeated_anonymous_visit_is_served_from_the_cache(client_for, customer):
    make_post(customer, title="Offline mode")
    first, uncached = anonymous_board(client_for)
    second, cached = anonymous_board(client_for)
    assert second == first
    assert b"Offline mode" in second
    assert cached == 1 < uncached  # only the board version is read


def test_each_address_is_cached_on_its_own(client_for, customer):
    make_post(customer, title="Offline mode", kind="idea")
    make_post(customer, title="Crash on login", kind="problem")
    anonymous_board(client_for, "/?kind=idea")
    problems, _ = anonymous_board(client_for, "/?kind=problem")
    assert b"Crash on login" in problems
    assert b"Offline mode" not in problems


def test_signed_in_people_never_get_the_anonymous_page(client_for, customer):
    make_post(customer, title="Offline mode")
    anonymous_board(client_for)
    anonymous_board(client_for)
    page = client_for(customer).get("/").content
    assert b"Log in" not in page
    assert customer.public_name.encode() in page


def _vote(ctx):
    services.add_vote(user=ctx["other"], post_id=ctx["post"].pk)
    return '<span class="vote-count" data-vote-count>2</span>', True


def _withdraw_vote(ctx):
    services.remove_vote(user=ctx["customer"], post_id=ctx["post"].pk)
    return '<span class="vote-count" data-vote-count>0</span>', True


def _comment(ctx):
    services.add_comment(author=ctx["other"], post_id=ctx["post"].pk, body="Me too")
    return "1 comment<", True


def _create_post(ctx):
    make_post(ctx["other"], title="Export to PDF")
    return "Export to PDF", True


def _edit_title(ctx):
    services.edit_post(actor=ctx["customer"], post_id=ctx["post"].pk, title="Dark theme")
    return "Dark theme", True


def _change_status(ctx):
    services.change_status(actor=ctx["staff"], post_id=ctx["post"].pk, status="planned")
    return "Planned</span>", True


def _create_tag(ctx):
    services.create_tag(actor=ctx["staff"], name="Accessibility")
    return "Accessibility", True


def _tag_post(ctx):
    services.create_tag(actor=ctx["staff"], name="Mobile")
    services.edit_post(actor=ctx["staff"], post_id=ctx["post"].pk, tags=["mobile"])
    return 'class="tag" href="/?tag=mobile"', True


def _merge(ctx):
    services.merge_posts(
        actor=ctx["staff"], duplicate_id=ctx["post"].pk, original_id=ctx["other_post"].pk
    )
    return "Dark mode please", False


def _hide(ctx):
    rule = create_rule(actor=ctx["staff"], title="Be kind")
    moderation.hide_content(
        actor=ctx["staff"],
        object_type="post",
        object_id=ctx["post"].pk,
        rule_id=rule.pk,
        reason="Insults",
    )
    return "Dark mode please", False


def _delete_own(ctx):
    moderation.delete_own_content(
        actor=ctx["customer"], object_type="post", object_id=ctx["post"].pk
    )
    return "Dark mode please", False


def _rename_author(ctx):
    update_profile(user=ctx["customer"], display_name="Carol Renamed")
    return "Carol Renamed", True


@pytest.mark.parametrize(
    "write",
    [
        _vote,
        _withdraw_vote,
        _comment,
        _create_post,
        _edit_title,
        _change_status,
        _create_tag,
        _tag_post,
        _merge,
        _hide,
        _delete_own,
        _rename_author,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_no_stale_board_is_served_after_a_write(client_for, customer, staff, write):
    other = make_user(name="Oscar Other")
    post = make_post(customer, title="Dark mode please")
    other_post = make_post(other, title="Night theme")
    services.add_vote(user=customer, post_id=post.pk)
    services.add_vote(user=staff, post_id=other_post.pk)
    before, _ = anonymous_board(client_for)
    _, queries = anonymous_board(client_for)
    assert queries == 1  # the page is cached now
    needle, present = write(
        {
            "customer": customer,
            "other": other,
            "staff": staff,
            "post": post,
            "other_post": other_post,
        }
    )
    assert (needle.encode() in before) is not present  # the write does change the page
    after, _ = anonymous_board(client_for)
    assert (needle.encode() in after) is present


def test_search_results_are_not_stale_either(client_for, customer):
    make_post(customer, title="Offline mode")
    anonymous_board(client_for, "/search/?q=offline")
    make_post(customer, title="Offline sync for tablets")
    page, _ = anonymous_board(client_for, "/search/?q=offline")
    assert b"Offline sync for tablets" in page


def test_a_tag_added_in_the_admin_shows_at_once(client_for, customer, staff):
    make_post(customer, title="Offline mode")
    anonymous_board(client_for)
    response = client_for(staff).post(
        "/admin/feedback/tag/add/", {"name": "Billing", "slug": "billing", "description": ""}
    )
    assert response.status_code == 302
    page, _ = anonymous_board(client_for)
    assert b"Billing" in page
