"""One of everything a write can touch, made through the services as people would."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from frankly.feedback import services as feedback
from frankly.incidents import services as incidents
from frankly.notify import webhook_admin
from frankly.notify.models import DeliveryStatus, WebhookDelivery
from frankly.roadmap import services as roadmap
from frankly.transparency import moderation, rules


@dataclass
class World:
    people: dict
    post: object  # the customer's post
    comment: object  # the customer's comment on it
    target: object  # another customer's post (merge target)
    rule: object
    hidden: object  # the customer's comment, hidden by staff, not appealed
    appealed: object  # the customer's comment, hidden and appealed
    appeal: object
    component: object
    incident: object
    draft: object  # a changelog draft
    entry: object  # a published changelog entry
    endpoint: object
    delivery: object  # a failed webhook delivery


def build_world(people: dict, *, text: str = "") -> World:
    """``people`` maps persona names to users; ``text`` goes into every text field."""
    customer, other, staff = people["customer"], people["other_customer"], people["staff"]
    extra = f" {text}" if text else ""
    post = feedback.create_post(
        author=customer, kind="idea", title=f"Dark mode{extra}", body=f"Please{extra}", tags=()
    )
    comment = feedback.add_comment(author=customer, post_id=post.pk, body=f"Me too{extra}")
    target = feedback.create_post(
        author=other, kind="idea", title=f"Night theme{extra}", body=f"Same{extra}", tags=()
    )
    rule = rules.create_rule(actor=staff, title=f"Be kind{extra}", description=f"Always{extra}")
    hidden = feedback.add_comment(author=customer, post_id=post.pk, body=f"Rude words{extra}")
    moderation.hide_content(
        actor=staff, object_type="comment", object_id=hidden.pk, rule_id=rule.pk, reason="Rude"
    )
    appealed = feedback.add_comment(author=customer, post_id=post.pk, body=f"Harsh{extra}")
    moderation.hide_content(
        actor=staff, object_type="comment", object_id=appealed.pk, rule_id=rule.pk, reason="Harsh"
    )
    appeal = moderation.appeal_hiding(
        author=customer, object_type="comment", object_id=appealed.pk, message=f"Unfair{extra}"
    )
    component = incidents.create_component(actor=staff, name=f"API{extra}", description=text)
    incident = incidents.open_incident(
        actor=staff,
        title=f"Slow pages{extra}",
        impact="minor",
        body=f"Looking{extra}",
        components=[component.pk],
    )
    draft = roadmap.create_entry(actor=staff, title=f"Draft{extra}", body=f"Soon{extra}")
    entry = roadmap.create_entry(
        actor=staff, title=f"Dark mode ships{extra}", body=f"Done{extra}", publish=True
    )
    feedback.add_comment(author=other, post_id=target.pk, body=f"Agreed{extra}")
    roadmap.add_entry_comment(author=other, entry_id=entry.pk, body=f"Thanks{extra}")
    endpoint = webhook_admin.register_endpoint(
        actor=staff, url="http://127.0.0.1:9/hook", events=["post.created"], description=text
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="post.created",
        event_id="matrix-1",
        payload={"id": post.pk},
        status=DeliveryStatus.FAILED,
        next_attempt_at=timezone.now() + timedelta(days=1),
    )
    return World(
        people=people,
        post=post,
        comment=comment,
        target=target,
        rule=rule,
        hidden=hidden,
        appealed=appealed,
        appeal=appeal,
        component=component,
        incident=incident,
        draft=draft,
        entry=entry,
        endpoint=endpoint,
        delivery=delivery,
    )
