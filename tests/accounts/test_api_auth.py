"""API tokens: shown once, stored as a digest, revocable at once, only by their owner."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from frankly.accounts.models import ApiToken, User
from frankly.accounts.services import create_api_token, revoke_api_token
from frankly.errors import NotAllowed, NotFound

INVALID_TOKEN = "That API token is not valid or was revoked."


def me(token: str):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_new_token_works_as_bearer_on_me(customer):
    _, token = create_api_token(user=customer, name="laptop")
    response = me(token)
    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "email": customer.email,
        "name": "Carol Customer",
        "role": "customer",
        "time_zone": "",
        "show_name": True,
        "hide_profile": False,
    }


def test_me_names_the_role_of_staff_and_admins(staff, admin):
    for user, role in ((staff, "staff"), (admin, "admin")):
        _, token = create_api_token(user=user, name="ci")
        assert me(token).json()["role"] == role


def test_only_a_sha256_digest_of_the_token_is_stored(customer):
    record, token = create_api_token(user=customer, name="laptop")
    stored = ApiToken.objects.filter(pk=record.pk).values().get()
    assert stored["digest"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in stored.values())
    # The prefix helps a person recognise a token; it is far too short to use.
    assert token.startswith(stored["prefix"]) and len(stored["prefix"]) < len(token) / 3


def test_each_token_is_different(customer):
    tokens = {create_api_token(user=customer, name=f"t{i}")[1] for i in range(5)}
    assert len(tokens) == 5


def test_using_a_token_records_when_it_was_last_used(customer):
    record, token = create_api_token(user=customer, name="laptop")
    assert record.last_used_at is None
    me(token)
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_revoking_a_token_stops_it_at_once(customer):
    record, token = create_api_token(user=customer, name="laptop")
    assert me(token).status_code == 200
    revoke_api_token(user=customer, token_id=record.pk)
    response = me(token)
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_TOKEN}
    record.refresh_from_db()
    assert record.revoked_at is not None


def test_revoking_one_token_leaves_the_others_working(customer):
    first, first_token = create_api_token(user=customer, name="laptop")
    _, second_token = create_api_token(user=customer, name="phone")
    revoke_api_token(user=customer, token_id=first.pk)
    assert me(first_token).status_code == 401
    assert me(second_token).status_code == 200


def test_revoking_twice_keeps_the_first_revocation_time(customer):
    record, _ = create_api_token(user=customer, name="laptop")
    first = revoke_api_token(user=customer, token_id=record.pk).revoked_at
    assert revoke_api_token(user=customer, token_id=record.pk).revoked_at == first


def test_a_revoked_token_is_refused_on_public_reads_too(customer):
    record, token = create_api_token(user=customer, name="laptop")
    revoke_api_token(user=customer, token_id=record.pk)
    response = Client().get("/api/v1/posts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == INVALID_TOKEN


@pytest.mark.parametrize(
    "token",
    [
        "frk_made-up-token",
        "nope",
        "frk_" + "A" * 43,
        "' OR 1=1 --",
        "x" * 5000,
    ],
)
def test_a_made_up_token_gets_401_with_a_detail(token, customer):
    create_api_token(user=customer, name="laptop")
    response = me(token)
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_TOKEN}


def test_a_token_of_a_disabled_account_stops_working(customer):
    _, token = create_api_token(user=customer, name="laptop")
    customer.is_active = False
    customer.save()
    assert me(token).status_code == 401


@pytest.mark.parametrize("header", ["", "Basic dXNlcjpwYXNz", "Token abc"])
def test_a_missing_or_foreign_authorization_header_is_treated_as_anonymous(header):
    response = Client().get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Sign in first")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "bearer  "])
def test_an_empty_bearer_token_gets_401(header, db):
    response = Client().get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_TOKEN}


def test_one_user_cannot_revoke_anothers_token(customer, other_customer):
    record, token = create_api_token(user=customer, name="laptop")
    with pytest.raises(NotAllowed, match="belongs to someone else"):
        revoke_api_token(user=other_customer, token_id=record.pk)
    record.refresh_from_db()
    assert record.revoked_at is None
    assert me(token).status_code == 200


def test_revoking_a_token_that_does_not_exist_says_so(customer):
    with pytest.raises(NotFound):
        revoke_api_token(user=customer, token_id=987654)


# The page: Account → API tokens.


def test_the_tokens_page_shows_a_new_token_once_and_it_works(customer, client_for):
    client = client_for(customer)
    response = client.post("/account/tokens/", {"name": "my script"})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token and token in response.content.decode()
    assert me(token).status_code == 200
    again = client.get("/account/tokens/").content.decode()
    assert token not in again
    assert "my script" in again


def test_revoking_on_the_page_stops_the_token_at_once(customer, client_for):
    record, token = create_api_token(user=customer, name="laptop")
    response = client_for(customer).post(f"/account/tokens/{record.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/account/tokens/"
    assert me(token).status_code == 401


def test_revoking_on_the_page_needs_csrf(customer):
    record, token = create_api_token(user=customer, name="laptop")
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(f"/account/tokens/{record.pk}/revoke/")
    assert response.status_code == 403
    assert me(token).status_code == 200


def test_revoking_on_the_page_needs_a_post(customer, client_for):
    record, token = create_api_token(user=customer, name="laptop")
    response = client_for(customer).get(f"/account/tokens/{record.pk}/revoke/")
    assert response.status_code == 405
    assert me(token).status_code == 200


def test_the_page_does_not_revoke_someone_elses_token(customer, other_customer, client_for):
    record, token = create_api_token(user=customer, name="laptop")
    response = client_for(other_customer).post(f"/account/tokens/{record.pk}/revoke/")
    assert response.status_code == 403
    assert "belongs to someone else" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is None
    assert me(token).status_code == 200


def test_the_page_does_not_let_anonymous_revoke(customer, client_for):
    record, token = create_api_token(user=customer, name="laptop")
    response = client_for(None).post(f"/account/tokens/{record.pk}/revoke/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert me(token).status_code == 200


@pytest.mark.parametrize("token_id", ["987654", "0", "99999999999999999999"])
def test_the_page_answers_404_for_a_token_that_does_not_exist(token_id, customer, client_for):
    response = client_for(customer).post(f"/account/tokens/{token_id}/revoke/")
    assert response.status_code == 404


# The command line: frankly token create.


def run_token_create(*args: str) -> str:
    out = StringIO()
    call_command("token", "create", *args, stdout=out)
    return out.getvalue().strip()


def test_token_create_staff_makes_the_account_staff_and_prints_a_working_token(db):
    token = run_token_create("--email", "ops@example.com", "--staff")
    user = User.objects.get(email="ops@example.com")
    assert user.is_staff
    response = me(token)
    assert response.status_code == 200
    assert response.json()["role"] == "staff"
    assert response.json()["email"] == "ops@example.com"
    assert ApiToken.objects.filter(user=user, name="command line").count() == 1


def test_token_create_staff_promotes_an_existing_account(customer):
    token = run_token_create("--email", customer.email.upper(), "--staff", "--name", "deploy")
    customer.refresh_from_db()
    assert customer.is_staff
    assert User.objects.count() == 1
    assert me(token).json()["id"] == customer.pk
    assert ApiToken.objects.get(user=customer).name == "deploy"


def test_token_create_for_an_existing_account_leaves_it_a_customer(customer):
    token = run_token_create("--email", customer.email)
    customer.refresh_from_db()
    assert not customer.is_staff
    assert me(token).json()["role"] == "customer"


def test_token_create_without_staff_refuses_a_missing_account(db):
    with pytest.raises(CommandError) as error:
        run_token_create("--email", "nobody@example.com")
    assert str(error.value) == (
        "There is no account for nobody@example.com. Sign up first, or pass --staff."
    )
    assert not User.objects.exists()
    assert not ApiToken.objects.exists()


def test_token_create_needs_an_email(db):
    with pytest.raises(CommandError, match="--email"):
        run_token_create()


def test_token_create_output_is_only_the_token(customer):
    token = run_token_create("--email", customer.email)
    assert token.startswith("frk_") and " " not in token and "\n" not in token
    record = ApiToken.objects.get(user=customer)
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
