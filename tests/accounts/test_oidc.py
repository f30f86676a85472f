"""Generic OpenID Connect login through django-allauth, configured from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = {
    "provider_id": "company",
    "name": "Acme Login",
    "client_id": "frankly-client",
    "secret": "s3cret",
    "settings": {"server_url": "https://id.acme.example/realms/customers"},
}


def _settings_with(env: dict) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRANKLY_OIDC_")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "frankly.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_provider_is_configured_from_the_environment():
    providers = _settings_with(
        {
            "FRANKLY_OIDC_SERVER_URL": APP["settings"]["server_url"],
            "FRANKLY_OIDC_CLIENT_ID": APP["client_id"],
            "FRANKLY_OIDC_CLIENT_SECRET": APP["secret"],
            "FRANKLY_OIDC_NAME": APP["name"],
        }
    )
    assert providers["openid_connect"]["APPS"] == [APP]


def test_without_a_server_url_there_is_no_provider():
    assert _settings_with({})["openid_connect"]["APPS"] == []


def test_the_login_page_shows_the_button(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [APP]}}
    body = client.get("/accounts/login/").content.decode()
    assert "Acme Login" in body
    assert "/accounts/oidc/company/login/" in body


def test_the_login_page_has_no_button_when_unconfigured(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    body = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in body


def test_a_whole_login_round_trip_creates_and_signs_in_the_account(client, db, settings):
    """allauth against a real local provider: the login redirects to /authorize, the
    callback exchanges the code at /token, reads /userinfo and signs the person in."""
    from urllib.parse import parse_qs, urlsplit

    from allauth.socialaccount.models import SocialAccount

    from frankly.accounts.models import User
    from tests.accounts.oidc_provider import CODE, OidcProvider

    with OidcProvider() as provider:
        app = {**APP, "settings": {"server_url": provider.url}}
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
        start = client.post("/accounts/oidc/company/login/")
        assert start.status_code == 302
        location = urlsplit(start["Location"])
        assert (
            f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.url}/authorize"
        )
        query = {k: v[0] for k, v in parse_qs(location.query).items()}
        assert query["client_id"] == "frankly-client"
        # The browser would log in at the provider, which sends it back with a code:
        back = client.get(
            "/accounts/oidc/company/login/callback/", {"code": CODE, "state": query["state"]}
        )
        assert provider.token_requests[0]["code"] == CODE
    assert back.status_code == 302, back.content.decode()[:500]
    user = User.objects.get(email="olivia@acme.example")
    assert SocialAccount.objects.get(user=user).uid == "idp-user-7"
    assert client.get("/account/settings/").status_code == 200  # signed in
    assert user.display_name == "Olivia Oidc"


def test_a_callback_with_a_forged_state_signs_nobody_in(client, db, settings):
    from frankly.accounts.models import User
    from tests.accounts.oidc_provider import CODE, OidcProvider

    with OidcProvider() as provider:
        app = {**APP, "settings": {"server_url": provider.url}}
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
        client.post("/accounts/oidc/company/login/")
        client.get("/accounts/oidc/company/login/callback/", {"code": CODE, "state": "forged"})
        assert provider.token_requests == []
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
