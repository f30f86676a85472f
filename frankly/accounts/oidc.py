"""OpenID Connect sign-in (django-allauth's openid_connect provider, set up from the
environment in settings.py): new accounts take their display name from the provider."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        if name and not user.display_name:
            user.display_name = name.strip()[:80]
        return user
