"""Reply by email: notification emails carry the person's own reply address; a reply
to it becomes their comment, without the quoted text and signature; forged, expired
or unknown addresses create nothing; bounces are recorded. One test goes through the
real `frankly inbound-smtp` listener over SMTP."""

import smtplib
import socket
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frankly.crm.models import EmailBounce
from frankly.feedback import services
from frankly.feedback.models import Comment
from frankly.notify import services as notify
from frankly.notify.inbound import receive_email, reply_address
from frankly.notify.inbound_smtp import make_controller
from frankly.notify.models import Kind
from tests.conftest import make_post, make_user

DOMAIN = "reply.example.com"
QUOTED_REPLY = """Yes, CSV would save me an hour every Monday.

On Mon, Nov 23, 2026 at 9:00 AM Frankly <noreply@example.com> wrote:
> Oscar Other commented on “Export to CSV”
> Me too, for reports.

--
Carol Customer
Acme Corp
"""


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.REPLY_DOMAIN = DOMAIN
    settings.REPLY_MAX_AGE_DAYS = 90


@pytest.fixture
def post(customer):
    return make_post(customer, title="Export to CSV")


def reply(*, sender: str, to: str, body: str = QUOTED_REPLY, html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Someone <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: [Frankly] Oscar Other commented on “Export to CSV”"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def comments_by(user) -> list[str]:
    return list(Comment.objects.filter(author=user).values_list("body", flat=True))


@pytest.mark.django_db
def test_notification_emails_carry_the_persons_own_reply_address(
    customer, other_customer, post, smtp_server, django_capture_on_commit_callbacks
):
    notify.set_email_preferences(user=customer, choices={Kind.REPLY: "instant"})
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(author=other_customer, post_id=post.pk, body="Me too, for reports.")
    [mail] = smtp_server.messages
    assert mail["Reply-To"] == reply_address(customer, post.pk)
    assert mail["Reply-To"].startswith("reply+") and mail["Reply-To"].endswith("@" + DOMAIN)
    assert "Reply to this email to comment on the post." in mail.get_content()


@pytest.mark.django_db
def test_without_a_reply_domain_there_is_no_reply_address(settings, customer, post):
    settings.REPLY_DOMAIN = ""
    assert reply_address(customer, post.pk) is None


@pytest.mark.django_db
def test_a_reply_becomes_a_comment_without_quote_or_signature(customer, post):
    outcome = receive_email(
        reply(sender=customer.email, to=reply_address(customer, post.pk)),
        recipients=[reply_address(customer, post.pk)],
    )
    assert outcome.accepted, outcome.message
    comment = Comment.objects.get(pk=outcome.comment_id)
    assert (comment.author, comment.post_id) == (customer, post.pk)
    assert comment.body == "Yes, CSV would save me an hour every Monday."


@pytest.mark.django_db
def test_an_html_only_reply_is_taken_as_text(customer, post):
    address = reply_address(customer, post.pk)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = customer.email, address, "Re: x"
    message.set_content("<p>Please add <b>CSV</b>.</p>", subtype="html")
    outcome = receive_email(message.as_bytes(), recipients=[address])
    assert outcome.accepted, outcome.message
    assert comments_by(customer) == ["Please add CSV."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle",
    [
        lambda a: a.replace("reply+", "reply+x"),  # forged token
        lambda a: a.split("@")[0][:-4] + "AAAA@" + DOMAIN,  # tampered signature
        lambda a: "reply+1-1.1abcd.abcdef@" + DOMAIN,  # made up
        lambda a: a.replace(DOMAIN, "elsewhere.example.com"),  # not our domain
    ],
)
def test_a_forged_reply_address_creates_nothing(customer, post, mangle):
    address = mangle(reply_address(customer, post.pk))
    outcome = receive_email(reply(sender=customer.email, to=address), recipients=[address])
    assert not outcome.accepted
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_an_expired_reply_address_is_refused(settings, customer, post):
    address = reply_address(customer, post.pk)
    settings.REPLY_MAX_AGE_DAYS = -1  # every address is past its age now
    outcome = receive_email(reply(sender=customer.email, to=address), recipients=[address])
    assert (outcome.accepted, outcome.message) == (
        False,
        "This reply address has expired. Reply on the site instead.",
    )
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_reply_for_a_person_who_is_gone_is_refused(customer, post):
    leaver = make_user()
    address = reply_address(leaver, post.pk)
    email = leaver.email
    leaver.delete()
    outcome = receive_email(reply(sender=email, to=address), recipients=[address])
    assert not outcome.accepted
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_reply_from_another_address_is_refused(customer, other_customer, post):
    address = reply_address(customer, post.pk)
    outcome = receive_email(reply(sender=other_customer.email, to=address), recipients=[address])
    assert outcome.message == "Replies are taken only from the address the email was sent to."
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_reply_with_nothing_new_is_refused(customer, post):
    address = reply_address(customer, post.pk)
    only_quote = "On Mon, Nov 23, 2026 Frankly wrote:\n> Me too\n"
    outcome = receive_email(
        reply(sender=customer.email, to=address, body=only_quote), recipients=[address]
    )
    assert not outcome.accepted
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_reply_to_a_locked_thread_is_refused_with_the_reason(customer, staff, post):
    from frankly.transparency.moderation import set_lock

    set_lock(actor=staff, post_id=post.pk, locked=True, reason="Off topic now.")
    address = reply_address(customer, post.pk)
    outcome = receive_email(reply(sender=customer.email, to=address), recipients=[address])
    assert outcome.message == "This thread is locked: Off topic now."
    assert not Comment.objects.exists()


DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: noreply@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

This is the mail system at host mx.example.net. Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000

Final-Recipient: rfc822; gone@example.org
Original-Recipient: rfc822;gone@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected

--BOUNDARY
Content-Type: message/rfc822

From: noreply@example.com
To: gone@example.org
Subject: [Frankly] Status changed

Hello
--BOUNDARY--
"""


@pytest.mark.django_db
def test_a_bounce_is_recorded_and_creates_no_comment():
    outcome = receive_email(DSN, recipients=[f"bounces@{DOMAIN}"])
    assert outcome.accepted
    bounce = EmailBounce.objects.get()
    assert (bounce.email, bounce.code) == ("gone@example.org", 550)
    assert bounce.message.startswith("5.1.1 smtp; 550 5.1.1")
    assert not Comment.objects.exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_smtp_listener_posts_replies_and_refuses_forgeries(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    customer = make_user(name="Carol Customer")
    post = make_post(customer, title="Export to CSV")
    address = reply_address(customer, post.pk)
    controller = make_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as smtp:
            smtp.sendmail(customer.email, [address], reply(sender=customer.email, to=address))
            forged = address.replace("reply+", "reply+x")
            with pytest.raises(smtplib.SMTPDataError) as refused:
                smtp.sendmail(customer.email, [forged], reply(sender=customer.email, to=forged))
            assert refused.value.smtp_code == 550
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail(customer.email, ["someone@elsewhere.example.com"], b"Hi")
    finally:
        controller.stop()
    assert comments_by(customer) == ["Yes, CSV would save me an hour every Monday."]


@pytest.mark.django_db
def test_inbound_smtp_needs_a_reply_domain(settings):
    settings.REPLY_DOMAIN = ""
    with pytest.raises(CommandError, match="FRANKLY_REPLY_DOMAIN"):
        call_command("inbound-smtp", stdout=StringIO())
