"""The status page and the mail speak each person's language: the page follows the
browser (Accept-Language) and is cached per language, the JSON API stays one shared
copy, and every email goes out in the recipient's language through a real SMTP server."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from frankly.incidents import services
from frankly.incidents.models import StatusSubscription, StatusVersion
from frankly.incidents.tasks import email_incident_update
from frankly.notify import services as notify
from frankly.notify.models import Kind, Notification
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BANNERS = {
    "en": "Major outage",
    "de": "Schwerer Ausfall",
    "fr": "Panne majeure",
    "es": "Interrupción grave",
}
HEADINGS = {"en": "Components", "de": "Komponenten", "fr": "Composants", "es": "Componentes"}


@pytest.fixture
def outage(staff):
    api = services.create_component(actor=staff, name="REST API")
    incident = services.open_incident(
        actor=staff,
        title="API errors",
        impact="major",
        body="Requests fail.",
        components=[api.pk],
        component_statuses={api.pk: "major_outage"},
    )
    # As if the write were a few seconds ago, so Last-Modified is sent too.
    StatusVersion.objects.update(changed_at=F("changed_at") - timedelta(seconds=5))
    return incident


def page(language: str, **headers):
    return Client().get("/status/", headers={"Accept-Language": language, **headers})


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_status_page_speaks_the_browsers_language(outage, language):
    response = page(language)
    html = response.content.decode()
    assert response.status_code == 200
    assert BANNERS[language] in html and HEADINGS[language] in html
    assert BANNERS["en"] not in html and ">Components<" not in html
    assert response["Content-Language"] == language


def test_each_language_has_its_own_cached_copy_and_etag(outage):
    english, german = page("en"), page("de")
    assert BANNERS["en"] in english.content.decode()
    assert BANNERS["de"] in german.content.decode()  # not the English copy cached first
    assert english["ETag"] != german["ETag"]
    for response in (english, german):
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    # The English validator does not make a German visitor keep the English page...
    again = page("de", **{"If-None-Match": english["ETag"]})
    assert again.status_code == 200 and BANNERS["de"] in again.content.decode()
    # ...while each language's own validator still answers 304.
    assert page("de", **{"If-None-Match": german["ETag"]}).status_code == 304
    assert page("en", **{"If-None-Match": english["ETag"]}).status_code == 304
    # The second German visitor gets the cached German copy.
    assert page("de").content == german.content


def test_a_cached_german_page_costs_no_more_queries_than_an_english_one(outage):
    page("en"), page("de")  # both renders cached

    def queries(language: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(language).status_code == 200
        return len(captured)

    english = queries("en")
    assert queries("de") == english
    assert english == 1  # the status version: nothing more for a translated page


def test_the_json_api_is_one_language_neutral_copy(outage):
    def get(language: str):
        return Client().get("/api/v1/status", headers={"Accept-Language": language})

    english, german = get("en"), get("de")
    assert english.json()["description"] == german.json()["description"] == BANNERS["en"]
    assert english["ETag"] == german["ETag"]
    assert english.content == german.content


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Feuille de route", "Prévu", "Rien ici pour le moment."]),
        ("es", ["Hoja de ruta", "Planificado", "Nada aquí por ahora."]),
        ("de", ["Roadmap", "Geplant", "Gerade nichts hier."]),
    ],
)
def test_the_roadmap_and_changelog_speak_the_browsers_language(db, language, words):
    roadmap = Client().get("/roadmap/", headers={"Accept-Language": language}).content.decode()
    for word in words:
        assert word in roadmap
    assert "Nothing here right now." not in roadmap
    changelog = Client().get("/changelog/", headers={"Accept-Language": "es"}).content.decode()
    assert "Registro de cambios" in changelog and "Aún no hay nada publicado aquí." in changelog


def test_a_form_error_on_the_status_page_is_in_the_visitors_language(db):
    response = Client().post(
        "/status/subscribe/", {"email": "not an address"}, headers={"Accept-Language": "es"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No podemos escribir a esa dirección de correo." in page
    assert "Dirección de correo" in page and "Suscribirse" in page
    assert not StatusSubscription.objects.exists()


# Mail ---------------------------------------------------------------------------------


def person(language: str):
    user = make_user(name=f"Reader {language}")
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_notification_email_is_written_in_each_recipients_language(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    german, english, default = person("de"), person("en"), person("")
    for user in (german, english, default):
        notify.set_email_preferences(user=user, choices={Kind.MENTION: "instant"})
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(
            [german, english, default],
            kind=Kind.MENTION,
            key="mention:test",
            title=notify.later(
                gettext_lazy("%(name)s mentioned you on “%(title)s”"),
                name="Sam",
                title="Dark mode",
            ),
            url="/posts/1/",
            body="Look at this.",
        )
    mails = {m["To"]: m for m in smtp_server.messages}
    assert len(mails) == 3
    de = mails[german.email]
    assert "Sam hat Sie in „Dark mode“ erwähnt" in de["Subject"]
    body = de.get_content()
    assert body.startswith(f"Hallo {german.public_name},")
    assert "Diese E-Mails mit einem Klick abbestellen:" in body
    assert "Stop these emails" not in body
    for user in (english, default):  # no choice: the site's language
        mail = mails[user.email]
        assert "Sam mentioned you on “Dark mode”" in mail["Subject"]
        assert mail.get_content().startswith(f"Hello {user.public_name},")
        assert "Stop these emails with one click:" in mail.get_content()
    # The inbox keeps each person's own wording as well.
    assert Notification.objects.get(user=german).title == "Sam hat Sie in „Dark mode“ erwähnt"


def test_the_daily_digest_is_in_the_recipients_language(
    smtp_server, django_capture_on_commit_callbacks
):
    french = person("fr")
    notify.set_email_preferences(user=french, choices={Kind.MENTION: "digest"})
    notify.notify([french], kind=Kind.MENTION, key="m:1", title="One", url="/posts/1/")
    notify.notify([french], kind=Kind.MENTION, key="m:2", title="Two", url="/posts/2/")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_daily_digests() == 1
    (mail,) = smtp_server.messages
    assert "Votre résumé quotidien : 2 nouveautés" in mail["Subject"]
    assert "passé depuis hier :" in mail.get_content()


def subscribe(capture, email: str, language: str):
    with capture(execute=True):
        response = Client().post(
            "/status/subscribe/", {"email": email}, headers={"Accept-Language": language}
        )
    assert response.status_code == 200
    return StatusSubscription.objects.get(email=email)


def test_status_subscribers_get_mail_in_the_language_they_subscribed_in(
    staff, smtp_server, django_capture_on_commit_callbacks
):
    german = subscribe(django_capture_on_commit_callbacks, "hans@example.com", "de")
    english = subscribe(django_capture_on_commit_callbacks, "jane@example.com", "en")
    assert (german.language, english.language) == ("de", "en")
    confirmations = {m["To"]: m for m in smtp_server.messages}
    assert "Bestätigen Sie Ihre Status-Updates" in confirmations["hans@example.com"]["Subject"]
    assert "Hier bestätigen:" in confirmations["hans@example.com"].get_content()
    assert "Confirm your status updates" in confirmations["jane@example.com"]["Subject"]
    for subscription in (german, english):
        path = re.search(
            r"/status/subscribe/confirm/[^/\s]+/",
            subscription_mail(confirmations[subscription.email]),
        ).group(0)
        assert Client().get(path).status_code in (200, 302)
    smtp_server.messages.clear()

    api = services.create_component(actor=staff, name="REST API")
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.open_incident(
            actor=staff,
            title="API errors",
            impact="major",
            body="Requests fail.",
            components=[api.pk],
            component_statuses={api.pk: "major_outage"},
        )
    mails = {m["To"]: m for m in smtp_server.messages}
    assert mails["hans@example.com"]["Subject"].endswith("API errors: Wird untersucht")
    assert "Mit einem Klick abbestellen:" in mails["hans@example.com"].get_content()
    assert mails["jane@example.com"]["Subject"].endswith("API errors: Investigating")
    assert "Stop with one click:" in mails["jane@example.com"].get_content()
    # A retry sends nothing more, in any language.
    with django_capture_on_commit_callbacks(execute=True):
        email_incident_update.call(incident.updates.get().pk)
    assert len(smtp_server.messages) == 2


def subscription_mail(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
