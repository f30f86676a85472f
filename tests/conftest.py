"""Shared personas and factories. Every test hits the real database and HTTP stack.

Personas: ``customer``, ``other_customer``, ``staff``, ``admin``, and ``anonymous``
(no user). Use ``client_for(user)`` for a logged-in Django test client and
``api_client(user)`` for a JSON client that authenticates with a real Bearer token.
"""

import itertools
import json

import pytest
from django.test import Client

from frankly.accounts.models import User
from frankly.accounts.services import create_api_token
from frankly.feedback import services as feedback
from frankly.feedback.models import Tag

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(*, name: str | None = None, staff: bool = False, admin: bool = False) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        email=f"person{n}@example.com",
        password=PASSWORD,
        display_name=name or f"Person {n}",
    )
    if staff or admin:
        user.is_staff = True
        user.is_superuser = admin
        user.save()
    return user


def make_post(author: User, *, title: str = "", kind: str = "idea", body: str = "", tags=()):
    n = next(_counter)
    return feedback.create_post(
        author=author, kind=kind, title=title or f"Idea number {n}", body=body, tags=tags
    )


def make_tag(name: str) -> Tag:
    from django.utils.text import slugify

    return Tag.objects.create(name=name, slug=slugify(name))


@pytest.fixture
def customer(db) -> User:
    return make_user(name="Carol Customer")


@pytest.fixture
def other_customer(db) -> User:
    return make_user(name="Oscar Other")


@pytest.fixture
def staff(db) -> User:
    return make_user(name="Sam Staff", staff=True)


@pytest.fixture
def admin(db) -> User:
    return make_user(name="Ada Admin", admin=True)


@pytest.fixture
def post(customer):
    return make_post(customer, title="Dark mode for the dashboard", body="My eyes hurt at night.")


@pytest.fixture
def client_for(db):
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


class ApiClient:
    """A JSON client: Bearer-token auth when given a user, anonymous otherwise."""

    def __init__(self, user: User | None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, token = create_api_token(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {token}"

    def _send(self, method: str, path: str, data=None, **extra):
        kwargs = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if data is not None:
            kwargs["data"] = data if isinstance(data, (str, bytes)) else json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs, **extra)

    def get(self, path, **extra):
        return self.client.get(f"/api/v1{path}", headers=self.headers, **extra)

    def post(self, path, data=None, **extra):
        return self._send("post", path, data if data is not None else {}, **extra)

    def patch(self, path, data=None, **extra):
        return self._send("patch", path, data, **extra)

    def delete(self, path, **extra):
        return self._send("delete", path, **extra)


@pytest.fixture
def api_client(db):
    return ApiClient
