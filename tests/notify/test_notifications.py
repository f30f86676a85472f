"""Notifications: the in-app inbox for everyone who follows a post, and email only for
those who asked for it (right away or in a daily digest), each email with a one-click
unsubscribe. Background tasks run inline after commit (see conftest), so the writes
below are wrapped in ``django_capture_on_commit_callbacks(execute=True)``."""

import re
import socket
import time
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.test import Client

from frankly.feedback import services
from frankly.feedback.models import Comment
from frankly.notify import services as notify
from frankly.notify import tasks
from frankly.notify.models import STAFF_KINDS, Kind, Notification, OutboxMessage, OutboxStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

UNREAD_BADGE = re.compile(r'class="badge unread-count"[^>]*>(\d+)<')
# A long header value may be folded onto the next line (RFC 5322), hence the \s*.
UNSUBSCRIBE_HEADER = re.compile(r"^\s*<(https?://[^>]+/notifications/unsubscribe/([^/>]+)/)>$")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work of the writes inside: fan-out tasks and the sends
    they queue, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def follower(db, post):
    person = make_user(name="Fiona Follower")
    services.follow_post(user=person, post_id=post.pk)
    return person


def comment(after_commit, author, post, body: str = "Me too!", parent=None) -> Comment:
    with after_commit():
        return services.add_comment(
            author=author, post_id=post.pk, body=body, parent_id=parent.pk if parent else None
        )


def inbox(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).values_list("kind", "title"))


def choose(user, **choices: str) -> None:
    notify.set_email_preferences(user=user, choices=choices)


def unread_badge(client: Client) -> int:
    found = UNREAD_BADGE.search(client.get("/").content.decode())
    return int(found.group(1)) if found else 0


# The inbox


def test_a_comment_notifies_followers_but_not_the_commenter(
    after_commit, customer, other_customer, follower, post
):
    made = comment(after_commit, other_customer, post, "Dark mode would help me too.")
    title = "Oscar Other commented on “Dark mode for the dashboard”"
    assert inbox(customer) == [(Kind.REPLY, title)]
    assert inbox(follower) == [(Kind.REPLY, title)]
    assert inbox(other_customer) == []
    notification = Notification.objects.get(user=follower)
    assert notification.url == f"/posts/{post.pk}/#comment-{made.pk}"
    assert notification.body == "Dark mode would help me too."
    assert notification.read_at is None


def test_a_reply_notifies_the_parent_comments_author_once(
    after_commit, customer, other_customer, follower, post
):
    first = comment(after_commit, other_customer, post, "What about the mobile app?")
    Notification.objects.all().delete()
    comment(after_commit, follower, post, "Yes, there too.", parent=first)
    # Oscar follows the post (he commented) and wrote the parent: one notification.
    assert inbox(other_customer) == [
        (Kind.REPLY, "Fiona Follower replied to you on “Dark mode for the dashboard”")
    ]
    assert inbox(customer) == [
        (Kind.REPLY, "Fiona Follower commented on “Dark mode for the dashboard”")
    ]
    assert inbox(follower) == []


@pytest.mark.parametrize(
    "body",
    [
        "@OscarOther what do you think?",
        "Agreed with @oscarother, and more.",
        "(cc @OscarOther)",
        "Thanks @OscarOther.",
        "Thanks, @OscarOther!",
    ],
)
def test_a_mention_notifies_that_participant_with_kind_mention(
    after_commit, customer, other_customer, staff, post, body
):
    comment(after_commit, other_customer, post, "I would like this too.")
    Notification.objects.all().delete()
    comment(after_commit, customer, post, f"{body} And @SamStaff, please look.")
    assert inbox(other_customer) == [
        (Kind.MENTION, "Carol Customer mentioned you on “Dark mode for the dashboard”")
    ]
    # Staff never took part in this thread: a mention is not a way to page anyone.
    assert inbox(staff) == []


def test_an_email_address_is_not_a_mention(after_commit, customer, other_customer, post):
    comment(after_commit, other_customer, post, "Me too.")
    Notification.objects.all().delete()
    comment(after_commit, customer, post, "Write to help@OscarOther.com instead.")
    assert [kind for kind, _ in inbox(other_customer)] == [Kind.REPLY]


def test_a_status_change_notifies_followers_but_not_the_staff_member(
    after_commit, customer, follower, staff, post
):
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned", note="Q3.")
    title = "“Dark mode for the dashboard” is now planned"
    assert inbox(customer) == [(Kind.STATUS, title)]
    assert inbox(follower) == [(Kind.STATUS, title)]
    assert inbox(staff) == []
    assert Notification.objects.get(user=follower).body == "Q3."


def test_an_official_response_notifies_followers(after_commit, customer, follower, staff, post):
    with after_commit():
        services.set_official_response(actor=staff, post_id=post.pk, body="Coming in June.")
    title = "Official response on “Dark mode for the dashboard”"
    assert inbox(customer) == [(Kind.RESPONSE, title)]
    assert inbox(follower) == [(Kind.RESPONSE, title)]
    assert Notification.objects.get(user=follower).url == f"/posts/{post.pk}/#official-response"
    assert inbox(staff) == []


def test_running_a_fan_out_twice_notifies_and_emails_nobody_twice(
    after_commit, customer, other_customer, follower, staff, post, smtp_server
):
    choose(follower, reply="instant", status="instant", response="instant")
    made = comment(after_commit, other_customer, post)
    with after_commit():
        change = services.change_status(actor=staff, post_id=post.pk, status="planned")
        response = services.set_official_response(actor=staff, post_id=post.pk, body="Soon.")
    notifications, outbox = Notification.objects.count(), OutboxMessage.objects.count()
    assert notifications == 8 and outbox == 3
    assert len(smtp_server.messages) == 3

    with after_commit():
        assert tasks.fan_out_comment.call(made.pk) == 0
        assert tasks.fan_out_status_change.call(change.pk) == 0
        assert tasks.fan_out_official_response.call(response.pk) == 0
        # The same through the queue, as a retried task would run.
        tasks.fan_out_comment.enqueue(made.pk)
    assert Notification.objects.count() == notifications
    assert OutboxMessage.objects.count() == outbox
    assert len(smtp_server.messages) == 3


def test_a_hidden_or_deleted_comment_notifies_nobody(after_commit, customer, other_customer, post):
    with after_commit():
        made = services.add_comment(author=other_customer, post_id=post.pk, body="Oops.")
        Comment.objects.filter(pk=made.pk).update(body="", deleted_at=made.created_at)
    assert inbox(customer) == []


# Unread count and mark-read


def test_the_header_shows_the_unread_count_and_mark_read_clears_it(
    after_commit, customer, other_customer, client_for, post
):
    client = client_for(customer)
    assert unread_badge(client) == 0
    comment(after_commit, other_customer, post, "One.")
    comment(after_commit, other_customer, post, "Two.")
    comment(after_commit, other_customer, post, "Three.")
    assert unread_badge(client) == 3

    first = Notification.objects.filter(user=customer).last()
    response = client.post("/notifications/read/", {"id": first.pk})
    assert response.status_code == 302
    assert unread_badge(client) == 2
    first.refresh_from_db()
    assert first.read_at is not None

    page = client.get("/notifications/").content.decode()
    assert "Three." in page and "Mark all as read" in page

    client.post("/notifications/read/")
    assert unread_badge(client) == 0
    assert not Notification.objects.filter(user=customer, read_at__isnull=True).exists()


def test_mark_read_touches_only_the_persons_own_notifications(
    after_commit, customer, other_customer, follower, client_for, post
):
    comment(after_commit, other_customer, post)
    theirs = Notification.objects.get(user=follower)
    client = client_for(customer)
    client.post("/notifications/read/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_badge(client) == 1


@pytest.mark.parametrize("bad_id", ["abc", "-1", "1e3", "99999999999999999999999", " "])
def test_a_malformed_id_marks_nothing_read(
    after_commit, customer, other_customer, client_for, post, bad_id
):
    comment(after_commit, other_customer, post)
    client = client_for(customer)
    response = client.post("/notifications/read/", {"id": bad_id})
    assert response.status_code < 500
    assert unread_badge(client) == 1


def test_mark_read_needs_a_signed_in_post(customer, client_for):
    assert client_for(customer).get("/notifications/read/").status_code == 405
    anonymous = Client().post("/notifications/read/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert Client().get("/notifications/").status_code == 302


# Email is opt-in


def test_nobody_gets_email_until_they_choose_it(
    after_commit, customer, other_customer, follower, staff, post, smtp_server
):
    assert set(notify.email_preferences(follower).values()) == {"off"}
    comment(after_commit, other_customer, post)
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned")
        services.set_official_response(actor=staff, post_id=post.pk, body="Soon.")
    assert len(inbox(follower)) == 3
    assert smtp_server.messages == []
    assert not OutboxMessage.objects.exists()


def test_an_instant_reply_email_arrives_once_with_one_click_unsubscribe(
    after_commit, customer, other_customer, post, smtp_server
):
    choose(customer, reply="instant")
    comment(after_commit, other_customer, post, "Dark mode would help me too.")
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == customer.email
    assert "Oscar Other commented on “Dark mode for the dashboard”" in mail["Subject"]
    body = mail.get_content()
    assert "Dark mode would help me too." in body
    assert f"/posts/{post.pk}/#comment-" in body

    link = UNSUBSCRIBE_HEADER.match(mail["List-Unsubscribe"])
    assert link, mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.group(1) in body
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_one_click_unsubscribe_works_without_session_or_csrf_and_stops_that_kind(
    after_commit, customer, other_customer, staff, post, smtp_server
):
    choose(customer, reply="instant", status="instant")
    comment(after_commit, other_customer, post)
    url = UNSUBSCRIBE_HEADER.match(smtp_server.messages[0]["List-Unsubscribe"]).group(1)

    # What a mail client does (RFC 8058): a bare POST, no cookies, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        urlparse(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert notify.email_preferences(customer)["reply"] == "off"
    assert notify.email_preferences(customer)["status"] == "instant"

    comment(after_commit, other_customer, post, "Another one.")
    assert len(smtp_server.messages) == 1
    assert len(inbox(customer)) == 2  # still in the inbox
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned")
    assert len(smtp_server.messages) == 2  # other kinds still come


def test_opening_the_unsubscribe_link_asks_before_unsubscribing(customer):
    choose(customer, reply="instant")
    path = urlparse(notify.unsubscribe_url(customer, "reply")).path
    page = Client().get(path)
    assert page.status_code == 200
    assert "Replies and comments on posts I follow" in page.content.decode()
    assert notify.email_preferences(customer)["reply"] == "instant"


def _altered(token: str) -> str:
    position = len(token) // 2
    swapped = "A" if token[position] != "A" else "B"
    return token[:position] + swapped + token[position + 1 :]


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: _altered(notify.unsubscribe_token(user, "reply")),
        lambda user: notify.unsubscribe_token(user, "reply")[:-1],
        lambda user: signing.dumps({"u": user.pk, "k": "reply"}, salt="another.purpose"),
        lambda user: signing.dumps(
            {"u": user.pk, "k": "reply"}, key="not-the-secret-key", salt=notify.UNSUBSCRIBE_SALT
        ),
        lambda user: signing.dumps({"u": user.pk, "k": "everything"}, salt=notify.UNSUBSCRIBE_SALT),
        lambda user: signing.dumps({"u": 10**30, "k": "reply"}, salt=notify.UNSUBSCRIBE_SALT),
        lambda user: signing.dumps(["not", "a", "dict"], salt=notify.UNSUBSCRIBE_SALT),
        lambda user: "garbage",
    ],
)
def test_a_forged_or_altered_unsubscribe_token_is_404(customer, make_token):
    choose(customer, reply="instant")
    path = f"/notifications/unsubscribe/{make_token(customer)}/"
    assert Client(enforce_csrf_checks=True).post(path).status_code == 404
    assert Client().get(path).status_code == 404
    assert notify.email_preferences(customer)["reply"] == "instant"


# Digests


def test_digest_readers_get_nothing_at_once_and_one_digest_of_everything(
    after_commit, customer, other_customer, staff, post, smtp_server
):
    choose(customer, reply="digest", status="digest")
    comment(after_commit, other_customer, post, "First comment.")
    comment(after_commit, other_customer, post, "Second comment.")
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned")
    assert smtp_server.messages == []

    with after_commit():
        assert notify.send_daily_digests() == 1
    assert len(smtp_server.messages) == 1
    digest = smtp_server.messages[0]
    assert digest["To"] == customer.email
    assert "3 updates" in digest["Subject"]
    body = digest.get_content()
    assert body.count("Oscar Other commented on “Dark mode for the dashboard”") == 2
    assert "“Dark mode for the dashboard” is now planned" in body
    assert UNSUBSCRIBE_HEADER.match(digest["List-Unsubscribe"])
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    with after_commit():
        assert notify.send_daily_digests() == 0
    assert len(smtp_server.messages) == 1
    assert len(inbox(customer)) == 3  # the inbox keeps everything


def test_the_digest_unsubscribe_link_stops_every_kind(
    after_commit, customer, other_customer, post, smtp_server
):
    choose(customer, reply="digest", status="instant")
    comment(after_commit, other_customer, post)
    with after_commit():
        notify.send_daily_digests()
    url = UNSUBSCRIBE_HEADER.match(smtp_server.messages[0]["List-Unsubscribe"]).group(1)
    Client(enforce_csrf_checks=True).post(urlparse(url).path)
    assert set(notify.email_preferences(customer).values()) == {"off"}


def test_no_digest_goes_to_someone_who_turned_email_off_since(
    after_commit, customer, other_customer, staff, post, smtp_server
):
    choose(customer, reply="digest", status="digest")
    comment(after_commit, other_customer, post)
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned")
    # The day's earlier digest mail is not needed to unsubscribe: the settings page is.
    choose(customer, reply="off")
    with after_commit():
        assert notify.send_daily_digests() == 1
    assert "1 update" in smtp_server.messages[0]["Subject"]
    assert "commented" not in smtp_server.messages[0].get_content()

    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="in_progress")
    # Unsubscribing from the digest's link stops the next digest too.
    Client(enforce_csrf_checks=True).post(
        urlparse(notify.unsubscribe_url(customer, notify.ALL_KINDS)).path
    )
    with after_commit():
        assert notify.send_daily_digests() == 0
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(user=customer, in_digest=True).count() == 0


def test_off_means_never_any_mail(after_commit, customer, other_customer, staff, post, smtp_server):
    choose(customer, **{kind: "off" for kind in Kind.values})
    parent = comment(after_commit, customer, post, "My own note.")
    comment(after_commit, other_customer, post, "@CarolCustomer a reply.", parent=parent)
    with after_commit():
        services.change_status(actor=staff, post_id=post.pk, status="planned")
        services.set_official_response(actor=staff, post_id=post.pk, body="Soon.")
        notify.send_daily_digests()
    assert {kind for kind, _ in inbox(customer)} == {Kind.MENTION, Kind.STATUS, Kind.RESPONSE}
    assert smtp_server.messages == []
    assert not OutboxMessage.objects.exists()


# The settings page


def test_the_settings_page_shows_and_saves_choices(customer, client_for):
    client = client_for(customer)
    page = client.get("/notifications/settings/").content.decode()
    assert page.count('value="off" checked') == len(Kind.values) - len(STAFF_KINDS)
    assert 'name="alert"' not in page  # staff alerts are not offered to customers

    response = client.post(
        "/notifications/settings/",
        {
            "reply": "instant",
            "status": "digest",
            "response": "off",
            "shipped": "instant",
            "mention": "digest",
        },
    )
    assert response.status_code == 302
    assert notify.email_preferences(customer) == {
        "reply": "instant",
        "status": "digest",
        "response": "off",
        "shipped": "instant",
        "mention": "digest",
        "consent": "off",
        "merge": "off",
        "alert": "off",
    }
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="reply" value="instant" checked' in page
    assert 'name="status" value="digest" checked' in page


@pytest.mark.parametrize("bad", ["weekly", "INSTANT", "", "instant\x00", "x" * 500])
def test_the_settings_page_rejects_a_bad_choice_and_changes_nothing(customer, client_for, bad):
    choose(customer, reply="digest")
    client = client_for(customer)
    response = client.post("/notifications/settings/", {"reply": bad, "status": "instant"})
    assert response.status_code == 400
    assert "Use instant, digest or off" in response.content.decode()
    assert notify.email_preferences(customer)["reply"] == "digest"
    assert notify.email_preferences(customer)["status"] == "off"


def test_the_settings_page_needs_a_signed_in_person():
    response = Client().get("/notifications/settings/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# The staff outbox


def test_the_outbox_page_is_for_staff_only(customer, staff, client_for):
    OutboxMessage.objects.create(
        key="k1",
        to="lost@example.com",
        subject="A mail that never went out",
        body="...",
        status=OutboxStatus.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    OutboxMessage.objects.create(
        key="k2",
        to="sent@example.com",
        subject="A mail that went out",
        body="...",
        status=OutboxStatus.SENT,
    )
    assert client_for(customer).get("/notifications/outbox/").status_code == 403
    assert Client().get("/notifications/outbox/").status_code == 302
    response = client_for(staff).get("/notifications/outbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "A mail that never went out" in page
    assert "SMTPRecipientsRefused: mailbox unavailable" in page
    assert "lost@example.com" in page
    assert "A mail that went out" not in page


# Posting never waits for mail


def _assert_pending_with_error(user) -> OutboxMessage:
    message = OutboxMessage.objects.get(to=user.email)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error
    return message


def test_posting_answers_quickly_when_the_mail_server_is_down(
    after_commit, customer, other_customer, client_for, api_client, post, smtp_server
):
    choose(customer, reply="instant")
    smtp_server.stop()
    page, api = client_for(other_customer), api_client(other_customer)

    started = time.monotonic()
    with after_commit():
        by_page = page.post(f"/posts/{post.pk}/comment/", {"body": "Via the page."})
    assert by_page.status_code == 302
    assert time.monotonic() - started < 5
    message = _assert_pending_with_error(customer)
    assert "Refused" in message.last_error

    started = time.monotonic()
    with after_commit():
        by_api = api.post(f"/posts/{post.pk}/comments", {"body": "Via the API."})
        new_post = page.post("/posts/new/", {"kind": "idea", "title": "Offline mode"})
        new_post_api = api.post("/posts", {"kind": "idea", "title": "Offline sync"})
    assert time.monotonic() - started < 5
    assert by_api.status_code == 201, by_api.content
    assert new_post.status_code == 302
    assert new_post_api.status_code == 201, new_post_api.content
    assert Comment.objects.filter(post=post).count() == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 2
    assert smtp_server.messages == []


@pytest.fixture
def silent_smtp_server(settings):
    """A server that accepts the connection and then never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield listener


def test_sending_mail_has_a_time_limit_by_default():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT is not None and 0 < settings.EMAIL_TIMEOUT <= 60


def test_a_silent_mail_server_cannot_hang_a_send(
    after_commit, customer, other_customer, post, settings, silent_smtp_server
):
    settings.EMAIL_TIMEOUT = 1
    choose(customer, reply="instant")
    started = time.monotonic()
    comment(after_commit, other_customer, post, "Hello?")
    assert time.monotonic() - started < 10
    message = _assert_pending_with_error(customer)
    assert "timed out" in message.last_error.lower() or "Timeout" in message.last_error
