"""Value-weighted votes and "who wants this", for staff only."""

from decimal import Decimal

import pytest

from frankly.crm.services import ContactData, save_contact
from frankly.feedback import services as feedback
from tests.conftest import make_post, make_user


def person(email_domain: str, *, plan="", value=None, company="", contact=True):
    user = make_user()
    if email_domain:
        user.email = user.email.replace("example.com", email_domain)
        user.save()
    if contact:
        save_contact(
            email=user.email,
            data=ContactData(
                plan=plan or None,
                value=Decimal(value) if value is not None else None,
                company_name=company or None,
            ),
        )
    return user


@pytest.fixture
def board(customer):
    """Three posts: many small voters, one big company, nobody."""
    crowd = make_post(customer, title="Crowd favourite")
    whale = make_post(customer, title="Big customer wish")
    quiet = make_post(customer, title="Nobody cares")
    for _ in range(3):
        feedback.toggle_vote(user=person("", contact=False), post_id=crowd.pk)
    feedback.toggle_vote(user=person("gmail.com", plan="Starter", value="10"), post_id=crowd.pk)
    megacorp = [person("mega.example", plan="Enterprise", value="5000", company="MegaCorp")]
    megacorp.append(person("mega.example", plan="Enterprise", company="MegaCorp"))
    for user in megacorp:
        feedback.toggle_vote(user=user, post_id=whale.pk)
    return crowd, whale, quiet


def test_sorting_by_value_counts_each_company_once(board, api_client, staff):
    crowd, whale, quiet = board
    response = api_client(staff).get("/crm/posts?sort=value")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [whale.pk, crowd.pk, quiet.pk]
    assert [i["weighted_value"] for i in items] == [5000.0, 10.0, 0.0]
    assert [i["vote_count"] for i in items] == [2, 4, 0]
    wanted = items[0]["wanted_by"]
    assert wanted["companies"] == [
        {
            "name": "MegaCorp",
            "domain": "mega.example",
            "plans": ["Enterprise"],
            "value": 5000.0,
            "voters": 2,
        }
    ]
    assert wanted["total_value"] == 5000.0
    crowd_wanted = items[1]["wanted_by"]
    assert crowd_wanted["unknown_voters"] == 3
    assert crowd_wanted["people"][0]["plans"] == ["Starter"]
    by_votes = api_client(staff).get("/crm/posts?sort=votes").json()["items"]
    assert [i["id"] for i in by_votes] == [crowd.pk, whale.pk, quiet.pk]


def test_value_sort_pages_with_a_cursor(board, api_client, staff):
    client = api_client(staff)
    first = client.get("/crm/posts?sort=value&limit=2").json()
    second = client.get(f"/crm/posts?sort=value&limit=2&cursor={first['next']}").json()
    assert [i["title"] for i in first["items"] + second["items"]] == [
        "Big customer wish",
        "Crowd favourite",
        "Nobody cares",
    ]
    assert second["next"] is None
    bad = client.get("/crm/posts?sort=shoe-size")
    assert bad.status_code == 422
    assert "not a way to sort" in bad.json()["detail"]
    assert client.get("/crm/posts?cursor=garbage").status_code == 422


def test_one_post_shows_its_authors_crm_record(board, api_client, staff, customer):
    save_contact(
        email=customer.email, data=ContactData(plan="Team", value=Decimal("7"), owner="Olga")
    )
    _, whale, _ = board
    body = api_client(staff).get(f"/crm/posts/{whale.pk}").json()
    assert body["author"]["plan"] == "Team"
    assert body["author"]["owner"] == "Olga"
    assert body["wanted_by"]["plans"] == ["Enterprise"]
    assert api_client(staff).get("/crm/posts/999999").status_code == 404


def test_the_staff_page_lists_posts_by_value_with_who_wants_them(
    board, client_for, staff, django_assert_num_queries
):
    client = client_for(staff)
    client.get("/staff/crm/posts/")  # warm the session and the template cache
    # session, user, unread count, posts, votes+voters, contacts+companies
    with django_assert_num_queries(7):  # incl. the staff header's open-alerts count
        response = client.get("/staff/crm/posts/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Big customer wish") < body.index("Crowd favourite")
    assert "MegaCorp" in body and "5000.00" in body
    votes = client.get("/staff/crm/posts/?sort=votes").content.decode()
    assert votes.index("Crowd favourite") < votes.index("Big customer wish")


def test_staff_see_the_crm_panel_on_the_post_page(board, client_for, staff, customer):
    _, whale, _ = board
    save_contact(email=customer.email, data=ContactData(plan="Team", company_name="Carol Co"))
    body = client_for(staff).get(f"/posts/{whale.pk}/").content.decode()
    assert "In the CRM" in body
    assert "MegaCorp" in body and "Enterprise" in body and "5000.00" in body
    page = client_for(staff).get(f"/staff/crm/posts/{whale.pk}/")
    assert page.status_code == 200 and "MegaCorp" in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_value_pages_and_api_refuse_non_staff(board, client_for, api_client, customer, who):
    _, whale, _ = board
    user = None if who == "anonymous" else customer
    client = client_for(user)
    for url in ("/staff/crm/posts/", f"/staff/crm/posts/{whale.pk}/"):
        assert client.get(url).status_code == (302 if user is None else 403)
    api = api_client(user)
    for url in ("/crm/posts", f"/crm/posts/{whale.pk}"):
        response = api.get(url)
        assert response.status_code == (401 if user is None else 403)
        assert "detail" in response.json()
    page = client.get(f"/posts/{whale.pk}/").content.decode()
    assert "In the CRM" not in page and "MegaCorp" not in page
