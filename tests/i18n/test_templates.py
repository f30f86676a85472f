"""No English text in the main templates outside the translation tags.

The scanner reads each template with Django's own lexer: text inside {% translate %}
and {% blocktranslate %} is translated; any other text token with letters in it is a
string the visitor would see in English whatever their language. Tag markup and
attributes nobody sees (class, href, type...) are ignored; the attributes people do
see or hear (placeholder, title, aria-label, alt) are checked like text.
"""

import html
import re

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType

# Other parts of the product add their main templates here.
MAIN_TEMPLATES = (
    "base.html",
    "_language_link.html",
    "language.html",
    "403.html",
    "404.html",
    "error.html",
    "_form_field.html",
    "_form_errors.html",
    "_spamtrap.html",
    "allauth/layouts/base.html",
    "feedback/board.html",
    "feedback/_post_row.html",
    "feedback/_vote.html",
    "feedback/_author.html",
    "feedback/post_detail.html",
    "feedback/_comment.html",
    "feedback/post_form.html",
    "feedback/comment_form.html",
    "accounts/settings.html",
    "accounts/_nav.html",
    "accounts/tokens.html",
    "accounts/export.html",
    "accounts/delete.html",
    "accounts/deleted.html",
    "accounts/contact.html",
    "accounts/contact_stop.html",
    "accounts/sso_error.html",
    "accounts/consents.html",
    "feedback/profile.html",
    "feedback/withdraw_vote.html",
    "feedback/vote_withdrawn.html",
    # What customers read in an outage, and the rest of the public pages.
    "incidents/status.html",
    "incidents/incident.html",
    "incidents/_update.html",
    "incidents/_uptime.html",
    "incidents/history.html",
    "incidents/subscribe.html",
    "incidents/subscribe_sent.html",
    "incidents/subscription_done.html",
    "incidents/unsubscribe.html",
    "incidents/sla.html",
    "incidents/checks.html",
    "incidents/check_draft.html",
    "notify/inbox.html",
    "notify/settings.html",
    "notify/unsubscribe.html",
    "notify/unsubscribed.html",
    "notify/outbox.html",
    "notify/webhooks.html",
    "notify/webhook.html",
    "notify/_webhook_secret.html",
    "notify/_webhook_events.html",
    "roadmap/roadmap.html",
    "roadmap/_card.html",
    "roadmap/changelog.html",
    "roadmap/_entry.html",
    "roadmap/entry.html",
    "roadmap/entry_form.html",
    "roadmap/_comment.html",
    "transparency/overview.html",
    "transparency/rules.html",
    "transparency/ledger.html",
    "transparency/moderation.html",
    "transparency/history.html",
    "transparency/_tombstone.html",
    "transparency/_hidden_banner.html",
    "transparency/_delete_own.html",
    "transparency/_moderate.html",
    "transparency/prove.html",
    "transparency/appeals.html",
    "integrations/_issue_links.html",
    "widget/panel.html",
    "incidents/private_page.html",
    "incidents/_components.html",
    "incidents/_maintenance_statuses_field.html",
)

# Names, not words: the same in every language.
UNTRANSLATED_WORDS = {"API", "CRM", "UTC"}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HOLE = "\x00"  # stands for a tag or variable between text tokens

_OPENERS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
            "comment": "endcomment"}  # fmt: skip


def _outside_translation(source: str) -> str:
    """The template's literal text, with every translated or dynamic part as HOLE."""
    parts: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0]
            closing = _OPENERS.get(word)
        parts.append(HOLE)
    return "".join(parts)


def untranslated_text(source: str) -> list[str]:
    """Pieces of visible English text in a template source that are not translated."""
    text = _outside_translation(source)
    text = re.sub(r"<(script|style)\b.*?</\1>", HOLE, text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", HOLE, text, flags=re.S)
    found: list[str] = []

    def tag(match: re.Match) -> str:
        attributes = "|".join(VISIBLE_ATTRIBUTES)
        for value in re.findall(rf'\b(?:{attributes})\s*=\s*"([^"]*)"', match.group(0)):
            found.append(value)
        return HOLE

    text = re.sub(r"<[^<>]*>", tag, text)
    found.extend(text.split(HOLE))
    leftovers = []
    for piece in found:
        piece = html.unescape(piece).replace(HOLE, " ")
        # Example values are not words: an address, or a quarter like 2027-Q1.
        piece = re.sub(r"https?://\S*|\b\d{4}-Q\d\b", " ", piece)
        words = [w for w in re.findall(r"[^\W\d_]+", piece) if w not in UNTRANSLATED_WORDS]
        if words:
            leftovers.append(" ".join(piece.split()))
    return leftovers


def _source(name: str) -> str:
    template = engines["django"].engine.get_template(name)
    return template.source


@pytest.mark.parametrize("name", MAIN_TEMPLATES)
def test_every_visible_string_is_translatable(name):
    assert untranslated_text(_source(name)) == []


@pytest.mark.parametrize(
    ("source", "leftover"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<input placeholder="Search posts">', ["Search posts"]),
        ('<a title="Works at {{ site }}">x</a>', ["Works at", "x"]),
        ('<span aria-label="{{ n }} unread">{{ n }}</span>', ["unread"]),
        ("{% if a %}Only mine{% endif %}", ["Only mine"]),
    ],
)
def test_the_scanner_finds_english_text_and_visible_attributes(source, leftover):
    assert untranslated_text(source) == leftover


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p class="lede">{% translate "Hello" %}</p>',
        "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}",
        "{% blocktranslate count c=n %}{{ c }} vote{% plural %}{{ c }} votes"
        "{% endblocktranslate %}",
        '<a href="/x" class="button small" data-vote>{{ label }}</a> · API',
        "<script>const words = 'not shown';</script>{# a comment #}",
        '<input type="search" name="q" value="{{ q }}"> &amp; &nbsp;',
    ],
)
def test_the_scanner_accepts_translated_or_invisible_text(source):
    assert untranslated_text(source) == []
