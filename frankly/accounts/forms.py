from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from frankly.accounts.models import TIME_ZONES, SalesContact
from frankly.spamtrap import SpamTrapForm


class SignupForm(SpamTrapForm):
    """Extra fields on allauth's sign-up form: the name others will see, and the
    spam trap (honeypot and minimum time)."""

    display_name = forms.CharField(
        max_length=80,
        label=_("Display name"),
        help_text=_("Shown next to what you write. Your email address is never shown."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=80, label=_("Display name"))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=[("", _("Use the site's time zone"))] + [(tz, tz) for tz in TIME_ZONES],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        help_text=_("The language of these pages and of the emails we send you."),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, label=_("Token name"), help_text=_("For example: CI script")
    )


class PrivacyForm(forms.Form):
    show_name = forms.BooleanField(
        required=False,
        label=_("Show my display name next to what I write"),
        help_text=_("Off: you are shown as “A customer”. Staff always see who wrote what."),
    )
    hide_profile = forms.BooleanField(
        required=False,
        label=_("Hide my profile page"),
        help_text=_("Nobody else can open your profile and its list of your posts and comments."),
    )


class ContactForm(forms.Form):
    product_news = forms.BooleanField(
        required=False, label=_("Product news: an email when a changelog entry is published")
    )
    surveys = forms.BooleanField(required=False, label=_("Surveys and research invitations"))
    incident_notices = forms.BooleanField(
        required=False,
        label=_("Incident notices (only if you also subscribe on the status page)"),
    )
    sales_contact = forms.ChoiceField(
        label=_("Sales contact"),
        choices=SalesContact.choices,
        widget=forms.RadioSelect,
        help_text=_("Whatever you choose here is exported to the company's CRM and mail tools."),
    )


class TestimonialRequestForm(forms.Form):
    object_type = forms.ChoiceField(
        choices=[("post", _("Post")), ("comment", _("Comment"))], widget=forms.HiddenInput
    )
    object_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2_000,
        help_text=_("The customer's exact words. You may shorten, never change them."),
    )
    placement = forms.CharField(
        max_length=200,
        label=_("Where it will appear"),
        help_text=_("For example: our pricing page"),
    )
    until = forms.DateField(
        label=_("Show until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD"),
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2_000,
        label=_("A note to the customer (optional)"),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label=_("Your password"))
    keep_content = forms.BooleanField(
        required=False,
        label=_("Keep my posts and comments, shown as written by “Deleted user”"),
        help_text=_("Unticked: their text is removed, and a note says so in their place."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        error_messages={"required": _("Tick this box to confirm: deleting cannot be undone.")},
    )
