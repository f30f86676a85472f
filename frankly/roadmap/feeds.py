"""Atom feed of the published changelog; drafts never appear."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpResponseBadRequest
from django.urls import reverse

from frankly.atom import AtomFeed, entry_id
from frankly.errors import Invalid
from frankly.roadmap import queries
from frankly.roadmap.models import Category, ChangelogEntry

ENTRIES_IN_FEED = 50


@dataclass
class _Changelog:
    category: str
    entries: list


def _url(name: str, category: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'category': category})}" if category else url


class ChangelogFeed(AtomFeed):
    """Published changelog entries, newest first; ?category= filters as the page does."""

    subtitle = "What shipped, newest first."

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Invalid as exc:
            return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")

    def get_object(self, request) -> _Changelog:
        category = request.GET.get("category", "")
        page = queries.changelog_page(category=category, limit=ENTRIES_IN_FEED)
        return _Changelog(category=category, entries=page.items)

    def title(self, obj: _Changelog) -> str:
        label = dict(Category.choices).get(obj.category)
        return f"Changelog ({label})" if label else "Changelog"

    def link(self, obj: _Changelog) -> str:
        return _url("roadmap:changelog", obj.category)

    def feed_guid(self, obj: _Changelog) -> str:
        return entry_id(_url("roadmap:changelog_feed", obj.category))

    def items(self, obj: _Changelog) -> list[ChangelogEntry]:
        return obj.entries

    def item_title(self, item: ChangelogEntry) -> str:
        return item.title

    def item_description(self, item: ChangelogEntry) -> str:
        return item.body_html

    def item_link(self, item: ChangelogEntry) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: ChangelogEntry) -> str:
        # By id, not by the URL: that follows the title when it is edited.
        return entry_id(reverse("roadmap:entry", args=[item.pk]))

    def item_author_name(self, item: ChangelogEntry) -> str | None:
        return item.author.public_name if item.author else None

    def item_categories(self, item: ChangelogEntry) -> list[str]:
        return [item.get_category_display()]

    def item_pubdate(self, item: ChangelogEntry) -> datetime:
        return item.published_at

    def item_updateddate(self, item: ChangelogEntry) -> datetime:
        return item.edited_at or item.published_at
