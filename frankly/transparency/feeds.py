"""Atom feed of the public moderation log."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from frankly.transparency.models import ModerationAction


class ModerationFeed(Feed):
    feed_type = Atom1Feed
    title = "Moderation log"
    subtitle = "Every moderation action on this site, with its rule and reason."

    def link(self):
        return reverse("transparency:moderation")

    def items(self):
        return ModerationAction.objects.order_by("-created_at", "-id")[:100]

    def item_title(self, item):
        rule = f" under rule '{item.rule_title}'" if item.rule_title else ""
        return f"{item.get_action_display()}: {item.object_type} #{item.object_id}{rule}"

    def item_description(self, item):
        return f"{item.reason} (by {item.actor_role})"

    def item_link(self, item):
        return item.object_url

    def item_guid(self, item):
        return f"moderation-action-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
