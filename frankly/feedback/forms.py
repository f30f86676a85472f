from django import forms

from frankly.feedback.models import Kind, Status
from frankly.spamtrap import SpamTrapForm


class PostForm(SpamTrapForm):
    kind = forms.ChoiceField(
        choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.IDEA, label="What is it?"
    )
    title = forms.CharField(
        max_length=160,
        label="Title",
        help_text="One line that says what you want or what went wrong.",
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        label="Details",
        help_text="Markdown works: **bold**, lists, [links](https://…).",
    )


class CommentForm(SpamTrapForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label="Your comment"
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label="New status")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        label="Public note (optional)",
    )


class ResponseForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000, label="Official response"
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why the change (when editing; optional)",
        help_text="Shown in the response's public edit history.",
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        min_value=1, label="Merge into post #", help_text="The number of the original post."
    )


class CommentEditForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000, label="Comment"
    )
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why the change (optional)",
        help_text="Shown in the public edit history.",
    )
