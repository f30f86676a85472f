"""Cheap checks that stop form-filling bots on public forms.

A honeypot field people never see (bots fill every input) and a signed time stamp
of when the form was shown: a person needs a few seconds to write something, a bot
posts at once. ``settings.FORM_MIN_SECONDS`` = 0 turns the time check off.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "frankly.spamtrap.shown_at"
HONEYPOT = "website"
SHOWN_AT = "shown_at"
TOO_FAST = "That was sent very fast, as bots do. Wait a few seconds and send it again."
NO_STAMP = (
    "This form was not sent from our page or is older than a day. Reload the page and try again."
)
FILLED = (
    "A field meant to stay empty (it catches bots) was filled in. "
    "Reload the page and send it again."
)
MAX_AGE = 24 * 3600


def stamp() -> str:
    return signing.dumps(time.time(), salt=SALT)


def problem(data) -> str | None:
    """What is wrong with a submission, or None if it looks human."""
    if data.get(HONEYPOT):
        return FILLED
    minimum = settings.FORM_MIN_SECONDS
    if minimum <= 0:
        return None
    try:
        shown_at = float(signing.loads(data.get(SHOWN_AT, ""), salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return NO_STAMP
    if time.time() - shown_at < minimum:
        return TOO_FAST
    return None


class SpamTrapForm(forms.Form):
    """Mix into a public form; templates render the two fields with the others."""

    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"class": "hp", "tabindex": "-1", "autocomplete": "off"}),
    )
    shown_at = forms.CharField(required=False, widget=forms.HiddenInput, initial=stamp)

    def clean(self):
        cleaned = super().clean()
        message = problem(self.data)
        if message:
            raise forms.ValidationError(message)
        return cleaned
