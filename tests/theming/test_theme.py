"""Staff set the site's look in the admin; every page shows it on the next request."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from frankly.theming import contrast
from frankly.theming.models import SiteTheme, ThemeLink

CSS = Path(__file__).resolve().parents[2] / "frankly" / "static" / "frankly" / "frankly.css"
CHANGE = "/admin/theming/sitetheme/1/change/"


def image(kind: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), "#1f5fbf").save(buffer, kind)
    return SimpleUploadedFile(f"logo.{kind.lower()}", buffer.getvalue())


def save_theme(client, capture, *, links=(), **fields):
    data = {
        "site_name": "",
        "accent_color": "",
        "accent_color_dark": "",
        "links-TOTAL_FORMS": str(len(links)),
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, (place, label, url) in enumerate(links):
        data |= {f"links-{i}-place": place, f"links-{i}-label": label, f"links-{i}-url": url}
        data[f"links-{i}-position"] = str(i)
    with capture(execute=True):
        return client.post(CHANGE, data)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def staff_client(client_for, staff):
    client = client_for(staff)
    assert client.get("/admin/theming/sitetheme/").status_code == 302  # creates the row
    return client


# Contrast


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [
        ("#777777", "#ffffff", "4.48"),
        ("#000000", "#ffffff", "21.00"),
        ("#767676", "#ffffff", "4.54"),
    ],
)
def test_contrast_ratios_of_known_pairs(a, b, ratio):
    assert contrast.shown(contrast.contrast_ratio(a, b)) == ratio


def test_a_ratio_just_below_aa_is_never_shown_as_passing():
    assert contrast.shown(4.4999) == "4.49"


def test_grey_accent_is_warned_about_with_its_ratio_and_advice():
    messages = [w.message for w in contrast.accent_warnings("#777777")]
    panels = next(m for m in messages if "on panels (#ffffff)" in m)
    assert "4.48:1" in panels and "4.5:1" in panels and "Pick a darker shade" in panels
    assert contrast.accent_warnings("#1f5fbf") == []


def test_dark_mode_accent_is_checked_against_dark_backgrounds():
    assert contrast.accent_warnings("#7fb0ff", dark=True) == []
    (first, *_) = contrast.accent_warnings("#1f5fbf", dark=True)
    assert "dark mode" in first.message and "lighter shade" in first.message


def _palette(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", block))


def test_frankly_css_text_reads_at_aa_in_light_and_dark_mode():
    css = CSS.read_text()
    light = _palette(css.split("@media (prefers-color-scheme: dark)")[0])
    dark = {**light, **_palette(css.split("@media (prefers-color-scheme: dark)")[1].split("}")[0])}
    for palette, known in ((light, contrast.LIGHT), (dark, contrast.DARK)):
        # The checker judges accents against the colours the stylesheet really uses.
        assert {k: palette[k] for k in known} == known
        for text in ("text", "muted", "accent", "danger", "ok", "warn"):
            for background in ("bg", "surface"):
                ratio = contrast.contrast_ratio(palette[text], palette[background])
                assert ratio >= contrast.AA, (text, background, ratio)
        assert contrast.contrast_ratio(palette["accent-text"], palette["accent"]) >= contrast.AA


# Applied on the next request


def test_site_name_and_links_show_on_the_next_request(staff_client, client, capture):
    assert "Acme Community" not in client.get("/").content.decode()  # cached board
    response = save_theme(
        staff_client,
        capture,
        site_name="Acme Community",
        links=[
            ("header", "Acme home", "https://acme.example/"),
            ("footer", "Terms", "http://acme.example/terms"),
        ],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/").content.decode()
    assert '<a class="brand" href="/">Acme Community</a>' in page
    assert '<a href="https://acme.example/" rel="noopener">Acme home</a>' in page
    assert page.index("Terms") > page.index('class="site-footer')
    assert "Acme Community" in client.get("/status/").content.decode()


def test_accent_colours_are_served_as_a_versioned_stylesheet(staff_client, client, capture):
    save_theme(staff_client, capture, accent_color="#0b6e4f", accent_color_dark="#7fd4b0")
    page = client.get("/").content.decode()
    url = re.search(r'<link rel="stylesheet" href="(/theme/[0-9a-f]{16}\.css)">', page)[1]
    response = client.get(url)
    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    assert "--accent: #0b6e4f; --accent-text: #ffffff" in css
    assert "prefers-color-scheme: dark" in css
    assert "--accent: #7fd4b0; --accent-text: #111111" in css
    # The CSP stays strict: the stylesheet is our own URL, not inline.
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == "'self'"

    save_theme(staff_client, capture, accent_color="#5a2d82")
    new_url = re.search(r'href="(/theme/[0-9a-f]{16}\.css)"', client.get("/").content.decode())[1]
    assert new_url != url
    old = client.get(url)
    assert old.status_code == 302 and old["Location"] == new_url


def test_saving_a_low_contrast_accent_warns_but_saves(staff_client, capture):
    response = save_theme(staff_client, capture, accent_color="#777777")
    assert response.status_code == 302
    assert SiteTheme.objects.get().accent_color == "#777777"
    page = staff_client.get(CHANGE).content.decode()
    assert "4.48:1" in page and "below the 4.5:1 WCAG AA asks for text" in page


def test_a_good_accent_passes_the_check(staff_client, capture):
    save_theme(staff_client, capture, accent_color="#1f5fbf")
    assert "read well on Frankly&#x27;s backgrounds" in staff_client.get(CHANGE).content.decode()


# Bad input


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#ggg000", "1f5fbf"])
def test_an_accent_that_is_not_a_hex_colour_is_a_form_error(staff_client, capture, colour):
    response = save_theme(staff_client, capture, site_name="Changed", accent_color=colour)
    assert response.status_code == 200
    page = response.content.decode()
    assert "six hex digits" in page or "at most 7 characters" in page
    assert SiteTheme.objects.get().site_name == ""  # nothing stored


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://acme.example/", "acme.example"]
)
def test_links_must_be_http_or_https(staff_client, capture, url):
    response = save_theme(staff_client, capture, links=[("footer", "Bad", url)])
    assert response.status_code == 200
    assert "starts with https:// or http://" in response.content.decode()
    assert not ThemeLink.objects.exists()


# Logo


def test_a_png_logo_is_shown_and_served_as_an_image(staff_client, client, capture):
    response = save_theme(staff_client, capture, site_name="Acme", logo_upload=image("PNG"))
    assert response.status_code == 302
    page = client.get("/").content.decode()
    src = re.search(r'<img class="brand-logo" src="([^"]+)" alt="Acme">', page)[1]
    logo = client.get(src)
    assert logo["Content-Type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    assert "immutable" in logo["Cache-Control"]

    save_theme(staff_client, capture, site_name="Acme", remove_logo="on")
    assert "brand-logo" not in client.get("/").content.decode()


def test_webp_and_jpeg_logos_are_accepted(staff_client, capture):
    for kind, mime in (("WEBP", "image/webp"), ("JPEG", "image/jpeg")):
        assert save_theme(staff_client, capture, logo_upload=image(kind)).status_code == 302
        assert SiteTheme.objects.get().logo_type == mime


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        SimpleUploadedFile("logo.png", b"not an image at all"),
    ],
    ids=["svg", "renamed"],
)
def test_a_logo_that_is_not_a_raster_image_is_refused(staff_client, capture, upload):
    response = save_theme(staff_client, capture, logo_upload=upload)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert SiteTheme.objects.get().logo_type == ""


def test_a_gif_logo_is_refused_with_the_allowed_types(staff_client, capture):
    response = save_theme(staff_client, capture, logo_upload=image("GIF"))
    assert "must be a PNG, JPEG or WebP image" in response.content.decode()


# Custom CSS is for admins


def test_staff_cannot_set_custom_css(staff_client, client, capture):
    response = save_theme(staff_client, capture, site_name="Acme", custom_css="body{display:none}")
    assert response.status_code == 302
    theme = SiteTheme.objects.get()
    assert theme.site_name == "Acme" and theme.custom_css == ""
    assert "/theme/" not in client.get("/").content.decode()


def test_admins_set_custom_css_served_after_frankly_css(client_for, admin, client, capture):
    admin_client = client_for(admin)
    admin_client.get("/admin/theming/sitetheme/")
    save_theme(admin_client, capture, custom_css=".brand { letter-spacing: .1em; }")
    page = client.get("/").content.decode()
    assert page.index("frankly/frankly.css") < page.index("/theme/")
    url = re.search(r'href="(/theme/[0-9a-f]{16}\.css)"', page)[1]
    assert ".brand { letter-spacing: .1em; }" in client.get(url).content.decode()


def test_customers_cannot_open_the_theme_admin(client_for, customer):
    response = client_for(customer).get(CHANGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_cold_cache_reads_the_saved_theme(staff_client, client, capture):
    from django.core.cache import cache

    save_theme(staff_client, capture, site_name="Acme")
    cache.clear()
    assert "Acme" in client.get("/").content.decode()
