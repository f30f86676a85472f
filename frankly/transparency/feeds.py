"""Atom feed of the public moderation log."""

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from frankly.atom import AtomFeed, entry_id
from frankly.transparency.models import ModerationAction
from frankly.transparency.queries import actor_name


class ModerationFeed(AtomFeed):
    title = "Moderation log"
    subtitle = "Every moderation action on this site, with its rule and reason."

    def link(self):
        return reverse("transparency:moderation")

    def items(self):
        actions = ModerationAction.objects.order_by("-created_at", "-id")
        if settings.MODLOG_SHOWS_NAMES:
            actions = actions.select_related("actor")
        return actions[:100]

    def item_title(self, item):
        rule = f" under rule '{item.rule_title}'" if item.rule_title else ""
        return f"{item.get_action_display()}: {item.object_type} #{item.object_id}{rule}"

    def item_description(self, item):
        name = actor_name(item)
        # The summary is HTML; the reason is plain text that may hold "<" or "&".
        return escape(f"{item.reason} (by {item.actor_role}{f': {name}' if name else ''})")

    def item_link(self, item):
        return item.object_url

    def item_guid(self, item):
        return entry_id(f"{reverse('transparency:moderation')}#action-{item.pk}")

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
