"""The roadmap and changelog API: shapes, permissions, and bad input answered with a
4xx and a {"detail": ...} that says what to fix, never a 500, with nothing stored."""

import pytest

from frankly.feedback import services as feedback
from frankly.roadmap import services
from frankly.roadmap.models import ChangelogEntry
from frankly.transparency import moderation, rules
from tests.conftest import make_post
from tests.roadmap.conftest import make_entry, reload, snapshot

pytestmark = pytest.mark.django_db

ENTRY_FIELDS = {
    "id",
    "url",
    "title",
    "category",
    "body",
    "body_html",
    "author",
    "posts",
    "is_published",
    "published_at",
    "created_at",
    "edited_at",
    "comment_count",
}


def assert_refused(response, status: int, *, mentions: str = "") -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert mentions.lower() in body["detail"].lower()
    return body


# The roadmap


def test_the_roadmap_has_three_columns_of_posts(api_client, customer, staff):
    planned = make_post(customer, title="Planned one")
    feedback.change_status(actor=staff, post_id=planned.pk, status="planned")
    services.set_roadmap_options(
        actor=staff, post_id=planned.pk, is_hidden=False, target_quarter="2027-Q1"
    )
    done = make_post(customer, title="Done one")
    entry = make_entry(staff, posts=[done], publish=True)
    make_post(customer, title="Still open")

    response = api_client(None).get("/roadmap")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"planned", "in_progress", "done"}
    [item] = body["planned"]
    assert item == {
        "id": planned.pk,
        "url": f"/posts/{planned.pk}/",
        "title": "Planned one",
        "status": "planned",
        "vote_count": 0,
        "tags": [],
        "target_quarter": "2027-Q1",
        "done_at": None,
        "shipped_in": [],
        "is_hidden_from_roadmap": False,
    }
    assert body["in_progress"] == []
    [shipped] = body["done"]
    assert shipped["shipped_in"] == [entry.pk]
    assert shipped["done_at"] is not None


def test_hidden_posts_are_left_off_except_for_staff(api_client, customer, staff):
    post = make_post(customer)
    feedback.change_status(actor=staff, post_id=post.pk, status="in_progress")

    client = api_client(staff)
    client.patch(f"/roadmap/{post.pk}", {"target_quarter": "2027-Q2"})
    response = client.patch(f"/roadmap/{post.pk}", {"is_hidden": True})

    assert response.status_code == 200
    assert response.json() == {"post": post.pk, "is_hidden": True, "target_quarter": "2027-Q2"}
    cleared = client.patch(f"/roadmap/{post.pk}", {"target_quarter": ""}).json()
    assert cleared == {"post": post.pk, "is_hidden": True, "target_quarter": None}
    assert api_client(customer).get("/roadmap").json()["in_progress"] == []
    [seen] = api_client(staff).get("/roadmap").json()["in_progress"]
    assert seen["is_hidden_from_roadmap"] is True


@pytest.mark.parametrize(
    ("who", "payload", "status", "mentions"),
    [
        ("customer", {"is_hidden": True}, 403, "staff"),
        (None, {"is_hidden": True}, 401, "sign in"),
        ("staff", {"target_quarter": "2027-Q9"}, 422, "2027-Q1"),
        ("staff", {"target_quarter": "x\x00"}, 422, "quarter"),
        ("staff", {"is_hidden": "perhaps"}, 422, "is_hidden"),
        ("staff", '"hide it"', 422, ""),
        ("staff", "[1]", 422, ""),
    ],
)
def test_bad_roadmap_options_are_refused(request, api_client, post, who, payload, status, mentions):
    user = request.getfixturevalue(who) if who else None
    before = snapshot()
    response = api_client(user).patch(f"/roadmap/{post.pk}", payload)
    assert_refused(response, status, mentions=mentions)
    assert snapshot() == before


@pytest.mark.parametrize("post_id", ["999999", str(2**64), "-1"])
def test_options_of_a_missing_post_are_not_found(api_client, staff, post_id):
    assert_refused(api_client(staff).patch(f"/roadmap/{post_id}", {}), 404)


# Reading the changelog


def test_the_changelog_lists_published_entries_newest_first_by_cursor(
    api_client, staff, customer, post
):
    first = make_entry(staff, title="First", posts=[post], publish=True)
    second = make_entry(staff, title="Second", publish=True)
    make_entry(staff, title="A draft")

    page = api_client(staff).get("/changelog?limit=1").json()
    assert [e["title"] for e in page["items"]] == ["Second"]
    assert page["next"]
    rest = api_client(None).get(f"/changelog?limit=1&cursor={page['next']}").json()
    assert [e["title"] for e in rest["items"]] == ["First"]
    assert rest["next"] is None

    item = rest["items"][0]
    assert set(item) == ENTRY_FIELDS
    assert item["id"] == first.pk
    assert item["url"] == f"/changelog/{first.pk}-first/"
    assert item["category"] == "new"
    assert item["is_published"] is True
    assert item["author"] == {"id": staff.pk, "name": staff.public_name, "is_staff": True}
    assert item["posts"] == [
        {
            "id": post.pk,
            "url": f"/posts/{post.pk}/",
            "title": post.title,
            "status": "done",
            "vote_count": 0,
        }
    ]
    assert second.pk != first.pk


@pytest.mark.parametrize(
    "query", ["category=breaking", "cursor=nonsense", "limit=0", "limit=1000", "limit=x"]
)
def test_bad_changelog_queries_are_refused(api_client, published, query):
    assert_refused(api_client(None).get(f"/changelog?{query}"), 422)


def test_drafts_are_not_found_by_customers(api_client, customer, staff, draft):
    for user in (None, customer):
        assert_refused(api_client(user).get(f"/changelog/{draft.pk}"), 404)
    response = api_client(staff).get(f"/changelog/{draft.pk}")
    assert response.status_code == 200
    assert response.json()["is_published"] is False


@pytest.mark.parametrize("entry_id", ["999999", str(2**64), "0", "-5"])
def test_missing_entries_are_not_found(api_client, entry_id):
    assert_refused(api_client(None).get(f"/changelog/{entry_id}"), 404)


def test_a_word_for_an_id_is_refused(api_client):
    assert_refused(api_client(None).get("/changelog/latest"), 422)


# Writing the changelog


def test_staff_create_a_draft_then_publish_it(api_client, staff, post):
    created = api_client(staff).post(
        "/changelog",
        {"title": "Dark mode", "body": "**Yes**", "category": "improved", "posts": [post.pk]},
    )
    assert created.status_code == 201
    entry = created.json()
    assert set(entry) == ENTRY_FIELDS
    assert entry["is_published"] is False and entry["published_at"] is None
    assert "<strong>Yes</strong>" in entry["body_html"]

    published = api_client(staff).post(f"/changelog/{entry['id']}/publish")
    assert published.status_code == 200
    assert published.json()["is_published"] is True
    assert published.json()["posts"][0]["status"] == "done"
    again = api_client(staff).post(f"/changelog/{entry['id']}/publish")
    assert again.json()["published_at"] == published.json()["published_at"]


def test_staff_publish_at_once(api_client, staff):
    response = api_client(staff).post("/changelog", {"title": "Now", "publish": True})
    assert response.status_code == 201
    assert response.json()["is_published"] is True


@pytest.mark.parametrize(
    ("payload", "mentions"),
    [
        ({"title": "Hi", "category": "breaking"}, "category"),
        ({"title": ""}, "title is empty"),
        ({"title": "   "}, "title is empty"),
        ({"title": "x" * 161}, "under 160"),
        ({"title": "Hi", "posts": [999999]}, "no post #999999"),
        ({"title": "Hi", "posts": [2**63]}, "no post"),
        ({"title": "Hi", "posts": [10**40]}, "no post"),
        ({"title": "Hi", "posts": [-1, 0]}, "no post"),
        ({"title": "Hi", "posts": "1,2"}, "posts"),
        ({"title": "Hi", "posts": [{"id": 1}]}, "posts"),
        ({"title": "Hi", "body": "nul \x00"}, "nul"),
        ({"body": "no title"}, "title"),
        ('"Dark mode"', ""),
        ("[]", ""),
        ("42", ""),
        ("null", ""),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_stored(api_client, staff, post, payload, mentions):
    before = snapshot()
    body = payload
    if isinstance(payload, dict) and "posts" in payload and payload["posts"] == [999999]:
        body = {**payload, "posts": [post.pk, 999999], "publish": True}
    assert_refused(api_client(staff).post("/changelog", body), 422, mentions=mentions)
    assert snapshot() == before


@pytest.mark.parametrize(("who", "status"), [("customer", 403), (None, 401)])
def test_only_staff_write_entries(request, api_client, draft, post, who, status):
    user = request.getfixturevalue(who) if who else None
    client = api_client(user)
    before = snapshot()
    assert_refused(client.post("/changelog", {"title": "Hi", "publish": True}), status)
    assert_refused(client.patch(f"/changelog/{draft.pk}", {"title": "Hi"}), status)
    assert_refused(client.post(f"/changelog/{draft.pk}/publish"), status)
    assert snapshot() == before


def test_staff_edit_an_entry_with_a_reason(api_client, staff, published, post):
    response = api_client(staff).patch(
        f"/changelog/{published.pk}",
        {"title": "Much faster exports", "posts": [post.pk], "reason": "Linked the request"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Much faster exports"
    assert body["url"] == f"/changelog/{published.pk}-much-faster-exports/"
    assert body["edited_at"] is not None
    assert [p["id"] for p in body["posts"]] == [post.pk]
    history = api_client(None).get(f"/revisions?object=changelog_entry:{published.pk}").json()
    assert history[0]["reason"] == "Linked the request"
    assert history[0]["new"] == {"title": "Much faster exports"}


@pytest.mark.parametrize(
    "payload",
    [
        {"category": "breaking"},
        {"title": ""},
        {"posts": [123456789]},
        {"posts": [2**70]},
        {"title": None, "body": 5},
        '"a string"',
    ],
)
def test_bad_edits_are_refused_and_change_nothing(api_client, staff, published, payload):
    before = snapshot()
    assert_refused(api_client(staff).patch(f"/changelog/{published.pk}", payload), 422)
    assert snapshot() == before


def test_editing_or_publishing_a_missing_entry_is_not_found(api_client, staff):
    assert_refused(api_client(staff).patch(f"/changelog/{2**64}", {"title": "x"}), 404)
    assert_refused(api_client(staff).post("/changelog/424242/publish"), 404)


# Comments


def test_customers_comment_on_published_entries(api_client, customer, published):
    response = api_client(customer).post(f"/changelog/{published.pk}/comments", {"body": "Nice"})

    assert response.status_code == 201
    comment = response.json()
    assert comment["entry"] == published.pk
    assert comment["body"] == "Nice"
    assert comment["author"]["name"] == customer.public_name
    assert comment["url"].startswith(published.get_absolute_url())
    assert reload(published).comment_count == 1


def test_hidden_comments_are_tombstones_in_the_list(api_client, staff, customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="Spam!")
    services.add_entry_comment(author=staff, entry_id=published.pk, body="Thanks all")
    rule = rules.create_rule(actor=staff, title="No spam")
    moderation.hide_content(
        actor=staff,
        object_type="changelog_comment",
        object_id=comment.pk,
        rule_id=rule.pk,
        reason="Spam",
    )

    page = api_client(None).get(f"/changelog/{published.pk}/comments?limit=1").json()
    [hidden] = page["items"]
    assert hidden["body"] is None
    assert hidden["tombstone"]["kind"] == "hidden"
    rest = api_client(None).get(f"/changelog/{published.pk}/comments?cursor={page['next']}")
    assert [c["body"] for c in rest.json()["items"]] == ["Thanks all"]


def test_staff_hide_comments_through_the_moderation_api(api_client, staff, customer, published):
    comment = services.add_entry_comment(author=customer, entry_id=published.pk, body="Spam!")
    rule = rules.create_rule(actor=staff, title="No spam")
    response = api_client(staff).post(
        "/moderation/hide",
        {"object": f"changelog_comment:{comment.pk}", "rule": rule.pk, "reason": "Spam"},
    )
    assert response.status_code == 201
    assert reload(comment).is_hidden


@pytest.mark.parametrize(
    ("who", "path", "payload", "status"),
    [
        ("customer", "draft", {"body": "First!"}, 404),
        ("customer", "published", {"body": ""}, 422),
        ("customer", "published", {"body": "   "}, 422),
        ("customer", "published", '"just a string"', 422),
        ("customer", "published", {}, 422),
        (None, "published", {"body": "Hi"}, 401),
        ("customer", "missing", {"body": "Hi"}, 404),
    ],
)
def test_bad_comments_are_refused(
    request, api_client, draft, published, who, path, payload, status
):
    user = request.getfixturevalue(who) if who else None
    entry_id = {"draft": draft.pk, "published": published.pk, "missing": 2**64}[path]
    before = snapshot()
    assert_refused(api_client(user).post(f"/changelog/{entry_id}/comments", payload), status)
    assert snapshot() == before


def test_a_body_that_is_not_json_is_refused(api_client, staff):
    assert_refused(api_client(staff).post("/changelog", "{not json"), 400)
    assert not ChangelogEntry.objects.exists()


def test_the_openapi_document_describes_the_roadmap(api_client):
    document = api_client(None).get("/openapi.json").json()
    for path in ("/api/v1/roadmap", "/api/v1/changelog", "/api/v1/changelog/{entry_id}/publish"):
        assert path in document["paths"]


def test_nothing_here_is_a_500_for_a_staff_member_with_odd_ids(api_client, staff):
    for bad in ("99999999999999999999999999", "1e3", "%00"):
        response = api_client(staff).get(f"/changelog/{bad}")
        assert 400 <= response.status_code < 500
    assert ChangelogEntry.objects.count() == 0
