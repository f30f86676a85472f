from django import forms

from frankly.accounts.models import TIME_ZONES, SalesContact
from frankly.spamtrap import SpamTrapForm


class SignupForm(SpamTrapForm):
    """Extra fields on allauth's sign-up form: the name others will see, and the
    spam trap (honeypot and minimum time)."""

    display_name = forms.CharField(
        max_length=80,
        label="Display name",
        help_text="Shown next to what you write. Your email address is never shown.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=80, label="Display name")
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        choices=[("", "Use the site's time zone")] + [(tz, tz) for tz in TIME_ZONES],
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, label="Token name", help_text="For example: CI script")


class PrivacyForm(forms.Form):
    show_name = forms.BooleanField(
        required=False,
        label="Show my display name next to what I write",
        help_text="Off: you are shown as “A customer”. Staff always see who wrote what.",
    )
    hide_profile = forms.BooleanField(
        required=False,
        label="Hide my profile page",
        help_text="Nobody else can open your profile and its list of your posts and comments.",
    )


class ContactForm(forms.Form):
    product_news = forms.BooleanField(
        required=False, label="Product news: an email when a changelog entry is published"
    )
    surveys = forms.BooleanField(required=False, label="Surveys and research invitations")
    incident_notices = forms.BooleanField(
        required=False,
        label="Incident notices (only if you also subscribe on the status page)",
    )
    sales_contact = forms.ChoiceField(
        label="Sales contact",
        choices=SalesContact.choices,
        widget=forms.RadioSelect,
        help_text="Whatever you choose here is exported to the company's CRM and mail tools.",
    )


class TestimonialRequestForm(forms.Form):
    object_type = forms.ChoiceField(
        choices=[("post", "Post"), ("comment", "Comment")], widget=forms.HiddenInput
    )
    object_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2_000,
        help_text="The customer's exact words. You may shorten, never change them.",
    )
    placement = forms.CharField(
        max_length=200, label="Where it will appear", help_text="For example: our pricing page"
    )
    until = forms.DateField(
        label="Show until", widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD"
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2_000,
        label="A note to the customer (optional)",
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password")
    keep_content = forms.BooleanField(
        required=False,
        label="Keep my posts and comments, shown as written by “Deleted user”",
        help_text="Unticked: their text is removed, and a note says so in their place.",
    )
    confirm = forms.BooleanField(
        label="I understand that this cannot be undone",
        error_messages={"required": "Tick this box to confirm: deleting cannot be undone."},
    )
