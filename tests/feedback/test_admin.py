import pytest

from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def test_staff_use_the_admin_for_tags_and_read_posts(client_for, staff, customer):
    post = make_post(customer)
    client = client_for(staff)
    assert client.get("/admin/").status_code == 200
    response = client.post(
        "/admin/feedback/tag/add/",
        {"name": "Billing", "slug": "billing", "description": "Invoices"},
    )
    assert response.status_code == 302
    assert client.get(f"/admin/feedback/post/{post.pk}/change/").status_code == 200
    # Post rows are read-only there: changes go through the post page and its rules.
    response = client.post(f"/admin/feedback/post/{post.pk}/change/", {"title": "Changed"})
    assert response.status_code == 403


def test_customers_are_kept_out_of_the_admin(client_for, customer):
    response = client_for(customer).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_vote_button_links_to_log_in(client_for, post):
    page = client_for(None).get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in page
    assert f'action="/posts/{post.pk}/vote/"' not in page
