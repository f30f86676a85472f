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


def test_starting_the_login_redirects_to_the_provider(client, db, settings):
    """The first leg of the round trip: allauth fetches the provider's discovery
    document from a real local server and sends the browser to its authorize URL."""
    from tests.accounts.oidc_provider import DiscoveryServer

    with DiscoveryServer() as server:
        app = {**APP, "settings": {"server_url": server.url}}
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
        response = client.post("/accounts/oidc/company/login/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{server.url}/authorize?")
    assert "client_id=frankly-client" in location
    assert "redirect_uri=" in location and "state=" in location
