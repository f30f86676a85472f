from django import forms
from django.utils.translation import gettext_lazy as _

from frankly.feedback.models import Kind, Status
from frankly.spamtrap import SpamTrapForm


class PostForm(SpamTrapForm):
    kind = forms.ChoiceField(
        choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.IDEA, label=_("What is it?")
    )
    title = forms.CharField(
        max_length=160,
        label=_("Title"),
        help_text=_("One line that says what you want or what went wrong."),
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        label=_("Details"),
        help_text=_("Markdown works: **bold**, lists, [links](https://…)."),
    )


class CommentForm(SpamTrapForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label=_("Your comment")
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label=_("New status"))
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        label=_("Public note (optional)"),
    )


class ResponseForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000, label=_("Official response")
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Why the change (when editing; optional)"),
        help_text=_("Shown in the response's public edit history."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        min_value=1, label=_("Merge into post #"), help_text=_("The number of the original post.")
    )


class CommentEditForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, label=_("Comment")
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Why the change (optional)"),
        help_text=_("Shown in the public edit history."),
    )
