"""The small SMTP listener behind `frankly inbound-smtp` (aiosmtpd). It accepts mail
for the reply domain only and answers each message with what became of it: 250 when
it became a comment or a bounce record, 550 with the reason when it was refused."""

import asyncio

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections

from frankly.notify.inbound import receive_email


def _receive_in_thread(raw: bytes, recipients: list[str]):
    # Django's ORM is synchronous: run it in a worker thread with its own connection.
    close_old_connections()
    try:
        return receive_email(raw, recipients=recipients)
    finally:
        close_old_connections()


class ReplyHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if not settings.REPLY_DOMAIN or domain != settings.REPLY_DOMAIN.lower():
            return "550 5.1.1 This server takes replies to notification emails only"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        outcome = await asyncio.to_thread(
            _receive_in_thread, envelope.original_content or envelope.content, envelope.rcpt_tos
        )
        if outcome.accepted:
            return f"250 {outcome.message}"
        return f"550 5.7.1 {outcome.message}"


def make_controller(*, host: str, port: int) -> Controller:
    return Controller(ReplyHandler(), hostname=host, port=port, data_size_limit=10_000_000)
