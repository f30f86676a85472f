from django import forms

from frankly.accounts.models import TIME_ZONES
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
