"""Stale contacts: each reason on seeded data, the page, the API and the CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from frankly.accounts.contact import set_contact_preferences
from frankly.crm.models import Contact, EmailBounce
from frankly.crm.services import ContactData, record_bounce, save_contact
from frankly.crm.stale import stale_reasons
from tests.conftest import make_post, make_user

RECENT = timezone.now() - timedelta(days=3)


def fresh(email: str, **data) -> Contact:
    """A contact the CRM touched recently, so it is not stale for inactivity."""
    contact, _ = save_contact(email=email, data=ContactData(last_contacted_at=RECENT, **data))
    return contact


def reasons_of(contact: Contact) -> list[str]:
    return [r.code for r in stale_reasons().get(contact.pk, [])]


def test_a_recently_contacted_contact_is_not_stale(db):
    assert reasons_of(fresh("ok@acme.example")) == []


def test_user_moved_to_another_companys_domain(db):
    user = make_user()
    contact = fresh(user.email)
    assert contact.user == user
    user.email = "carol@newco.example"
    user.save()
    reasons = stale_reasons()[contact.pk]
    assert [r.code for r in reasons] == ["email_moved"]
    assert "carol@newco.example" in reasons[0].detail
    assert "newco.example" in reasons[0].suggested_fix


def test_moving_to_free_mail_is_not_a_company_change(db):
    user = make_user()
    contact = fresh(user.email)
    user.email = "carol@gmail.com"
    user.save()
    assert reasons_of(contact) == []


def test_a_bounced_address(db):
    contact = fresh("gone@acme.example")
    record_bounce(email="GONE@acme.example", code=550, message="5.1.1 No such user")
    [reason] = stale_reasons()[contact.pk]
    assert reason.code == "bounced"
    assert "550 5.1.1 No such user" in reason.detail


def test_no_activity_and_no_crm_contact_for_months(db, settings):
    settings.CRM_STALE_MONTHS = 6
    long_ago = timezone.now() - timedelta(days=400)
    quiet, _ = save_contact(
        email="quiet@acme.example", data=ContactData(last_contacted_at=long_ago)
    )
    never, _ = save_contact(email="never@acme.example", data=ContactData())
    active_user = make_user()
    active, _ = save_contact(email=active_user.email, data=ContactData(last_contacted_at=long_ago))
    make_post(active_user)  # activity in Frankly keeps the contact current
    found = stale_reasons()
    assert [r.code for r in found[quiet.pk]] == ["inactive"]
    assert "last CRM contact" in found[quiet.pk][0].detail
    assert "no CRM contact on record" in found[never.pk][0].detail
    assert active.pk not in found
    assert quiet.pk not in stale_reasons(months=24)


def test_duplicate_contacts_for_one_person(db):
    a = fresh("jo.ann@gmail.com")
    b = fresh("joann+crm@gmail.com")
    c = fresh("someone@gmail.com")
    found = stale_reasons()
    assert [r.code for r in found[a.pk]] == ["duplicate"]
    assert "joann+crm@gmail.com" in found[a.pk][0].detail
    assert "jo.ann@gmail.com" in found[b.pk][0].detail
    assert c.pk not in found


def test_two_contacts_linked_to_one_account_are_duplicates(db):
    user = make_user()
    first = fresh(user.email)
    other = fresh("carol@acme.example")
    Contact.objects.filter(pk=other.pk).update(user=user)
    assert "duplicate" in reasons_of(first)
    assert "the same Frankly account" in stale_reasons()[other.pk][-1].detail


def test_crm_plans_a_call_but_the_user_said_never(db):
    said_never, agreed = make_user(), make_user()
    set_contact_preferences(user=said_never, sales_contact="never", product_news=True)
    set_contact_preferences(user=agreed, sales_contact="when_asked")
    a = fresh(said_never.email, plans_sales_contact=True)
    b = fresh(agreed.email, plans_sales_contact=True)
    silent = fresh(make_user().email, plans_sales_contact=True)
    found = stale_reasons()
    assert [r.code for r in found[a.pk]] == ["preference_conflict"]
    assert 'chose "never"' in found[a.pk][0].detail
    assert b.pk not in found
    assert "default is never" in found[silent.pk][0].detail


@pytest.fixture
def seeded(db):
    user = make_user()
    fresh(user.email, name="Moved Mo", owner="Olga")
    user.email = "mo@newco.example"
    user.save()
    fresh("bounce@acme.example", name='=HYPERLINK("x")')
    EmailBounce.objects.create(email="bounce@acme.example", code=550, message="no such user")
    return user


def test_the_api_lists_stale_contacts_with_reasons(seeded, api_client, staff):
    client = api_client(staff)
    response = client.get("/crm/stale?limit=1")
    assert response.status_code == 200
    first = response.json()
    assert first["items"][0]["email"] == "bounce@acme.example"
    assert first["items"][0]["reasons"][0]["code"] == "bounced"
    second = client.get(f"/crm/stale?limit=1&cursor={first['next']}").json()
    assert second["items"][0]["reasons"][0]["code"] == "email_moved"
    assert second["next"] is None
    bad = client.get("/crm/stale?months=0")
    assert bad.status_code == 422
    assert "Months" in bad.json()["detail"]


def test_the_staff_page_and_csv_export(seeded, client_for, staff):
    client = client_for(staff)
    page = client.get("/staff/crm/stale/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "bounce@acme.example" in body and "no such user" in body
    assert "mo@newco.example" in body
    assert client.get("/staff/crm/stale/?months=abc").status_code == 400
    export = client.get("/staff/crm/stale.csv?months=6")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {r["reason"] for r in rows} == {"bounced", "email_moved"}
    assert all(r["suggested fix"] for r in rows)
    bounced = next(r for r in rows if r["reason"] == "bounced")
    assert bounced["name"].startswith("'=")  # no formula runs in a spreadsheet


def test_the_stale_page_costs_a_fixed_number_of_queries(
    seeded, client_for, staff, django_assert_max_num_queries
):
    for n in range(10):
        fresh(f"dup{n}@gmail.com")
        fresh(f"d.up{n}@gmail.com")
    client = client_for(staff)
    client.get("/staff/crm/stale/")
    # session, user, six reason queries, the order, the page of contacts, unread count
    with django_assert_max_num_queries(12):  # incl. the staff header's open-alerts count
        assert client.get("/staff/crm/stale/").status_code == 200


def test_nothing_is_changed_by_looking(seeded, client_for, api_client, staff):
    before = list(Contact.objects.values().order_by("pk"))
    client_for(staff).get("/staff/crm/stale/")
    client_for(staff).get("/staff/crm/stale.csv")
    api_client(staff).get("/crm/stale")
    assert list(Contact.objects.values().order_by("pk")) == before


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_stale_pages_and_api_refuse_non_staff(seeded, client_for, api_client, customer, who):
    user = None if who == "anonymous" else customer
    for url in ("/staff/crm/stale/", "/staff/crm/stale.csv"):
        response = client_for(user).get(url)
        assert response.status_code == (302 if user is None else 403)
        assert b"bounce@acme.example" not in response.content
    response = api_client(user).get("/crm/stale")
    assert response.status_code == (401 if user is None else 403)


def test_a_bad_cursor_is_a_clear_422(seeded, api_client, staff):
    response = api_client(staff).get("/crm/stale?cursor=WzEsMl0")  # [1,2]: wrong types
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"]


def test_many_stale_contacts_page_and_export(db, client_for, api_client, staff):
    from frankly.crm.importing import import_contacts

    rows = "".join(f"person{n:05d}@acme.example\n" for n in range(700))
    import_contacts(filename="big.csv", data=("Email\n" + rows).encode())
    client = api_client(staff)
    page = client.get("/crm/stale?limit=500").json()
    assert len(page["items"]) == 500 and page["next"]
    export = client_for(staff).get("/staff/crm/stale.csv")
    assert export.content.decode().count("inactive") == 700
