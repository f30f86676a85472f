"""widget.js, the panel's framing rules, and the sign-in tab."""

import pytest


def csp(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def test_widget_js_is_small_plain_javascript_any_site_may_load(client, db):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert len(response.content) < 15 * 1024, f"widget.js is {len(response.content)} bytes"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "max-age=300" in response["Cache-Control"]
    # A strict CSP on the host page blocks these; the script must not need them.
    script = response.content.decode()
    for needs_unsafe_inline in ("innerHTML", 'setAttribute("style"', "cssText", "eval("):
        assert needs_unsafe_inline not in script


@pytest.mark.parametrize(
    ("origins", "expected"),
    [
        ([], "'none'"),
        (
            ["https://app.acme.example", "http://localhost:8123/"],
            ("https://app.acme.example http://localhost:8123"),
        ),
        # Anything that is not a bare origin could smuggle in another directive.
        (["https://ok.example", "https://x.example; script-src *", "*"], "https://ok.example"),
    ],
    ids=["none-configured", "two-origins", "junk-dropped"],
)
def test_only_the_configured_origins_may_frame_the_panel(client, db, settings, origins, expected):
    settings.WIDGET_ORIGINS = origins
    response = client.get("/widget/panel/")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == expected
    assert "X-Frame-Options" not in response
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert f'data-origins="{expected}"' in response.content.decode() or not origins


def test_other_pages_still_refuse_every_frame(client, db, settings):
    settings.WIDGET_ORIGINS = ["https://app.acme.example"]
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


def test_the_panel_and_what_its_script_says_follow_the_visitors_language(client, db):
    import json
    import re

    page = client.get("/widget/panel/", headers={"accept-language": "de"}).content.decode()
    assert '<html lang="de"' in page
    assert "Worum geht es?" in page and "What is it?" not in page
    raw = re.search(r'<script id="widget-messages" type="application/json">(.*?)</script>', page)
    messages = json.loads(raw.group(1))
    assert messages["sign_in_to_vote"] == "Melden Sie sich an, um abzustimmen."
    english = client.get("/widget/panel/", headers={"accept-language": "en"}).content.decode()
    assert "What is it?" in english
