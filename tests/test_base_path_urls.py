"""With FRANKLY_BASE_PATH, links made outside a page (mails, the ledger) carry it too."""

import pytest
from django.urls import set_script_prefix

from frankly.feedback.services.staff import set_official_response
from frankly.notify.services import unsubscribe_url
from frankly.transparency.models import LedgerEntry
from frankly.transparency.rules import create_rule
from tests.test_settings import run_manage


@pytest.fixture
def community(settings):
    # What the WSGI handler (per request) and django.setup() (in the worker) do.
    settings.FORCE_SCRIPT_NAME = "/community"
    set_script_prefix("/community/")
    yield
    set_script_prefix("/")


def test_ledger_entries_record_addresses_under_the_base_path(community, staff, post):
    set_official_response(actor=staff, post_id=post.pk, body="Planned for May.")
    create_rule(actor=staff, title="No personal data")
    urls = list(LedgerEntry.objects.order_by("seq").values_list("object_url", flat=True))
    assert f"/community/posts/{post.pk}/#official-response" in urls
    assert "/community/transparency/rules/" in urls
    assert all(url.startswith("/community/") for url in urls), urls


def test_mail_links_are_the_origin_and_the_base_path(community, settings, customer):
    settings.SITE_URL = "https://company.example"
    assert unsubscribe_url(customer, "digest").startswith(
        "https://company.example/community/notifications/"
    )


def test_pages_rendered_under_the_base_path_link_within_it(community, client, post, customer):
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert f'href="/community/people/{customer.pk}/"' in page
    assert 'href="/community/accounts/login/?next=/community/posts/' in page


def test_base_path_setting_is_normalised_and_site_url_keeps_the_origin(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.BASE_PATH, s.FORCE_SCRIPT_NAME, s.SITE_URL, s.SITE_ROOT_URL, s.STATIC_URL, "
        "s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH)"
    )
    env = {"FRANKLY_BASE_PATH": "community/", "FRANKLY_SITE_URL": "https://co.example/community/"}
    out = run_manage("shell", "-v0", "-c", code, env_extra=env, tmp_path=tmp_path).stdout.split()
    assert out == [
        "/community",
        "/community",
        "https://co.example",
        "https://co.example/community",
        "/community/static/",
        "/community",
        "/community",
    ]
    plain = run_manage("shell", "-v0", "-c", code, env_extra={}, tmp_path=tmp_path).stdout.split()
    # An empty BASE_PATH prints nothing: the first word is FORCE_SCRIPT_NAME.
    assert plain[0] == "None" and plain[-3:] == ["/static/", "/", "/"]
