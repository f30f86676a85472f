"""Atom feed of incident updates and maintenance announcements."""

from django.urls import reverse
from django.utils.html import escape

from frankly.atom import AtomFeed, entry_id
from frankly.incidents.models import Component, ComponentStatus, IncidentUpdate


def _status_label(value: str) -> str:
    try:
        return ComponentStatus(value).label
    except ValueError:
        return value


class StatusFeed(AtomFeed):
    title = "Status updates"
    subtitle = "Every incident update, newest first."

    def link(self):
        return reverse("incidents:status")

    def items(self):
        # One query for the names, whatever the number of entries.
        self._names = dict(Component.objects.public().values_list("pk", "name"))
        return (
            IncidentUpdate.objects.filter(incident__private_page__isnull=True)
            .select_related("incident")
            .order_by("-created_at", "-id")[:50]
        )

    def item_title(self, item):
        return f"{item.incident.title}: {item.get_state_display()}"

    def item_description(self, item):
        statuses = item.component_statuses or {}
        if not statuses:
            return item.body_html
        names = getattr(self, "_names", {})
        rows = "".join(
            f"<li>{escape(names.get(int(key), f'Component #{key} (removed)'))}: "
            f"{escape(_status_label(status))}</li>"
            for key, status in sorted(statuses.items(), key=lambda kv: names.get(int(kv[0]), ""))
        )
        return f"{item.body_html}<ul>{rows}</ul>"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return entry_id(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at
