"""Atom feed of incident updates and maintenance announcements."""

from django.urls import reverse

from frankly.atom import AtomFeed, entry_id
from frankly.incidents.models import IncidentUpdate


class StatusFeed(AtomFeed):
    title = "Status updates"
    subtitle = "Every incident update, newest first."

    def link(self):
        return reverse("incidents:status")

    def items(self):
        return IncidentUpdate.objects.select_related("incident").order_by("-created_at", "-id")[:50]

    def item_title(self, item):
        return f"{item.incident.title}: {item.get_state_display()}"

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return entry_id(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at
