"""No untranslated words in the main templates of the status page, notifications,
roadmap, changelog and transparency pages: every piece of text a visitor reads goes through
{% translate %} or {% blocktranslate %}. (The emails are built in Python with gettext;
test_status_and_mail.py checks them in German, French and Spanish.)"""

import re

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType

MAIN_TEMPLATES_B = (
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
)

_MARKUP = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>|&[#\w]+;", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_text(source: str) -> list[str]:
    """The words outside translate blocks, markup (tags, attributes, entities, scripts)
    ignored. Template tags and variables become a blank, so a tag cut in two by a
    {% url %} still reads as one tag."""
    parts, inside = [], False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans"):
                inside = True
            elif name in ("endblocktranslate", "endblocktrans"):
                inside = False
            parts.append(" ")
        elif token.token_type == TokenType.TEXT and not inside:
            parts.append(token.contents)
        else:
            parts.append(" ")
    text = _MARKUP.sub(" ", "".join(parts))
    return _WORD.findall(text)


@pytest.mark.parametrize("name", MAIN_TEMPLATES_B)
def test_every_word_of_the_template_is_translated(name):
    source = engines["django"].engine.get_template(name).source
    assert untranslated_text(source) == [], f"untranslated text in {name}"


def test_the_scanner_finds_untranslated_text():
    assert untranslated_text('<p class="x">Hello {{ name }}</p>') == ["Hello"]
    assert untranslated_text('<a href="{% url "a" %}" title="t">Go</a>') == ["Go"]
    assert untranslated_text('{% load i18n %}<p>{% translate "Hi" %} · 3</p>') == []
    assert untranslated_text("{% blocktranslate %}Hi {{ x }}{% endblocktranslate %}") == []
    assert untranslated_text("<style>a{color:red}</style>{# note #}") == []
