"""Which language a page speaks: the browser's, unless the person chose one; visitors
choose with a plain form; cached pages are kept apart per language; Arabic reads
right to left; dates follow the language."""

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frankly.feedback.models import Post
from tests.conftest import make_post

GERMAN = "Beiträge durchsuchen"  # "Search posts"
FRENCH = "Rechercher des publications"
SPANISH = "Buscar publicaciones"


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def test_the_browser_language_picks_the_page_language(client_for, post):
    page = client_for(None).get("/", headers={"accept-language": "de-DE,de;q=0.9"})
    text = page.content.decode()
    assert GERMAN in text
    assert "Neuer Beitrag" in text  # the board's own strings too, not only base.html
    assert "Search posts" not in text
    assert _html_tag(text) == '<html lang="de" dir="ltr">'
    assert page.headers["Content-Language"] == "de"


def test_english_stays_the_default(client_for, post):
    text = client_for(None).get("/", headers={"accept-language": "ja"}).content.decode()
    assert "Search posts" in text
    assert _html_tag(text) == '<html lang="en" dir="ltr">'


def test_a_persons_chosen_language_wins_over_the_browser(client_for, customer, post):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    text = client_for(customer).get("/", headers={"accept-language": "de"}).content.decode()
    assert FRENCH in text
    assert GERMAN not in text


def test_a_person_chooses_their_language_in_settings(client_for, customer):
    client = client_for(customer)
    response = client.post(
        "/account/settings/",
        {"form": "profile", "display_name": customer.display_name, "language": "es"},
        headers={"accept-language": "de"},
        follow=True,
    )
    customer.refresh_from_db()
    assert customer.language == "es"
    assert "Tu configuración está guardada." in response.content.decode()
    assert 'name="language"' in response.content.decode()


def test_an_unknown_language_is_refused_with_a_form_error(client_for, customer):
    response = client_for(customer).post(
        "/account/settings/",
        {"form": "profile", "display_name": customer.display_name, "language": "xx"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    customer.refresh_from_db()
    assert customer.language == ""


def test_choosing_the_browser_again_clears_the_choice(client_for, customer):
    customer.language = "de"
    customer.save(update_fields=["language"])
    client_for(customer).post(
        "/account/settings/",
        {"form": "profile", "display_name": customer.display_name, "language": ""},
    )
    customer.refresh_from_db()
    assert customer.language == ""


def test_a_visitor_changes_language_with_the_form_and_its_csrf_token(db, post):
    client = Client(enforce_csrf_checks=True)
    board = client.get("/").content.decode()
    assert '<a href="/language/?next=/">' in board
    chooser = client.get("/language/?next=/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', chooser).group(1)
    assert 'action="/i18n/setlang/"' in chooser

    refused = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert refused.status_code == 403  # no token, no change

    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SPANISH in client.get("/").content.decode()


def test_the_chooser_never_sends_a_visitor_to_another_site(client_for, db):
    page = client_for(None).get("/language/?next=https://evil.example/").content.decode()
    assert 'name="next" value="/"' in page


def test_signed_in_people_choose_in_their_settings(client_for, customer):
    response = client_for(customer).get("/language/")
    assert response.status_code == 302
    assert response["Location"] == "/account/settings/"


def test_the_cached_board_is_kept_apart_per_language(client_for, customer):
    make_post(customer, title="Offline mode")  # a write: the board is served from the cache

    def visit(language: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            text = client_for(None).get("/", headers={"accept-language": language})
        return text.content.decode(), len(ctx.captured_queries)

    english, _ = visit("en")
    german, _ = visit("de")
    german_again, queries = visit("de")
    english_again, _ = visit("en")
    assert queries == 1  # the German page came from the cache...
    assert GERMAN in german_again and "Search posts" not in german_again
    assert "Search posts" in english_again and GERMAN not in english_again
    assert german_again == german and english_again == english


def test_arabic_pages_run_right_to_left(client_for, post):
    text = client_for(None).get("/", headers={"accept-language": "ar"}).content.decode()
    assert _html_tag(text) == '<html lang="ar" dir="rtl">'


def test_dates_follow_the_language(client_for, post):
    Post.objects.filter(pk=post.pk).update(
        created_at=datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC)
    )
    url = post.get_absolute_url()
    english = client_for(None).get(url, headers={"accept-language": "en"}).content.decode()
    german = client_for(None).get(url, headers={"accept-language": "de"}).content.decode()
    assert "5 Mar 2026, 14:30 UTC" in english  # as English pages always showed it
    assert "5. März 2026" in german
