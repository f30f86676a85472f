"""The current theme, from the cache, never stale after a save.

Every page needs the theme, so it is never read from the database per request.
The cached copy is named by a version made of two tokens, both replaced when the
theme is saved (``bump_theme_version()``):

- one in the cache itself: with Redis (``REDIS_URL``) every app server shares it;
- one in a small file in the data directory (THEME_VERSION_FILE): the embedded
  run's gunicorn workers each keep their own local-memory cache, but share that
  directory.

So the first request after a save, in any process, builds the new theme.
"""

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from frankly.theming.contrast import SOFT_SHARE, text_on

VERSION_KEY = "theme:version"
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Theme:
    site_name: str
    logo_url: str = ""
    css: str = ""
    header_links: tuple[Link, ...] = field(default_factory=tuple)
    footer_links: tuple[Link, ...] = field(default_factory=tuple)

    @property
    def css_digest(self) -> str:
        return hashlib.sha256(self.css.encode()).hexdigest()[:16] if self.css else ""

    @property
    def css_url(self) -> str:
        if not self.css:
            return ""
        return reverse("theming:css", args=[self.css_digest])


def _stamp_path() -> Path:
    return Path(settings.THEME_VERSION_FILE)


def _stamp() -> str:
    # stat, not read: it runs on every request. Each bump replaces the file, so the
    # inode and the time (in nanoseconds) change together.
    try:
        found = os.stat(_stamp_path())
    except FileNotFoundError:
        return ""
    return f"{found.st_ino}-{found.st_mtime_ns}"


def _version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        token = cache.get(VERSION_KEY)
    return f"{token}:{_stamp()}"


def bump_theme_version() -> None:
    """Make every process build the theme afresh on its next request."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    path = _stamp_path()
    temporary = path.with_name(f".theme.version.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)  # atomic: a reader sees the old token or the new one


def default_theme() -> Theme:
    return Theme(site_name=settings.SITE_NAME)


def stylesheet(*, accent: str, accent_dark: str, custom_css: str) -> str:
    """The theme's stylesheet: accent colours for both modes, then the custom CSS."""
    parts = []
    soft = f"color-mix(in srgb, var(--accent) {round(SOFT_SHARE * 100)}%, var(--surface))"
    if accent:
        parts.append(
            f":root {{ --accent: {accent}; --accent-text: {text_on(accent)}; "
            f"--accent-soft: {soft}; }}"
        )
    if accent_dark:
        parts.append(
            "@media (prefers-color-scheme: dark) {\n"
            f"  :root {{ --accent: {accent_dark}; --accent-text: {text_on(accent_dark)}; "
            f"--accent-soft: {soft}; }}\n}}"
        )
    elif accent:  # the light accent must not leak into dark mode, where it may not read
        parts.append(
            "@media (prefers-color-scheme: dark) {\n"
            "  :root { --accent: #7fb0ff; --accent-text: #0d1420; --accent-soft: #1f2d44; }\n}"
        )
    if custom_css.strip():
        parts.append("/* Custom CSS from the admin */\n" + custom_css.strip())
    return "\n".join(parts) + "\n" if parts else ""


def load_theme() -> Theme:
    """The theme as saved (two queries); ``current_theme()`` caches it."""
    from frankly.theming.models import SiteTheme

    row = SiteTheme.objects.filter(pk=1).defer("logo").first()
    if row is None:
        return default_theme()
    links = list(row.links.all())
    logo_url = ""
    if row.logo_type:
        stamp = hashlib.sha256(row.updated_at.isoformat().encode()).hexdigest()[:12]
        logo_url = reverse("theming:logo", args=[stamp])
    return Theme(
        site_name=row.site_name or settings.SITE_NAME,
        logo_url=logo_url,
        css=stylesheet(
            accent=row.accent_color, accent_dark=row.accent_color_dark, custom_css=row.custom_css
        ),
        header_links=tuple(Link(x.label, x.url) for x in links if x.place == "header"),
        footer_links=tuple(Link(x.label, x.url) for x in links if x.place == "footer"),
    )


# This process's last theme and its key: unpickling it from the cache on every
# request would cost more than checking that its version is still current.
_last: tuple[str, Theme] | None = None


def current_theme() -> Theme:
    """The theme every page shows; from the cache unless a save made it obsolete."""
    global _last
    key = f"theme:{_version()}"
    last = _last
    if last is not None and last[0] == key:
        return last[1]
    theme = cache.get(key)
    if theme is None:
        theme = load_theme()
        cache.set(key, theme, CACHE_SECONDS)
    _last = (key, theme)
    return theme


def prime_with_defaults() -> None:
    """Cache the default theme under the current version (tests: a fresh database)."""
    global _last
    _last = None
    cache.set(f"theme:{_version()}", default_theme(), CACHE_SECONDS)
