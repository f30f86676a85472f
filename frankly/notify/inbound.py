"""Reply by email: each notification email about a post carries a Reply-To address
``reply+<token>@REPLY_DOMAIN`` whose signed token names the person and the post; a
reply to it becomes that person's comment, with quoted text and signature removed.
Delivery status notifications (bounces) are recorded instead.

A forged, expired or unknown token, or a reply from another address than the one
the email went to, creates nothing.
"""

import email
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings
from django.core import signing
from email_reply_parser import EmailReplyParser

from frankly.errors import FranklyError

log = logging.getLogger(__name__)
REPLY_SALT = "frankly.notify.reply"
REPLY_LOCAL = re.compile(r"^reply\+(?P<token>[A-Za-z0-9_\-.]+)$")


def _signer() -> signing.TimestampSigner:
    # "." separates the parts: ":" may not appear unquoted in an email address.
    return signing.TimestampSigner(salt=REPLY_SALT, sep=".")


def reply_address(user, post_id: int) -> str | None:
    """The Reply-To address for ``user``'s email about post ``post_id`` (None when
    replies by email are off)."""
    if not settings.REPLY_DOMAIN:
        return None
    token = _signer().sign(f"{user.pk}-{post_id}")
    return f"reply+{token}@{settings.REPLY_DOMAIN}"


@dataclass
class Outcome:
    accepted: bool
    message: str
    comment_id: int | None = None


def _refuse(message: str) -> Outcome:
    log.info("Inbound mail refused: %s", message)
    return Outcome(False, message)


def _token_from(recipients: list[str]) -> str | None:
    for recipient in recipients:
        local, _, domain = parseaddr(recipient)[1].rpartition("@")
        if domain.lower() != settings.REPLY_DOMAIN.lower():
            continue
        found = REPLY_LOCAL.match(local)
        if found:
            return found.group("token")
    return None


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = nh3.clean(text, tags=set())
    return EmailReplyParser.parse_reply(text).strip()


def is_bounce(message: EmailMessage) -> bool:
    return message.get_content_type() == "multipart/report" and (
        message.get_param("report-type", "").lower() == "delivery-status"
    )


SMTP_CODE = re.compile(r"\b([45]\d\d)\b")


def _smtp_code(status: str, diagnostic: str) -> int:
    """The SMTP reply code of a failure: from the Diagnostic-Code when it has one,
    else the class of the enhanced Status (5.1.1 -> 550)."""
    found = SMTP_CODE.search(diagnostic)
    if found:
        return int(found.group(1))
    return 450 if status.startswith("4") else 550


def _record_bounces(message: EmailMessage) -> Outcome:
    """Each recipient an RFC 3464 delivery status notification says failed for good,
    recorded for the CRM's stale-contact report. Delays are not failures: skipped."""
    from frankly.crm.services import record_bounce

    recorded = 0
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The body is a series of header blocks: the first per message, then one per
        # recipient; the email package parses each block as a message.
        for block in part.get_payload()[1:]:
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            address = recipient.split(";", 1)[-1].strip()
            action = (block.get("Action") or "").strip().lower()
            if "@" in address and action == "failed":
                status = (block.get("Status") or "").strip()
                diagnostic = (block.get("Diagnostic-Code") or "").strip()
                record_bounce(
                    email=address,
                    code=_smtp_code(status, diagnostic),
                    message=f"{status} {diagnostic}".strip(),
                )
                recorded += 1
    return Outcome(True, f"Recorded {recorded} bounce(s).")


def receive_email(raw: bytes, *, recipients: list[str]) -> Outcome:
    """Turn one inbound email into a comment (or a bounce record); never raises for
    bad mail, and creates nothing when it refuses."""
    from frankly.accounts.models import User
    from frankly.feedback.services import add_comment

    message = email.message_from_bytes(raw, policy=policy.default)
    if is_bounce(message):
        return _record_bounces(message)
    token = _token_from(recipients)
    if token is None:
        return _refuse("This address takes replies to notification emails only.")
    try:
        value = _signer().unsign(token, max_age=settings.REPLY_MAX_AGE_DAYS * 86_400)
        user_id, post_id = (int(x) for x in value.split("-"))
    except signing.SignatureExpired:
        return _refuse("This reply address has expired. Reply on the site instead.")
    except (signing.BadSignature, ValueError):
        return _refuse("This reply address is not valid. Reply on the site instead.")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return _refuse("This reply address is not valid any more.")
    senders = [address.lower() for _, address in getaddresses(message.get_all("From", []))]
    if senders != [user.email.lower()]:
        return _refuse("Replies are taken only from the address the email was sent to.")
    body = _text_of(message)
    if not body:
        return _refuse("The reply is empty once quoted text and signature are removed.")
    try:
        comment = add_comment(author=user, post_id=post_id, body=body)
    except FranklyError as exc:
        return _refuse(exc.message)
    return Outcome(True, "Posted as a comment.", comment.pk)
