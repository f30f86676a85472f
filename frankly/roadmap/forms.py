import re

from django import forms
from django.utils.translation import gettext_lazy as _

from frankly.roadmap.models import Category
from frankly.spamtrap import SpamTrapForm

SEPARATORS = re.compile(r"[\s,;]+")


class PostNumbersField(forms.CharField):
    """'12, #40 7' → [12, 40, 7]. Whether those posts exist is the service's question."""

    def to_python(self, value):
        text = super().to_python(value)
        numbers = []
        for token in SEPARATORS.split(text):
            token = token.removeprefix("#")
            if not token:
                continue
            if not (token.isascii() and token.isdigit()):
                raise forms.ValidationError(
                    _("'%(token)s' is not a post number. Write numbers like 12, 40.")
                    % {"token": token[:20]}
                )
            if len(token) > 19:  # no id is that long (and int() of a huge one is slow)
                raise forms.ValidationError(_("There is no post #%(id)s….") % {"id": token[:20]})
            numbers.append(int(token))
        return numbers


class EntryForm(forms.Form):
    title = forms.CharField(max_length=160, label=_("Title"))
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        label=_("Text"),
        help_text=_("Markdown works: **bold**, lists, [links](https://…)."),
    )
    posts = PostNumbersField(
        required=False,
        max_length=1_000,
        label=_("Posts it delivers (optional)"),
        help_text=_(
            "Post numbers, e.g. 12, 40. When the entry is published they are marked "
            "done and everyone who voted for or follows them is told."
        ),
    )


class EntryEditForm(EntryForm):
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Why the change (optional)"),
        help_text=_("Shown in the entry's public edit history."),
    )


class EntryCommentForm(SpamTrapForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label=_("Your comment")
    )
