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


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Production uses whitenoise's manifest (built by collectstatic); tests read the
    source files directly so they need no build step."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Argon2 would spend most of the suite's time hashing the personas' passwords;
    # test_accounts checks that production hashes with Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # Background tasks run inline when enqueued (after the transaction commits), so
    # tests see their effects; the worker's database queue has tests of its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True, scope="session")
def _theme_version_file_of_this_run(tmp_path_factory):
    """The SQLite and PostgreSQL suites run side by side on one data directory: a
    theme saved in one must not make the other's cached theme miss."""
    from django.conf import settings

    settings.THEME_VERSION_FILE = tmp_path_factory.mktemp("theme") / "theme.version"


@pytest.fixture(autouse=True)
def _default_theme_cached(_theme_version_file_of_this_run):
    """Each test starts with the default theme cached, as a warm server has it: no
    theme saved by an earlier test leaks in, and page query counts stay exact."""
    from frankly.theming.caching import prime_with_defaults

    prime_with_defaults()


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


class _Inbox:
    """Collects what a real SMTP server (aiosmtpd) receives. ``stop()`` takes the
    server down, as a mail outage would."""

    def __init__(self):
        self.messages = []
        self.controller = None

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; Django sends mail to it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    inbox.controller = Controller(inbox, hostname="127.0.0.1", port=port)
    inbox.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        inbox.stop()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        if marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"):
            return True
        if marker.args and marker.args[0]:
            return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _ledger_rows_cleared_after_transactional_tests(request):
    """The ledger's triggers refuse DELETE, so the flush that ends a transactional
    test would fail on SQLite once anything was appended. Clear the ledger first,
    with the triggers lifted for that moment only."""
    if not _is_transactional(request):
        yield
        return
    # Set up the database helper first so that its flush runs after this teardown.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import transaction

    from frankly.transparency.models import Checkpoint, LedgerEntry, MerkleNode, TreeHead
    from tests.transparency.support import triggers_dropped

    if LedgerEntry.objects.exists() or Checkpoint.objects.exists() or MerkleNode.objects.exists():
        with transaction.atomic(), triggers_dropped():
            Checkpoint.objects.all().delete()
            LedgerEntry.objects.all().delete()
            TreeHead.objects.all().delete()
            MerkleNode.objects.all().delete()


@pytest.fixture(autouse=True)
def _generous_abuse_limits(settings):
    """Tests send many requests from one address in seconds: every rate limit is
    far out of reach and forms need no waiting. tests/security/test_abuse.py sets
    real limits to prove each one triggers."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1000000/m")
    settings.FORM_MIN_SECONDS = 0
