"""Never post on a customer's behalf: no write in the API takes a person to act for,
and a request that tries to name one writes as the caller or is refused."""

import pytest

from frankly.feedback.models import Post

pytestmark = pytest.mark.django_db
WHO = {"author", "author_id", "user", "user_id", "on_behalf_of", "as_user", "voter", "voter_id"}


def test_no_write_endpoint_takes_a_person_to_act_for(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    offenders = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                continue
            names = {p["name"] for p in operation.get("parameters", [])}
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                ref = media["schema"].get("$ref", "")
                names |= set(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            offenders += [f"{method.upper()} {path}: {n}" for n in names & WHO]
    # Staff ban a person: the person is acted on, not acted for.
    assert offenders == ["POST /api/v1/moderation/ban: user"]


def test_naming_another_author_writes_as_the_caller_or_is_refused(staff, customer, api_client):
    response = api_client(staff).post(
        "/posts",
        {"kind": "praise", "title": "We love it", "body": "Really", "author_id": customer.pk},
    )
    assert response.status_code in (201, 422)
    if response.status_code == 201:
        assert Post.objects.get().author == staff
    assert not Post.objects.filter(author=customer).exists()
