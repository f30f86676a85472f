"""The JSON API of the feedback board, through the real HTTP stack and database.

Every error is a 4xx with a human ``detail``, never a 500, and bad input never
changes stored data: each error case compares a snapshot of the tables before and
after the request.
"""

import base64
import json
from datetime import datetime, timedelta

import pytest
from django.test import Client

from frankly.accounts.models import User
from frankly.accounts.services import create_api_token, revoke_api_token
from frankly.feedback import services
from frankly.feedback.models import (
    Comment,
    Follow,
    OfficialResponse,
    Post,
    StatusChange,
    Tag,
    Vote,
)
from tests.conftest import make_post, make_tag, make_user

POST_FIELDS = {
    "id", "url", "kind", "title", "body", "body_html", "status", "tags", "author",
    "is_waiting_for_review",
    "vote_count", "comment_count", "has_voted", "created_at", "edited_at",
    "last_activity_at", "merged_into", "accepted_comment", "is_locked", "lock_reason",
    "tombstone",
}  # fmt: skip
POST_DETAIL_FIELDS = POST_FIELDS | {"is_following", "official_response"}
COMMENT_FIELDS = {
    "id", "post", "parent", "author", "body", "body_html", "created_at", "edited_at",
    "is_accepted_answer", "tombstone",
}  # fmt: skip
MOVING_TIMES = {"created_at", "last_activity_at"}  # compared separately, to the millisecond
NOT_FOUND_IDS = ["987654321", "99999999999999999999", "0", "-1"]


# Helpers


def send(method: str, path: str, data=None, *, token: str | None = None, client=None):
    """One request to /api/v1 with an optional Bearer token and JSON (or raw) body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs = {"headers": headers}
    if data is not None:
        kwargs["data"] = data if isinstance(data, (str, bytes)) else json.dumps(data)
        kwargs["content_type"] = "application/json"
    return getattr(client or Client(), method)(f"/api/v1{path}", **kwargs)


def token_for(user: User) -> str:
    return create_api_token(user=user, name="test")[1]


def error_detail(response, status: int) -> str:
    """Assert the response is a JSON error with this status; return its detail."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10, detail
    return detail


def stored_state() -> dict:
    """Everything an API call could change, in a comparable form."""
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "post_tags": sorted(Post.tags.through.objects.values_list("post_id", "tag_id")),
        "comments": list(Comment.objects.order_by("pk").values()),
        "votes": sorted(Vote.objects.values_list("user_id", "post_id", "merged_from_id")),
        "follows": sorted(Follow.objects.values_list("user_id", "post_id")),
        "status_changes": list(StatusChange.objects.order_by("pk").values()),
        "responses": list(OfficialResponse.objects.order_by("pk").values()),
        "tags": list(Tag.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "is_staff", "is_active")),
    }


def iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def close_in_time(api_value: str, stored: datetime) -> bool:
    # The API writes times with millisecond precision.
    return abs(iso(api_value) - stored) < timedelta(milliseconds=1)


def cursor_of(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def billing(db):
    return make_tag("Billing")


@pytest.fixture
def mobile(db):
    return make_tag("Mobile app")


@pytest.fixture
def board(customer, other_customer, staff, billing):
    """A small board: a post with a tag, a vote, comments, and a second post."""
    post = make_post(
        customer, title="Dark mode for the dashboard", body="My **eyes** hurt.", tags=["billing"]
    )
    services.add_vote(user=other_customer, post_id=post.pk)
    services.add_comment(author=other_customer, post_id=post.pk, body="Same here")
    second = make_post(other_customer, title="Export invoices as CSV", kind="problem")
    return {"post": post, "second": second}


# GET /posts


def test_listing_posts_returns_items_with_exactly_the_documented_fields(board, api_client):
    response = api_client(None).get("/posts?sort=new")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "next"}
    assert body["next"] is None
    assert [p["id"] for p in body["items"]] == [board["second"].pk, board["post"].pk]
    item = body["items"][1]
    assert set(item) == POST_FIELDS
    post = Post.objects.get(pk=board["post"].pk)
    assert {k: v for k, v in item.items() if k not in MOVING_TIMES} == {
        "id": post.pk,
        "url": f"/posts/{post.pk}/",
        "kind": "idea",
        "title": "Dark mode for the dashboard",
        "body": "My **eyes** hurt.",
        "body_html": "<p>My <strong>eyes</strong> hurt.</p>\n",
        "status": "open",
        "tags": ["billing"],
        "author": {"id": post.author_id, "name": "Carol Customer", "is_staff": False},
        "vote_count": 1,
        "comment_count": 1,
        "has_voted": False,
        "edited_at": None,
        "merged_into": None,
        "accepted_comment": None,
        "is_locked": False,
        "lock_reason": "",
        "tombstone": None,
        "is_waiting_for_review": False,
    }
    assert close_in_time(item["created_at"], post.created_at)
    assert close_in_time(item["last_activity_at"], post.last_activity_at)


def test_listing_shows_whether_the_caller_voted(board, other_customer, customer, api_client):
    items = api_client(other_customer).get("/posts?sort=new").json()["items"]
    assert {p["id"]: p["has_voted"] for p in items} == {
        board["post"].pk: True,
        board["second"].pk: False,
    }
    assert not any(p["has_voted"] for p in api_client(customer).get("/posts").json()["items"])


def test_sorting_by_top_puts_the_most_voted_first(customer, api_client):
    quiet, loud, middling = (make_post(customer) for _ in range(3))
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        services.add_vote(user=voter, post_id=loud.pk)
    services.add_vote(user=voters[0], post_id=middling.pk)
    items = api_client(None).get("/posts?sort=top").json()["items"]
    assert [(p["id"], p["vote_count"]) for p in items] == [
        (loud.pk, 3),
        (middling.pk, 1),
        (quiet.pk, 0),
    ]


def test_sorting_by_updated_puts_recent_activity_first(customer, other_customer, api_client):
    old, new = make_post(customer), make_post(customer)
    services.add_comment(author=other_customer, post_id=old.pk, body="Bump")
    items = api_client(None).get("/posts?sort=updated").json()["items"]
    assert [p["id"] for p in items] == [old.pk, new.pk]


def test_trending_is_the_default_sort(customer, other_customer, api_client):
    older, newer = make_post(customer), make_post(customer)
    services.add_vote(user=other_customer, post_id=older.pk)
    services.add_vote(user=customer, post_id=older.pk)
    default = [p["id"] for p in api_client(None).get("/posts").json()["items"]]
    trending = [p["id"] for p in api_client(None).get("/posts?sort=trending").json()["items"]]
    assert default == trending == [older.pk, newer.pk]


def test_filtering_by_kind_status_and_tag(customer, staff, billing, mobile, api_client):
    idea = make_post(customer, kind="idea", tags=["billing"])
    problem = make_post(customer, kind="problem", tags=["mobile-app"])
    question = make_post(customer, kind="question")
    services.change_status(actor=staff, post_id=problem.pk, status="planned")
    client = api_client(None)

    def ids(query: str) -> set[int]:
        response = client.get(f"/posts?{query}")
        assert response.status_code == 200, response.content
        return {p["id"] for p in response.json()["items"]}

    assert ids("kind=problem") == {problem.pk}
    assert ids("kind=question") == {question.pk}
    assert ids("status=planned") == {problem.pk}
    assert ids("status=open") == {idea.pk, question.pk}
    assert ids("tag=billing") == {idea.pk}
    assert ids("tag=mobile-app&kind=problem") == {problem.pk}
    assert ids("tag=mobile-app&kind=idea") == set()
    assert ids("tag=no-such-tag") == set()


def test_searching_finds_posts_by_words_in_title_or_body(customer, api_client):
    invoices = make_post(customer, title="Export invoices", body="As CSV please")
    make_post(customer, title="Dark mode", body="For the night")
    client = api_client(None)
    for query in ("invoices", "csv", "Export CSV"):
        response = client.get("/posts", data={"q": query})
        assert [p["id"] for p in response.json()["items"]] == [invoices.pk], query
    by_date = client.get("/posts", data={"q": "invoices", "sort": "new"}).json()["items"]
    assert [p["id"] for p in by_date] == [invoices.pk]
    assert client.get("/posts", data={"q": "nothing-matches-this"}).json()["items"] == []


def test_mine_lists_only_the_callers_posts(customer, other_customer, api_client):
    mine = make_post(customer)
    make_post(other_customer)
    items = api_client(customer).get("/posts?mine=true").json()["items"]
    assert [p["id"] for p in items] == [mine.pk]
    detail = error_detail(api_client(None).get("/posts?mine=true"), 422)
    assert "Sign in" in detail


def test_merged_posts_are_left_out_of_the_list(customer, staff, api_client):
    original, duplicate = make_post(customer), make_post(customer)
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)
    items = api_client(None).get("/posts?sort=new").json()["items"]
    assert [p["id"] for p in items] == [original.pk]


@pytest.mark.parametrize(
    "query, words",
    [
        ("sort=bogus", "not a way to sort"),
        ("sort=relevance", "not a way to sort"),
        ("kind=rant", "not a kind"),
        ("status=closed", "not a status"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-5", "limit"),
        ("limit=abc", "limit"),
        ("limit=99999999999999999999", "limit"),
        ("mine=perhaps", "mine"),
        ("cursor=" + "A" * 600, "cursor"),
        ("q=" + "x" * 501, "q"),
    ],
)
def test_listing_rejects_bad_parameters_with_a_detail(query, words, board, api_client):
    before = stored_state()
    detail = error_detail(api_client(None).get(f"/posts?{query}"), 422)
    assert words in detail
    assert stored_state() == before


# Cursor pagination


@pytest.fixture
def many_posts(customer):
    voters = [make_user() for _ in range(3)]
    posts = []
    for i in range(25):
        post = make_post(customer, title=f"Post number {i}")
        for voter in voters[: i % 4]:
            services.add_vote(user=voter, post_id=post.pk)
        posts.append(post)
    return posts


def page_through(client, query: str, *, limit: int = 10, between=None) -> list[int]:
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit, **dict(p.split("=") for p in query.split("&") if p)}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/posts", data=params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        seen += [p["id"] for p in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return seen
        assert len(body["items"]) == limit
        if between:
            between(pages)
        assert pages < 20, "pagination does not end"


@pytest.mark.parametrize("sort", ["new", "top", "trending", "updated"])
def test_paging_through_the_list_gives_every_post_exactly_once(sort, many_posts, api_client):
    seen = page_through(api_client(None), f"sort={sort}")
    assert len(seen) == 25
    assert sorted(seen) == sorted(p.pk for p in many_posts)


def test_paging_follows_next_to_the_end_with_three_pages(many_posts, api_client):
    client = api_client(None)
    first = client.get("/posts?sort=new&limit=10").json()
    second = client.get("/posts", data={"sort": "new", "limit": 10, "cursor": first["next"]})
    third = client.get(
        "/posts", data={"sort": "new", "limit": 10, "cursor": second.json()["next"]}
    ).json()
    newest_first = [p.pk for p in reversed(many_posts)]
    assert [p["id"] for p in first["items"]] == newest_first[:10]
    assert [p["id"] for p in second.json()["items"]] == newest_first[10:20]
    assert [p["id"] for p in third["items"]] == newest_first[20:]
    assert third["next"] is None


@pytest.mark.parametrize("sort", ["new", "top"])
def test_pages_stay_stable_when_a_post_is_created_between_requests(
    sort, many_posts, other_customer, api_client
):
    created = []

    def add_post(page_number):
        created.append(make_post(other_customer, title=f"Arrived after page {page_number}").pk)

    seen = page_through(api_client(None), f"sort={sort}", between=add_post)
    assert len(created) == 2
    originals = [pk for pk in seen if pk not in created]
    assert sorted(originals) == sorted(p.pk for p in many_posts)
    assert len(seen) == len(set(seen)), "a post was listed twice"


def test_comments_page_through_oldest_first(post, other_customer, api_client):
    comments = [
        services.add_comment(author=other_customer, post_id=post.pk, body=f"Comment {i}").pk
        for i in range(7)
    ]
    client = api_client(None)
    seen, cursor = [], None
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        body = client.get(f"/posts/{post.pk}/comments{query}").json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == comments


BAD_CURSORS = [
    "!!!",
    "zzz",
    "bm90IGpzb24",  # "not json"
    cursor_of({"a": 1}),
    cursor_of([1]),
    cursor_of([1, 2, 3]),
    cursor_of([True, 1]),
    cursor_of([None, 1]),
    cursor_of([[1], 1]),
    cursor_of([{"t": "yesterday"}, 1]),
    cursor_of([{"t": 5}, 1]),
    cursor_of([{"x": "2025-01-01T00:00:00+00:00"}, 1]),
    cursor_of(["text", "text"]),
    cursor_of([{"t": "2025-01-01T00:00:00"}, 1]),  # naive time
    cursor_of([{"t": "0001-01-01T00:00:00+14:00"}, 1]),  # before year 1 in UTC
    cursor_of([{"t": "2025-01-01T00:00:00+00:00"}, 1.5]),
    cursor_of([{"t": "2025-01-01T00:00:00+00:00"}, 99999999999999999999]),
    base64.urlsafe_b64encode(b"[NaN, 1]").decode(),
    base64.urlsafe_b64encode(b"[" * 300).decode(),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_an_invalid_cursor_gets_422_with_a_detail(cursor, board, api_client):
    before = stored_state()
    for path in ("/posts?sort=new", f"/posts/{board['post'].pk}/comments?limit=5"):
        response = api_client(None).get(path, data={"cursor": cursor})
        assert "cursor" in error_detail(response, 422)
        assert response.json()["field"] == "cursor"
    assert stored_state() == before


@pytest.mark.parametrize("sort", ["top", "trending"])
def test_a_cursor_from_another_sort_gets_422_not_an_error(sort, many_posts, api_client):
    client = api_client(None)
    cursor_for_new = client.get("/posts?sort=new&limit=5").json()["next"]
    response = client.get("/posts", data={"sort": sort, "cursor": cursor_for_new})
    assert "cursor" in error_detail(response, 422)


# POST /posts


def test_creating_a_post_returns_201_with_the_full_post(customer, billing, api_client):
    response = api_client(customer).post(
        "/posts",
        {
            "kind": "problem",
            "title": "  Invoices   are late  ",
            "body": "Since *May*.",
            "tags": ["Billing"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == POST_DETAIL_FIELDS
    post = Post.objects.get()
    assert {k: v for k, v in body.items() if k not in MOVING_TIMES} == {
        "id": post.pk,
        "url": f"/posts/{post.pk}/",
        "kind": "problem",
        "title": "Invoices are late",
        "body": "Since *May*.",
        "body_html": "<p>Since <em>May</em>.</p>\n",
        "status": "open",
        "tags": ["billing"],
        "author": {"id": customer.pk, "name": "Carol Customer", "is_staff": False},
        "vote_count": 0,
        "comment_count": 0,
        "has_voted": False,
        "edited_at": None,
        "merged_into": None,
        "accepted_comment": None,
        "is_locked": False,
        "lock_reason": "",
        "tombstone": None,
        "is_waiting_for_review": False,
        "is_following": True,
        "official_response": None,
    }
    assert close_in_time(body["created_at"], post.created_at)
    assert (post.title, post.kind, post.author_id) == ("Invoices are late", "problem", customer.pk)


def test_a_post_by_staff_is_marked_as_staff(staff, api_client):
    body = api_client(staff).post("/posts", {"title": "Planned maintenance"}).json()
    assert body["author"] == {"id": staff.pk, "name": "Sam Staff", "is_staff": True}
    assert body["kind"] == "idea"


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"title": ""}, 422, "title is empty"),
        ({"title": "   \n\t "}, 422, "title is empty"),
        ({"title": "x" * 161}, 422, "under 160"),
        ({"title": "x" * 1001}, 422, "title"),
        ({"title": "Fine", "kind": "rant"}, 422, "kind"),
        ({"title": "Fine", "tags": ["no-such-tag"]}, 422, "no tag called 'no-such-tag'"),
        ({"title": "Fine", "tags": ["billing", "nope"]}, 422, "no tag called 'nope'"),
        ({"title": "Fine", "tags": "billing"}, 422, "tags"),
        ({"title": "Fine", "tags": [1]}, 422, "tags"),
        ({"title": "Fine", "tags": ["t"] * 21}, 422, "tags"),
        ({"title": 5}, 422, "title"),
        ({"title": None}, 422, "title"),
        ({"title": ["a"]}, 422, "title"),
        ({"title": "Fine", "body": 7}, 422, "body"),
        ({"title": "Fine", "body": "x" * 20_001}, 422, "under 20,000"),
        ({"title": "Fine", "body": "x" * 100_001}, 422, "body"),
        ({"title": "Fine", "kind": None}, 422, "kind"),
        ({"body": "No title"}, 422, "title: Field required"),
        ({}, 422, "title: Field required"),
        ({"title": "a\x00b"}, 422, "NUL"),
        ({"title": "Fine", "body": "a\x00b"}, 422, "NUL"),
        ({"title": "Fine", "tags": ["bill\x00ing"]}, 422, "no tag called"),
        ('{"title": "a\\ud800b"}', 422, "title"),
        ("[]", 422, "request body"),
        ('"just a string"', 422, "request body: Input should be a valid dictionary"),
        ("42", 422, "request body"),
        ("null", 422, "request body"),
        ('{"title": ', 400, "parse"),
        ("{'title': 'single quotes'}", 400, "parse"),
        ("not json at all", 400, "parse"),
        ("", 422, "request body: Field required"),
    ],
)
def test_creating_a_post_with_bad_input_changes_nothing(
    payload, status, words, customer, billing, api_client
):
    before = stored_state()
    detail = error_detail(api_client(customer).post("/posts", payload), status)
    assert words in detail
    assert stored_state() == before


def test_creating_a_post_with_a_form_body_is_refused(customer, api_client):
    client = api_client(customer)
    response = client.client.post("/api/v1/posts", {"title": "Form"}, headers=client.headers)
    error_detail(response, 400)
    assert not Post.objects.exists()


# GET /posts/{id}


def test_getting_a_post_returns_every_detail(board, staff, other_customer, api_client):
    post = board["post"]
    services.set_official_response(actor=staff, post_id=post.pk, body="We are *on it*.")
    response = api_client(other_customer).get(f"/posts/{post.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == POST_DETAIL_FIELDS
    assert body["id"] == post.pk
    assert body["title"] == "Dark mode for the dashboard"
    assert body["has_voted"] is True
    assert body["is_following"] is True  # voters and commenters follow
    assert body["vote_count"] == 1
    assert body["comment_count"] == 1
    official = body["official_response"]
    assert set(official) == {"body", "body_html", "author", "created_at", "edited_at"}
    assert official["body"] == "We are *on it*."
    assert official["body_html"] == "<p>We are <em>on it</em>.</p>\n"
    assert official["author"] == {"id": staff.pk, "name": "Sam Staff", "is_staff": True}
    assert official["edited_at"] is None
    stored = OfficialResponse.objects.get(post=post)
    assert close_in_time(official["created_at"], stored.created_at)


def test_an_anonymous_reader_sees_no_vote_and_no_follow(board, api_client):
    body = api_client(None).get(f"/posts/{board['post'].pk}").json()
    assert (body["has_voted"], body["is_following"]) == (False, False)


@pytest.mark.parametrize("post_id", NOT_FOUND_IDS)
def test_getting_an_unknown_post_is_404(post_id, board, api_client):
    detail = error_detail(api_client(None).get(f"/posts/{post_id}"), 404)
    assert detail == f"There is no post #{post_id}."


@pytest.mark.parametrize("post_id", ["abc", "1.5", "1e3", "%20"])
def test_a_post_id_that_is_not_a_number_is_422(post_id, board, api_client):
    response = api_client(None).get(f"/posts/{post_id}")
    assert response.status_code in (404, 422)
    error_detail(response, response.status_code)


# PATCH /posts/{id}


def test_the_author_can_edit_title_and_body(post, customer, api_client):
    response = api_client(customer).patch(
        f"/posts/{post.pk}", {"title": "Dark mode everywhere", "body": "Please **now**"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == POST_DETAIL_FIELDS
    assert body["title"] == "Dark mode everywhere"
    assert body["body_html"] == "<p>Please <strong>now</strong></p>\n"
    assert body["edited_at"] is not None
    post.refresh_from_db()
    assert (post.title, post.body) == ("Dark mode everywhere", "Please **now**")
    assert close_in_time(body["edited_at"], post.edited_at)


def test_editing_only_the_body_keeps_the_title(post, customer, api_client):
    api_client(customer).patch(f"/posts/{post.pk}", {"body": "New text"})
    post.refresh_from_db()
    assert (post.title, post.body) == ("Dark mode for the dashboard", "New text")


def test_an_empty_patch_changes_nothing(post, customer, api_client):
    before = stored_state()
    response = api_client(customer).patch(f"/posts/{post.pk}", {})
    assert response.status_code == 200
    assert response.json()["edited_at"] is None
    assert stored_state() == before


def test_staff_can_edit_anyones_post_and_set_tags(post, staff, billing, mobile, api_client):
    response = api_client(staff).patch(
        f"/posts/{post.pk}", {"title": "Dark mode (all pages)", "tags": ["mobile-app", "billing"]}
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["tags"]) == ["billing", "mobile-app"]
    assert response.json()["title"] == "Dark mode (all pages)"
    assert sorted(post.tags.values_list("slug", flat=True)) == ["billing", "mobile-app"]
    cleared = api_client(staff).patch(f"/posts/{post.pk}", {"tags": []})
    assert cleared.json()["tags"] == []


@pytest.mark.parametrize(
    "who, payload, words",
    [
        ("other_customer", {"title": "Hijacked"}, "Only the author or staff"),
        ("other_customer", {"body": "Hijacked"}, "Only the author or staff"),
        ("customer", {"tags": ["billing"]}, "Only staff"),
        ("customer", {"title": "Sneaky", "tags": ["billing"]}, "Only staff"),
    ],
)
def test_editing_without_permission_is_403_and_changes_nothing(
    who, payload, words, post, billing, request, api_client
):
    client = api_client(request.getfixturevalue(who))
    before = stored_state()
    detail = error_detail(client.patch(f"/posts/{post.pk}", payload), 403)
    assert words in detail
    assert stored_state() == before


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"title": ""}, 422, "title is empty"),
        ({"title": "   "}, 422, "title is empty"),
        ({"title": "y" * 161}, 422, "under 160"),
        ({"title": 12}, 422, "title"),
        ({"body": ["list"]}, 422, "body"),
        ({"body": "z" * 20_001}, 422, "under 20,000"),
        ({"body": "a\x00"}, 422, "NUL"),
        ({"title": "Valid new title", "tags": ["no-such-tag"]}, 422, "no tag called"),
        ({"title": "Valid new title", "body": "b\x00"}, 422, "NUL"),
        ({"tags": "billing"}, 422, "tags"),
        ('"a bare string"', 422, "request body"),
        ("[]", 422, "request body"),
        ('{"title": "broken', 400, "parse"),
    ],
)
def test_editing_with_bad_input_changes_nothing(payload, status, words, post, staff, api_client):
    before = stored_state()
    detail = error_detail(api_client(staff).patch(f"/posts/{post.pk}", payload), status)
    assert words in detail
    assert stored_state() == before


# POST/DELETE /posts/{id}/vote


def test_voting_returns_the_new_count(post, other_customer, api_client):
    response = api_client(other_customer).post(f"/posts/{post.pk}/vote")
    assert response.status_code == 200
    assert response.json() == {"post": post.pk, "vote_count": 1, "has_voted": True}
    assert Vote.objects.filter(post=post, user=other_customer).count() == 1
    assert Follow.objects.filter(post=post, user=other_customer).exists()


def test_voting_twice_counts_once(post, other_customer, api_client):
    client = api_client(other_customer)
    client.post(f"/posts/{post.pk}/vote")
    response = client.post(f"/posts/{post.pk}/vote")
    assert response.json() == {"post": post.pk, "vote_count": 1, "has_voted": True}
    post.refresh_from_db()
    assert post.vote_count == Vote.objects.filter(post=post).count() == 1


def test_withdrawing_a_vote(post, other_customer, api_client):
    client = api_client(other_customer)
    client.post(f"/posts/{post.pk}/vote")
    response = client.delete(f"/posts/{post.pk}/vote")
    assert response.status_code == 200
    assert response.json() == {"post": post.pk, "vote_count": 0, "has_voted": False}
    assert not Vote.objects.filter(post=post).exists()


def test_withdrawing_a_vote_that_is_not_there_changes_nothing(post, other_customer, api_client):
    services.add_vote(user=post.author, post_id=post.pk)
    before = stored_state()
    response = api_client(other_customer).delete(f"/posts/{post.pk}/vote")
    assert response.json() == {"post": post.pk, "vote_count": 1, "has_voted": False}
    assert stored_state() == before


def test_votes_from_different_people_add_up(post, customer, other_customer, staff, api_client):
    for user in (customer, other_customer, staff):
        api_client(user).post(f"/posts/{post.pk}/vote")
    assert api_client(None).get(f"/posts/{post.pk}").json()["vote_count"] == 3


# Comments


def test_commenting_returns_201_with_the_comment(post, other_customer, api_client):
    response = api_client(other_customer).post(
        f"/posts/{post.pk}/comments", {"body": "Me too, *please*"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == COMMENT_FIELDS
    comment = Comment.objects.get()
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        "id": comment.pk,
        "post": post.pk,
        "parent": None,
        "author": {"id": other_customer.pk, "name": "Oscar Other", "is_staff": False},
        "body": "Me too, *please*",
        "body_html": "<p>Me too, <em>please</em></p>\n",
        "edited_at": None,
        "is_accepted_answer": False,
        "tombstone": None,
    }
    assert close_in_time(body["created_at"], comment.created_at)
    post.refresh_from_db()
    assert post.comment_count == 1


def test_replies_nest_one_level(post, customer, other_customer, api_client):
    top = api_client(customer).post(f"/posts/{post.pk}/comments", {"body": "Top"}).json()
    reply = api_client(other_customer).post(
        f"/posts/{post.pk}/comments", {"body": "Reply", "parent": top["id"]}
    )
    assert reply.status_code == 201
    assert reply.json()["parent"] == top["id"]
    deeper = api_client(customer).post(
        f"/posts/{post.pk}/comments", {"body": "Deeper", "parent": reply.json()["id"]}
    )
    assert deeper.json()["parent"] == top["id"]


def test_listing_comments_oldest_first_with_exact_fields(
    post, customer, other_customer, api_client
):
    question = make_post(customer, kind="question", title="How do I export?")
    first = services.add_comment(author=other_customer, post_id=question.pk, body="Like this")
    second = services.add_comment(author=customer, post_id=question.pk, body="Thanks!")
    services.accept_answer(actor=customer, post_id=question.pk, comment_id=first.pk)
    response = api_client(None).get(f"/posts/{question.pk}/comments")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "next"}
    assert body["next"] is None
    assert [set(c) for c in body["items"]] == [COMMENT_FIELDS, COMMENT_FIELDS]
    assert [(c["id"], c["body"], c["is_accepted_answer"]) for c in body["items"]] == [
        (first.pk, "Like this", True),
        (second.pk, "Thanks!", False),
    ]
    assert body["items"][0]["author"] == {
        "id": other_customer.pk,
        "name": "Oscar Other",
        "is_staff": False,
    }
    detail = api_client(None).get(f"/posts/{question.pk}").json()
    assert detail["accepted_comment"] == first.pk
    assert api_client(None).get(f"/posts/{post.pk}/comments").json() == {
        "items": [],
        "next": None,
    }


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "99999999999999999999"])
def test_listing_comments_rejects_a_bad_limit(limit, post, api_client):
    response = api_client(None).get(f"/posts/{post.pk}/comments?limit={limit}")
    detail = error_detail(response, 422)
    assert "limit" in detail or "between 1 and 200" in detail


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"body": ""}, 422, "comment is empty"),
        ({"body": "   \n "}, 422, "comment is empty"),
        ({"body": "c" * 10_001}, 422, "under 10,000"),
        ({"body": "c" * 100_001}, 422, "body"),
        ({"body": None}, 422, "body"),
        ({"body": 42}, 422, "body"),
        ({"body": "a\x00b"}, 422, "NUL"),
        ({}, 422, "body: Field required"),
        ('"Me too"', 422, "request body"),
        ({"body": "Fine", "parent": "first"}, 422, "parent"),
        ({"body": "Fine", "parent": 987654}, 404, "no comment #987654"),
        ({"body": "Fine", "parent": 99999999999999999999}, 404, "no comment"),
        ({"body": "Fine", "parent": 0}, 404, "no comment"),
        ({"body": "Fine", "parent": -3}, 404, "no comment"),
        ('{"body": "unterminated', 400, "parse"),
    ],
)
def test_commenting_with_bad_input_changes_nothing(
    payload, status, words, post, other_customer, api_client
):
    before = stored_state()
    response = api_client(other_customer).post(f"/posts/{post.pk}/comments", payload)
    assert words in error_detail(response, status)
    assert stored_state() == before


def test_replying_to_a_comment_on_another_post_is_404(post, customer, other_customer, api_client):
    elsewhere = make_post(customer)
    foreign = services.add_comment(author=customer, post_id=elsewhere.pk, body="Elsewhere")
    before = stored_state()
    response = api_client(other_customer).post(
        f"/posts/{post.pk}/comments", {"body": "Reply", "parent": foreign.pk}
    )
    assert "no comment" in error_detail(response, 404)
    assert stored_state() == before


# Follow


def test_following_and_unfollowing(post, other_customer, api_client):
    client = api_client(other_customer)
    response = client.post(f"/posts/{post.pk}/follow")
    assert response.status_code == 204
    assert response.content == b""
    assert Follow.objects.filter(post=post, user=other_customer).count() == 1
    assert client.get(f"/posts/{post.pk}").json()["is_following"] is True
    assert client.post(f"/posts/{post.pk}/follow").status_code == 204
    assert Follow.objects.filter(post=post, user=other_customer).count() == 1
    assert client.delete(f"/posts/{post.pk}/follow").status_code == 204
    assert not Follow.objects.filter(post=post, user=other_customer).exists()
    assert client.get(f"/posts/{post.pk}").json()["is_following"] is False
    assert client.delete(f"/posts/{post.pk}/follow").status_code == 204


# Staff: status, official response, merge


def test_staff_change_the_status_with_a_note(post, staff, api_client):
    response = api_client(staff).post(
        f"/posts/{post.pk}/status", {"status": "planned", "note": "For the *spring*."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    change = StatusChange.objects.get()
    assert set(body) == {"post", "from_status", "to_status", "note", "created_at"}
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        "post": post.pk,
        "from_status": "open",
        "to_status": "planned",
        "note": "For the *spring*.",
    }
    assert close_in_time(body["created_at"], change.created_at)
    assert api_client(None).get(f"/posts/{post.pk}").json()["status"] == "planned"


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"status": "closed"}, 422, "status"),
        ({"status": ""}, 422, "status"),
        ({"status": 3}, 422, "status"),
        ({}, 422, "status: Field required"),
        ({"status": "planned", "note": "n" * 5_001}, 422, "under 5,000"),
        ({"status": "planned", "note": ["x"]}, 422, "note"),
        ({"status": "planned", "note": "\x00"}, 422, "NUL"),
        ({"status": "open"}, 409, "already"),
        ('{"status": planned}', 400, "parse"),
    ],
)
def test_changing_status_with_bad_input_changes_nothing(
    payload, status, words, post, staff, api_client
):
    before = stored_state()
    response = api_client(staff).post(f"/posts/{post.pk}/status", payload)
    assert words in error_detail(response, status)
    assert stored_state() == before


def test_staff_give_and_replace_the_official_response(post, staff, admin, api_client):
    first = api_client(staff).post(f"/posts/{post.pk}/official-response", {"body": "Soon."})
    assert first.status_code == 200, first.content
    assert set(first.json()) == POST_DETAIL_FIELDS
    official = first.json()["official_response"]
    assert (official["body"], official["body_html"], official["edited_at"]) == (
        "Soon.",
        "<p>Soon.</p>\n",
        None,
    )
    assert official["author"] == {"id": staff.pk, "name": "Sam Staff", "is_staff": True}
    second = api_client(admin).post(f"/posts/{post.pk}/official-response", {"body": "Shipped!"})
    official = second.json()["official_response"]
    assert official["body"] == "Shipped!"
    assert official["author"]["id"] == admin.pk
    assert official["edited_at"] is not None
    assert OfficialResponse.objects.filter(post=post).count() == 1


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"body": ""}, 422, "response is empty"),
        ({"body": "  "}, 422, "response is empty"),
        ({"body": "r" * 10_001}, 422, "under 10,000"),
        ({"body": None}, 422, "body"),
        ({}, 422, "body: Field required"),
        ({"body": "\x00"}, 422, "NUL"),
        ("{", 400, "parse"),
    ],
)
def test_official_response_with_bad_input_changes_nothing(
    payload, status, words, post, staff, api_client
):
    before = stored_state()
    response = api_client(staff).post(f"/posts/{post.pk}/official-response", payload)
    assert words in error_detail(response, status)
    assert stored_state() == before


def test_staff_merge_a_duplicate_and_votes_move_without_double_counting(
    customer, other_customer, staff, api_client
):
    original = make_post(customer, title="Dark mode")
    duplicate = make_post(other_customer, title="Night theme")
    services.add_vote(user=customer, post_id=duplicate.pk)
    services.add_vote(user=other_customer, post_id=duplicate.pk)
    services.add_vote(user=other_customer, post_id=original.pk)
    response = api_client(staff).post(f"/posts/{duplicate.pk}/merge", {"into": original.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == POST_DETAIL_FIELDS
    assert (body["id"], body["vote_count"], body["merged_into"]) == (original.pk, 2, None)
    merged = api_client(None).get(f"/posts/{duplicate.pk}").json()
    assert merged["merged_into"] == original.pk
    assert merged["vote_count"] == 1  # the voter who voted on both stays counted once
    assert Follow.objects.filter(post=original, user=other_customer).exists()
    assert Vote.objects.filter(post=original).count() == 2


@pytest.fixture
def merged(customer, staff):
    """A post merged into another, plus a third, unrelated post."""
    original, duplicate, third = make_post(customer), make_post(customer), make_post(customer)
    services.merge_posts(actor=staff, duplicate_id=duplicate.pk, original_id=original.pk)
    return {"original": original, "duplicate": duplicate, "third": third}


def test_voting_on_a_merged_post_is_409_and_changes_nothing(merged, other_customer, api_client):
    before = stored_state()
    response = api_client(other_customer).post(f"/posts/{merged['duplicate'].pk}/vote")
    detail = error_detail(response, 409)
    assert f"merged into #{merged['original'].pk}" in detail
    assert stored_state() == before


def test_commenting_on_a_merged_post_is_409_and_changes_nothing(merged, other_customer, api_client):
    before = stored_state()
    response = api_client(other_customer).post(
        f"/posts/{merged['duplicate'].pk}/comments", {"body": "Hello?"}
    )
    assert "merged into" in error_detail(response, 409)
    assert stored_state() == before


def test_changing_the_status_of_a_merged_post_is_409(merged, staff, api_client):
    before = stored_state()
    response = api_client(staff).post(
        f"/posts/{merged['duplicate'].pk}/status", {"status": "planned"}
    )
    assert "merged into" in error_detail(response, 409)
    assert stored_state() == before


@pytest.mark.parametrize(
    "source, target, status, words",
    [
        ("third", "duplicate", 409, "itself merged into"),
        ("duplicate", "third", 409, "already merged into"),
        ("third", "third", 422, "cannot be merged into itself"),
    ],
)
def test_merging_against_merge_rules_changes_nothing(
    source, target, status, words, merged, staff, api_client
):
    before = stored_state()
    response = api_client(staff).post(
        f"/posts/{merged[source].pk}/merge", {"into": merged[target].pk}
    )
    assert words in error_detail(response, status)
    assert stored_state() == before


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"into": 987654}, 404),
        ({"into": 99999999999999999999}, 404),
        ({"into": 0}, 404),
        ({"into": -1}, 404),
        ({"into": "x"}, 422),
        ({"into": None}, 422),
        ({"into": 1.5}, 422),
        ({}, 422),
        ("{into: 1}", 400),
    ],
)
def test_merging_with_bad_input_changes_nothing(payload, status, post, staff, api_client):
    before = stored_state()
    response = api_client(staff).post(f"/posts/{post.pk}/merge", payload)
    error_detail(response, status)
    assert stored_state() == before


# Every write: who may call it


def write_calls(post: Post, other: Post) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", "/posts", {"title": "New idea"}),
        ("patch", f"/posts/{post.pk}", {"title": "Changed"}),
        ("post", f"/posts/{post.pk}/vote", None),
        ("delete", f"/posts/{post.pk}/vote", None),
        ("post", f"/posts/{post.pk}/comments", {"body": "Hello"}),
        ("post", f"/posts/{post.pk}/follow", None),
        ("delete", f"/posts/{post.pk}/follow", None),
        ("post", f"/posts/{post.pk}/status", {"status": "planned"}),
        ("post", f"/posts/{post.pk}/official-response", {"body": "We hear you."}),
        ("post", f"/posts/{post.pk}/merge", {"into": other.pk}),
    ]


STAFF_ACTIONS = {"status", "official-response", "merge"}


def staff_calls(post: Post, other: Post) -> list[tuple[str, str, dict | None]]:
    return [c for c in write_calls(post, other) if c[1].rsplit("/", 1)[-1] in STAFF_ACTIONS]


@pytest.fixture
def two_posts(customer, other_customer):
    post = make_post(customer, title="Existing idea")
    services.add_vote(user=other_customer, post_id=post.pk)
    return post, make_post(other_customer, title="Another idea")


def test_every_write_refuses_anonymous_callers(two_posts):
    before = stored_state()
    for method, path, data in write_calls(*two_posts):
        response = send(method, path, data if data is not None else {})
        detail = error_detail(response, 401)
        assert "Sign in" in detail, (method, path)
    assert stored_state() == before


@pytest.mark.parametrize("token", ["frk_not-a-real-token", "garbage", "frk_" + "x" * 43])
def test_every_write_refuses_a_made_up_token(token, two_posts):
    before = stored_state()
    for method, path, data in write_calls(*two_posts):
        detail = error_detail(send(method, path, data, token=token), 401)
        assert detail == "That API token is not valid or was revoked.", (method, path)
    assert stored_state() == before


def test_every_call_refuses_a_revoked_token(two_posts, staff):
    record, token = create_api_token(user=staff, name="old")
    revoke_api_token(user=staff, token_id=record.pk)
    before = stored_state()
    for method, path, data in write_calls(*two_posts):
        assert "revoked" in error_detail(send(method, path, data, token=token), 401)
    for path in ("/posts", f"/posts/{two_posts[0].pk}", "/tags", "/me"):
        assert "revoked" in error_detail(send("get", path, token=token), 401)
    assert stored_state() == before


def test_a_disabled_accounts_token_is_refused(two_posts, staff):
    token = token_for(staff)
    User.objects.filter(pk=staff.pk).update(is_active=False)
    before = stored_state()
    for method, path, data in write_calls(*two_posts):
        error_detail(send(method, path, data, token=token), 401)
    assert stored_state() == before


def test_customers_cannot_do_staff_actions(two_posts, customer):
    token = token_for(customer)
    before = stored_state()
    calls = staff_calls(*two_posts)
    assert len(calls) == 3
    for method, path, data in calls:
        detail = error_detail(send(method, path, data, token=token), 403)
        assert detail == "Only staff can do that.", path
    assert stored_state() == before


@pytest.mark.parametrize("post_id", NOT_FOUND_IDS)
def test_every_call_on_an_unknown_post_is_404(post_id, two_posts, staff):
    token = token_for(staff)
    before = stored_state()
    missing = Post(pk=int(post_id))
    calls = [c for c in write_calls(missing, two_posts[0]) if c[1] != "/posts"]
    calls += [("get", f"/posts/{post_id}", None), ("get", f"/posts/{post_id}/comments", None)]
    for method, path, data in calls:
        response = send(method, path, data, token=token)
        assert error_detail(response, 404) == f"There is no post #{post_id}.", path
    assert stored_state() == before


def test_merging_into_an_unknown_post_is_404(two_posts, staff):
    before = stored_state()
    response = send(
        "post", f"/posts/{two_posts[0].pk}/merge", {"into": 987654}, token=token_for(staff)
    )
    assert error_detail(response, 404) == "There is no post #987654."
    assert stored_state() == before


# Session auth and CSRF


def session_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_post_without_csrf_is_403_and_changes_nothing(customer, post):
    client = session_client(customer)
    before = stored_state()
    for method, path, data in [
        ("post", "/posts", {"title": "Via the browser"}),
        ("post", f"/posts/{post.pk}/vote", None),
        ("patch", f"/posts/{post.pk}", {"title": "Changed"}),
        ("delete", f"/posts/{post.pk}/follow", None),
    ]:
        detail = error_detail(send(method, path, data, client=client), 403)
        assert "CSRF" in detail
    assert stored_state() == before


def test_a_session_post_with_a_wrong_csrf_token_is_403(customer):
    client = session_client(customer)
    client.get("/account/tokens/")
    response = client.post(
        "/api/v1/posts",
        json.dumps({"title": "Via the browser"}),
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 64},
    )
    assert "CSRF" in error_detail(response, 403)
    assert not Post.objects.exists()


def test_a_session_post_with_the_csrf_cookie_and_header_succeeds(customer):
    client = session_client(customer)
    assert client.get("/account/tokens/").status_code == 200
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/posts",
        json.dumps({"title": "Via the browser"}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"]["id"] == customer.pk
    assert Post.objects.get().title == "Via the browser"


def test_a_session_can_read_without_csrf(customer, post):
    services.add_vote(user=customer, post_id=post.pk)
    response = session_client(customer).get(f"/api/v1/posts/{post.pk}")
    assert response.status_code == 200
    assert response.json()["has_voted"] is True
    me = session_client(customer).get("/api/v1/me")
    assert me.json()["id"] == customer.pk


# GET /tags and GET /me


def test_listing_tags_sorted_by_name(db, api_client):
    Tag.objects.create(name="Mobile app", slug="mobile-app", description="iOS and Android")
    make_tag("Billing")
    response = api_client(None).get("/tags")
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "billing", "name": "Billing", "description": ""},
        {"slug": "mobile-app", "name": "Mobile app", "description": "iOS and Android"},
    ]


def test_me_describes_the_caller(customer, staff, api_client):
    assert api_client(customer).get("/me").json() == {
        "id": customer.pk,
        "email": customer.email,
        "name": "Carol Customer",
        "role": "customer",
        "time_zone": "",
        "show_name": True,
        "hide_profile": False,
    }
    assert api_client(staff).get("/me").json()["role"] == "staff"


def test_me_needs_a_caller(db, api_client):
    assert "Sign in" in error_detail(api_client(None).get("/me"), 401)


# Privacy


def test_no_response_contains_an_email_address_except_me(
    board, customer, other_customer, staff, admin, api_client
):
    post = board["post"]
    services.set_official_response(actor=staff, post_id=post.pk, body="Thanks")
    services.change_status(actor=staff, post_id=post.pk, status="planned", note="Soon")
    services.add_comment(author=admin, post_id=post.pk, body="Admin here")
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) == 4
    for viewer in (None, customer, staff, admin):
        client = api_client(viewer)
        for path in (
            "/posts",
            "/posts?sort=new",
            f"/posts?q={post.title.split()[0]}",
            f"/posts/{post.pk}",
            f"/posts/{post.pk}/comments",
            f"/posts/{board['second'].pk}",
            "/tags",
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            text = response.content.decode()
            assert "@" not in text, (path, viewer)
            assert not any(email in text for email in emails)
    for user in (customer, staff):
        text = api_client(user).get("/me").content.decode()
        assert [e for e in emails if e in text] == [user.email]


# OpenAPI and docs


def test_the_openapi_schema_lists_every_endpoint(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Frankly API"
    paths = {path: set(methods) for path, methods in schema["paths"].items()}
    assert paths == {
        "/api/v1/posts": {"get", "post"},
        "/api/v1/posts/{post_id}": {"get", "patch", "delete"},
        "/api/v1/posts/{post_id}/vote": {"post", "delete"},
        "/api/v1/posts/{post_id}/comments": {"get", "post"},
        "/api/v1/posts/{post_id}/follow": {"post", "delete"},
        "/api/v1/posts/{post_id}/status": {"post"},
        "/api/v1/posts/{post_id}/official-response": {"post"},
        "/api/v1/posts/{post_id}/merge": {"post"},
        "/api/v1/tags": {"get"},
        "/api/v1/me": {"get"},
        "/api/v1/me/privacy": {"put"},
        "/api/v1/me/contact-preferences": {"get", "patch"},
        "/api/v1/me/contact-preferences/history": {"get"},
        "/api/v1/me/exports": {"get", "post"},
        "/api/v1/contacts/do-not-contact": {"get"},
        "/api/v1/testimonials": {"get"},
        "/api/v1/testimonials/requests": {"get", "post"},
        "/api/v1/testimonials/requests/{request_id}/decision": {"post"},
        "/api/v1/testimonials/requests/{request_id}/revoke": {"post"},
        "/api/v1/testimonials/requests/{request_id}/withdraw": {"post"},
        "/api/v1/comments/{comment_id}": {"patch", "delete"},
        "/api/v1/ledger/entries": {"get"},
        "/api/v1/ledger/checkpoint": {"get"},
        "/api/v1/ledger/key": {"get"},
        "/api/v1/ledger/proof/inclusion": {"get"},
        "/api/v1/ledger/proof/consistency": {"get"},
        "/api/v1/checks": {"get", "post"},
        "/api/v1/revisions": {"get"},
        "/api/v1/moderation": {"get"},
        "/api/v1/moderation/hide": {"post"},
        "/api/v1/moderation/unhide": {"post"},
        "/api/v1/moderation/lock": {"post"},
        "/api/v1/moderation/ban": {"post"},
        "/api/v1/moderation/appeals": {"get", "post"},
        "/api/v1/moderation/appeals/{appeal_id}/decision": {"post"},
        "/api/v1/rules": {"get", "post"},
        "/api/v1/rules/{rule_id}": {"patch"},
        "/api/v1/status": {"get"},
        "/api/v1/components": {"get", "post"},
        "/api/v1/incidents": {"get", "post"},
        "/api/v1/incidents/{incident_id}": {"get"},
        "/api/v1/incidents/{incident_id}/updates": {"post"},
        "/api/v1/private-status": {"post"},
        "/api/v1/private-status/{slug}": {"get"},
        "/api/v1/private-status/{slug}/members": {"post"},
        "/api/v1/private-status/{slug}/members/remove": {"post"},
        "/api/v1/private-status/{slug}/link": {"post", "delete"},
        "/api/v1/maintenances": {"post"},
        "/api/v1/roadmap": {"get"},
        "/api/v1/roadmap/{post_id}": {"patch"},
        "/api/v1/changelog": {"get", "post"},
        "/api/v1/changelog/{entry_id}": {"get", "patch"},
        "/api/v1/changelog/{entry_id}/publish": {"post"},
        "/api/v1/changelog/{entry_id}/comments": {"get", "post"},
        "/api/v1/webhooks": {"get", "post"},
        "/api/v1/widget/session": {"post"},
        "/api/v1/webhooks/{endpoint_id}": {"get", "patch", "delete"},
        "/api/v1/webhooks/{endpoint_id}/rotate-secret": {"post"},
        "/api/v1/webhooks/{endpoint_id}/deliveries": {"get"},
        "/api/v1/webhooks/deliveries/{delivery_id}/redeliver": {"post"},
        "/api/v1/posts/similar": {"get"},
        "/api/v1/insights/summary": {"get"},
        "/api/v1/insights/alerts": {"get"},
        "/api/v1/crm/stale": {"get"},
        "/api/v1/crm/posts": {"get"},
        "/api/v1/crm/posts/{post_id}": {"get"},
        "/api/v1/crm/changes": {"get"},
    }
    assert "MergeIn" in schema["components"]["schemas"]
    assert set(schema["components"]["schemas"]["MergeIn"]["properties"]) == {"into"}


def test_the_api_docs_page_is_served(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
