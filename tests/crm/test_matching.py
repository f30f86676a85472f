"""Matching: contacts to users by email, to companies by email domain."""

from decimal import Decimal

import pytest

from frankly.crm.emails import canonical_email, company_domain, free_mail_domains
from frankly.crm.models import Company, Contact
from frankly.crm.services import ContactData, save_contact
from frankly.errors import Invalid
from tests.conftest import make_user


def test_a_contact_is_matched_to_the_user_with_that_email_whatever_the_case(db):
    user = make_user()
    contact, outcome = save_contact(email=f"  {user.email.upper()} ", data=ContactData())
    assert outcome == "added"
    assert contact.email == user.email
    assert contact.user == user


def test_contacts_on_one_domain_share_a_company(db):
    save_contact(email="a@acme.example", data=ContactData(company_name="Acme", plan="Gold"))
    save_contact(email="b@ACME.example", data=ContactData(value=Decimal("10")))
    company = Company.objects.get()
    assert (company.domain, company.name, company.plan) == ("acme.example", "Acme", "Gold")
    assert company.value == Decimal("10")
    assert set(company.contacts.values_list("email", flat=True)) == {
        "a@acme.example",
        "b@acme.example",
    }


@pytest.mark.parametrize("email", ["x@gmail.com", "x@outlook.com", "x@proton.me", "x@GMX.de"])
def test_free_mail_domains_never_make_a_company(db, email):
    contact, _ = save_contact(email=email, data=ContactData(company_name="Somewhere"))
    assert contact.company is None
    assert contact.company_name == "Somewhere"
    assert not Company.objects.exists()


def test_the_free_mail_list_ships_as_a_data_file():
    domains = free_mail_domains()
    assert {"gmail.com", "yahoo.com", "icloud.com"} <= domains
    assert not any(d.startswith("#") for d in domains)
    assert company_domain("jo@acme.example") == "acme.example"


def test_plus_tags_and_dots_are_kept_unless_configured(db, settings):
    save_contact(email="jo.ann+crm@gmail.com", data=ContactData())
    assert Contact.objects.get().email == "jo.ann+crm@gmail.com"
    settings.CRM_EMAIL_STRIP_PLUS_TAGS = True
    settings.CRM_EMAIL_DOTLESS_DOMAINS = ["gmail.com"]
    contact, outcome = save_contact(email="Jo.Ann+news@gmail.com", data=ContactData())
    assert (contact.email, outcome) == ("joann@gmail.com", "added")
    _, again = save_contact(email="joann+other@gmail.com", data=ContactData())
    assert again == "unchanged"


def test_a_bad_email_is_refused_and_stores_nothing(db):
    with pytest.raises(Invalid, match="not an email address"):
        save_contact(email="jack at acme", data=ContactData(name="Jack"))
    assert not Contact.objects.exists()


def test_canonical_email_folds_dots_tags_and_googlemail():
    assert canonical_email("Jo.Ann+x@googlemail.com") == "joann@gmail.com"


def test_staff_link_contacts_to_people_who_signed_up_after_the_import(client_for, staff):
    save_contact(email="late@acme.example", data=ContactData())
    save_contact(email="nobody@acme.example", data=ContactData())
    late = make_user()
    late.email = "late@acme.example"
    late.save()
    assert Contact.objects.get(email="late@acme.example").user is None  # nothing by itself
    response = client_for(staff).post("/staff/crm/link-accounts/", follow=True)
    assert "Linked 1 contact to the account" in response.content.decode()
    assert Contact.objects.get(email="late@acme.example").user == late
    assert Contact.objects.get(email="nobody@acme.example").user is None


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_linking_refuses_non_staff(client_for, customer, who):
    save_contact(email="late@acme.example", data=ContactData())
    customer.email = "late@acme.example"
    customer.save()
    response = client_for(None if who == "anonymous" else customer).post(
        "/staff/crm/link-accounts/"
    )
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert Contact.objects.get().user is None
