"""A person's own data: export everything, delete the account leaving no personal
data behind, hide the name or the profile; and the generated privacy page."""

import io
import json
import re
import socket
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from frankly.accounts import privacy, testimonials
from frankly.accounts.contact import set_contact_preferences
from frankly.accounts.models import DataExport
from frankly.feedback import services as feedback
from frankly.feedback.models import Post, Vote
from frankly.incidents import services as incidents
from frankly.notify.models import Event
from frankly.notify.services import set_email_preferences
from frankly.notify.webhook_admin import register_endpoint
from frankly.roadmap import services as roadmap
from frankly.transparency.models import ModerationAction, Rule
from frankly.transparency.moderation import appeal_hiding, hide_content
from tests.conftest import PASSWORD, make_post

pytestmark = pytest.mark.django_db
NAME = "Zelda Quartermaine"


@pytest.fixture
def zelda(customer):
    customer.display_name = NAME
    customer.email = "zelda.q@example.org"
    customer.save()
    return customer


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def a_full_life(person, *, staff, other):
    """One of everything a customer can create."""
    post = make_post(person, kind="praise", title="Exports are great", body="I love exports.")
    feedback.edit_post(actor=person, post_id=post.pk, body="I really love exports.")
    feedback.add_comment(author=person, post_id=post.pk, body="Me again, hi @Other")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    others_post = make_post(other, title="Dark mode please")
    feedback.add_vote(user=person, post_id=others_post.pk)
    feedback.follow_post(user=person, post_id=others_post.pk)
    reply = feedback.add_comment(author=other, post_id=post.pk, body="Agreed!")
    feedback.add_comment(
        author=person, post_id=post.pk, body="Thanks", parent_id=reply.pk
    )  # notifies other, naming the person
    component = incidents.create_component(actor=staff, name="API")
    incident = incidents.open_incident(
        actor=staff, title="Outage", impact="minor", body="Slow.", components=[component.pk]
    )
    incidents.add_incident_comment(author=person, incident_id=incident.pk, body="Down for us")
    incidents.report_affected(user=person, incident_id=incident.pk)
    entry = roadmap.create_entry(actor=staff, title="Shipped", body="Yes", publish=True)
    roadmap.add_entry_comment(author=person, entry_id=entry.pk, body="Nice entry")
    rule = Rule.objects.create(title="On topic")
    hidden = feedback.add_comment(author=person, post_id=others_post.pk, body="Off topic")
    hide_content(
        actor=staff, object_type="comment", object_id=hidden.pk, rule_id=rule.pk, reason="x"
    )
    appeal_hiding(author=person, object_type="comment", object_id=hidden.pk, message="Unfair")
    request = testimonials.request_testimonial(
        actor=staff,
        object_type="post",
        object_id=post.pk,
        quote="I really love exports.",
        placement="home",
        until=timezone.localdate() + timedelta(days=5),
    )
    testimonials.decide_testimonial(actor=person, request_id=request.pk, decision="accept")
    set_contact_preferences(user=person, surveys=True)
    set_email_preferences(user=person, choices={"reply": "instant"})
    from frankly.accounts.services import create_api_token

    create_api_token(user=person, name="laptop")
    from allauth.socialaccount.models import SocialAccount

    from frankly.crm.models import Contact, SsoIdentity

    Contact.objects.create(email=person.email, name=person.display_name, plan="Pro", user=person)
    SsoIdentity.objects.create(user=person, external_id="acme-42")
    SocialAccount.objects.create(
        user=person, provider="openid_connect", uid="sub-42", extra_data={"email": person.email}
    )
    from frankly.portability.claims import claim_imported_items
    from frankly.portability.importers import import_file

    import_file(
        source="csv",
        apply=True,
        data=(
            "id,title,body,created_at,author_name,author_email,voter_emails\n"
            f"z1,Old idea,From the old tool,2023-01-01,{NAME},{person.email},{person.email}\n"
        ).encode(),
    )
    claim_imported_items(user=person)
    return {"post": post, "others_post": others_post, "incident": incident}


def linked_to_users():
    User = get_user_model()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                getattr(field, "related_model", None) is User
                and field.concrete
                and (field.many_to_one or field.one_to_one)
            ):
                yield model._meta.label, field.name


def test_every_model_that_points_at_a_person_is_exported_or_said_not_to_be_theirs():
    unknown = [
        f"{label}.{field}"
        for label, field in linked_to_users()
        if label not in privacy.EXPORTED
        and label not in privacy.NOT_EXPORTED
        and f"{label}.{field}" not in privacy.NOT_EXPORTED
    ]
    assert unknown == [], "Add these to EXPORTED or NOT_EXPORTED in accounts/privacy.py"


def test_the_export_holds_every_kind_of_data_the_person_created(
    zelda, staff, other_customer, client_for, smtp_server, django_capture_on_commit_callbacks
):
    a_full_life(zelda, staff=staff, other=other_customer)
    client = client_for(zelda)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/export/")
    assert response.status_code == 302
    export = DataExport.objects.get(user=zelda)
    assert export.state == DataExport.State.READY
    [mail] = [m for m in smtp_server.messages if "export" in m["Subject"]]
    assert mail["To"] == zelda.email and "/account/export/" in mail.get_content()

    page = client.get("/account/export/").content.decode()
    link = re.search(r'href="(/account/export/\d+/download/)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == ["data.json", "data.md"]
    data = json.loads(archive.read("data.json"))
    for section in set(privacy.EXPORTED.values()) - {"data_exports"}:
        assert data[section], f"the export's {section} is empty"
    assert data["profile"]["email"] == zelda.email
    assert data["posts"][0]["body"] == "I really love exports."
    assert {c["body"] for c in data["comments"]} >= {"Thanks", "Off topic"}
    assert data["votes"][0]["post_title"] == "Dark mode please"
    assert data["consents"][0]["state"] == "accepted"
    assert data["contact_preferences"]["surveys"] is True
    assert data["edits"][0]["new"] == {"body": "I really love exports."}
    assert "Exports are great" in archive.read("data.md").decode()
    assert "digest" not in json.dumps(data["api_tokens"])

    assert client_for(other_customer).get(link).status_code == 404
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(link).status_code == 404


def test_one_export_at_a_time(zelda, client_for, api_client):
    DataExport.objects.create(user=zelda)
    response = api_client(zelda).post("/me/exports")
    assert response.status_code == 409
    assert "already being prepared" in response.json()["detail"]


def test_export_user_command_writes_the_zip(zelda, tmp_path):
    make_post(zelda, title="From the command line")
    target = tmp_path / "out.zip"
    call_command("export-user", zelda.email.upper(), "--output", str(target))
    data = json.loads(zipfile.ZipFile(target).read("data.json"))
    assert data["posts"][0]["title"] == "From the command line"
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no account"):
        call_command("export-user", "nobody@example.com")


def personal_data_left(*needles: str) -> list[str]:
    """Every text column of every table that still holds one of ``needles``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                for pk, value in model.objects.values_list("pk", field.name):
                    if any(n.lower() in json.dumps(value).lower() for n in needles):
                        found.append(f"{model._meta.label}.{field.name}#{pk}")
            elif isinstance(field, (models.CharField, models.TextField)):
                for needle in needles:
                    hits = model.objects.filter(**{f"{field.name}__icontains": needle})
                    found += [
                        f"{model._meta.label}.{field.name}#{pk}"
                        for pk in hits.values_list("pk", flat=True)
                    ]
    return found


@pytest.mark.parametrize("keep_content", [True, False])
def test_deleting_the_account_leaves_no_personal_data(
    keep_content,
    zelda,
    staff,
    other_customer,
    client_for,
    settings,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    register_endpoint(
        actor=staff, url=f"http://127.0.0.1:{closed_port()}/hook", events=Event.values
    )
    life = a_full_life(zelda, staff=staff, other=other_customer)
    from frankly.incidents.models import StatusSubscription

    StatusSubscription.objects.create(email=zelda.email, all_components=True)
    from axes.models import AccessFailureLog

    AccessFailureLog.objects.create(
        username=zelda.email, ip_address="192.0.2.7", user_agent="test", attempt_time=timezone.now()
    )
    assert personal_data_left(zelda.email, NAME)  # the scan does find them before
    client = client_for(zelda)
    client.get("/account/export/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/delete/",
            {"password": PASSWORD, "keep_content": "on" if keep_content else "", "confirm": "on"},
        )
    assert response.status_code == 200
    assert "being deleted" in response.content.decode()
    assert client.get("/account/settings/").status_code == 302  # logged out

    assert personal_data_left(zelda.email, NAME) == []
    assert not get_user_model().objects.filter(pk=zelda.pk).exists()
    post = Post.objects.get(pk=life["post"].pk)
    assert post.author is None
    if keep_content:
        assert post.body == "I really love exports." and not post.is_deleted
    else:
        assert post.body == "" and post.is_deleted
    others_post = Post.objects.get(pk=life["others_post"].pk)
    assert others_post.vote_count == Vote.objects.filter(post=others_post).count() == 0
    incident = life["incident"]
    incident.refresh_from_db()
    assert incident.affected_count == incident.reports.count() == 0
    line = ModerationAction.objects.get(action="erase")
    assert line.actor is None and line.object_type == "user" and NAME not in line.reason
    assert testimonials.live_testimonials() == []
    [goodbye] = [m for m in smtp_server.messages if "deleted" in m["Subject"]]
    assert goodbye["To"] == "zelda.q@example.org"
    page = client_for(None).get(post.get_absolute_url()).content.decode()
    assert NAME not in page
    assert ("Deleted user" if keep_content else "Deleted by its author") in page


def test_a_wrong_password_deletes_nothing(zelda, client_for):
    response = client_for(zelda).post("/account/delete/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "password is not right" in response.content.decode()
    zelda.refresh_from_db()
    assert zelda.is_active and zelda.deleted_at is None


def test_staff_cannot_delete_their_account_themselves(staff, client_for):
    response = client_for(staff).post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400
    staff.refresh_from_db()
    assert staff.is_active


def test_a_hidden_name_shows_as_a_customer_with_no_profile_link(
    zelda, staff, other_customer, client_for, api_client
):
    post = make_post(zelda, title="Private person's idea")
    client_for(zelda).post(
        "/account/settings/", {"form": "privacy", "hide_profile": ""}
    )  # show_name unticked
    zelda.refresh_from_db()
    assert zelda.show_name is False
    page = client_for(other_customer).get(post.get_absolute_url()).content.decode()
    assert "A customer" in page and NAME not in page
    assert f"/people/{zelda.pk}/" not in page
    author = api_client(None).get(f"/posts/{post.pk}").json()["author"]
    assert author == {"id": None, "name": "A customer", "is_staff": False}
    assert client_for(other_customer).get(f"/people/{zelda.pk}/").status_code == 404
    assert client_for(staff).get(f"/people/{zelda.pk}/").status_code == 200
    assert client_for(zelda).get(f"/people/{zelda.pk}/").status_code == 200


def test_a_hidden_profile_keeps_the_name_on_posts(zelda, other_customer, client_for):
    post = make_post(zelda)
    client_for(zelda).post(
        "/account/settings/", {"form": "privacy", "show_name": "on", "hide_profile": "on"}
    )
    page = client_for(other_customer).get(post.get_absolute_url()).content.decode()
    assert NAME in page
    assert client_for(other_customer).get(f"/people/{zelda.pk}/").status_code == 404


def test_the_privacy_page_follows_the_settings(client, settings):
    page = client.get("/privacy/").content.decode()
    assert "sessionid" in page and "csrftoken" in page
    assert "no cookie banner" in page and "no third-party trackers" in page
    settings.SESSION_COOKIE_NAME = "frankly_session"
    settings.SESSION_COOKIE_AGE = 86_400 * 3
    page = client.get("/privacy/").content.decode()
    assert "frankly_session" in page and "3 days" in page
    assert "Privacy" in client.get("/").content.decode()
