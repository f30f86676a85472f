"""Sign-up, log-in, password reset (through a real SMTP server), profile settings."""

import re

import pytest
from django.test import Client

from frankly.accounts.models import User
from frankly.accounts.services import update_profile
from frankly.errors import Invalid
from tests.conftest import PASSWORD, make_post

pytestmark = pytest.mark.django_db


def test_sign_up_with_email_and_display_name_logs_in(client_for, settings):
    from frankly import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    client = client_for(None)
    assert client.get("/accounts/signup/").status_code == 200
    response = client.post(
        "/accounts/signup/",
        {
            "email": "New.Person@Example.com",
            "display_name": "Nia New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email__iexact="new.person@example.com")
    assert user.display_name == "Nia New"
    assert not user.is_staff
    assert "Nia New" in client.get("/").content.decode()
    assert user.password.startswith("argon2")


def test_sign_up_refuses_a_taken_email_and_a_weak_password(client_for, customer):
    client = client_for(None)
    response = client.post(
        "/accounts/signup/",
        {
            "email": customer.email.upper(),
            "display_name": "Copy",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert b"already" in response.content
    response = client.post(
        "/accounts/signup/",
        {
            "email": "weak@example.com",
            "display_name": "Weak",
            "password1": "123",
            "password2": "123",
        },
    )
    assert b"too short" in response.content
    assert User.objects.count() == 1


def test_log_in_and_out(customer):
    client = Client()
    response = client.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert customer.public_name in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert customer.public_name not in client.get("/").content.decode()


def test_wrong_password_is_refused(customer):
    response = Client().post("/accounts/login/", {"login": customer.email, "password": "nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_password_reset_mail_arrives_over_smtp_and_works(customer, smtp_server):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": customer.email})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == customer.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new_password = "a brand new passphrase 42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(new_password)


def test_settings_page_changes_name_and_time_zone(client_for, customer):
    client = client_for(customer)
    response = client.post(
        "/account/settings/", {"display_name": "Carol C.", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.display_name, customer.time_zone) == ("Carol C.", "Europe/Berlin")
    response = client.post("/account/settings/", {"display_name": "", "time_zone": "Mars/Base"})
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.display_name == "Carol C."


def test_times_are_shown_in_the_viewers_time_zone(client_for, customer):
    post = make_post(customer)
    update_profile(user=customer, display_name="Carol", time_zone="Asia/Tokyo")
    page = client_for(customer).get(f"/posts/{post.pk}/").content.decode()
    assert "JST" in page
    assert "UTC" in client_for(None).get(f"/posts/{post.pk}/").content.decode()


def test_update_profile_refuses_an_unknown_time_zone(customer):
    with pytest.raises(Invalid):
        update_profile(user=customer, display_name="Carol", time_zone="Nowhere/Land")


def test_public_names_never_show_email_and_initials_are_derived(customer):
    assert customer.public_name == "Carol Customer"
    assert customer.initials == "CC"
    nameless = User.objects.create_user(email="x@example.com", password=PASSWORD)
    assert "@" not in nameless.public_name


def test_createstaff_command_makes_staff(db, capsys):
    from django.core.management import call_command

    call_command("createstaff", "boss@example.com", "--name", "Bo Boss")
    user = User.objects.get(email="boss@example.com")
    assert user.is_staff and user.display_name == "Bo Boss"
    assert "is staff now" in capsys.readouterr().out
