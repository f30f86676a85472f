"""CRM data never reaches public pages or public API answers, whoever looks."""

from decimal import Decimal

import pytest

from frankly.crm.services import ContactData, save_contact
from frankly.feedback import services as feedback
from tests.conftest import make_post

COMPANY = "Zebracorp Confidential"
PLAN = "Platinum-Secret-Plan"
OWNER = "Olga Owner-Secret"
VALUE = "987654.32"


@pytest.fixture
def seeded(customer, other_customer):
    for user in (customer, other_customer):
        user.email = user.email.replace("example.com", "zebracorp.example")
        user.save()
        save_contact(
            email=user.email,
            data=ContactData(
                company_name=COMPANY, plan=PLAN, value=Decimal(VALUE), owner=OWNER, name=COMPANY
            ),
        )
    post = make_post(customer, title="Export to spreadsheet", body="Please.")
    feedback.toggle_vote(user=other_customer, post_id=post.pk)
    feedback.add_comment(author=other_customer, post_id=post.pk, body="Yes please", parent_id=None)
    return post


def _assert_clean(response):
    assert response.status_code == 200, response.request["PATH_INFO"]
    body = response.content.decode()
    for secret in (COMPANY, PLAN, OWNER, VALUE, "987,654", "zebracorp.example"):
        assert secret not in body, (response.request["PATH_INFO"], secret)


@pytest.mark.parametrize("who", ["anonymous", "author", "voter"])
def test_public_pages_and_api_show_no_crm_data(
    seeded, client_for, api_client, customer, other_customer, who
):
    user = {"anonymous": None, "author": customer, "voter": other_customer}[who]
    client = client_for(user)
    pages = [
        "/",
        "/?sort=top",
        "/search/?q=spreadsheet",
        f"/posts/{seeded.pk}/",
        f"/people/{customer.pk}/",
        f"/people/{other_customer.pk}/",
        "/feeds/posts.atom",
        f"/posts/{seeded.pk}/feed.atom",
        "/roadmap/",
    ]
    for url in pages:
        _assert_clean(client.get(url))
    api = api_client(user)
    for url in ("/posts", f"/posts/{seeded.pk}", "/posts?sort=top", "/openapi.json"):
        _assert_clean(api.get(url))


def test_staff_do_see_it(seeded, client_for, staff):
    body = client_for(staff).get(f"/posts/{seeded.pk}/").content.decode()
    assert COMPANY in body and PLAN in body
