"""Background work of the status page."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks import task

from frankly.accounts.contact import Topic
from frankly.incidents.models import (
    Component,
    ComponentStatus,
    ComponentStatusChange,
    IncidentSubscription,
    IncidentUpdate,
    StatusSubscription,
)
from frankly.incidents.subscriptions import subscription_headers, unsubscribe_url
from frankly.notify.outbox import queue_email


def subscribers_for(update: IncidentUpdate):
    """Confirmed, active subscriptions that want this incident: everything, or one of
    its components."""
    component_ids = list(update.incident.components.values_list("pk", flat=True))
    return (
        StatusSubscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .filter(Q(all_components=True) | Q(components__in=component_ids))
        .distinct()
    )


def _label(status: str) -> str:
    try:
        return ComponentStatus(status).label
    except ValueError:
        return status


def component_digest(update: IncidentUpdate) -> str:
    """The component statuses an update set, as one block of the update's mail: however
    many components change, a subscriber gets this one mail, not one per component."""
    statuses = update.component_statuses or {}
    if not statuses:
        return ""
    names = dict(
        Component.objects.filter(pk__in=[int(k) for k in statuses]).values_list("pk", "name")
    )
    lines = []
    for key, status in sorted(statuses.items(), key=lambda kv: names.get(int(kv[0]), kv[0])):
        name = names.get(int(key), f"Component #{key} (removed)")
        change = ComponentStatusChange.objects.filter(update=update, component_id=key).first()
        before = (
            ComponentStatusChange.objects.filter(
                component_id=key, started_at__lte=change.started_at
            )
            .exclude(pk=change.pk)
            .order_by("-started_at", "-id")
            .first()
            if change
            else None
        )
        if change is None:
            what = f"{_label(status)} (unchanged)"
        elif before is None:
            what = _label(status)
        else:
            what = f"{_label(status)} (was {_label(before.status).lower()})"
        lines.append(f"- {name}: {what}")
    return "Components:\n" + "\n".join(lines) + "\n\n"


@task()
def email_incident_update(update_id: int) -> int:
    """Mail one incident update to its subscribers, once each (keyed in the outbox)."""
    update = IncidentUpdate.objects.select_related("incident").filter(pk=update_id).first()
    if update is None:
        return 0
    incident = update.incident
    link = f"{settings.SITE_URL}{incident.get_absolute_url()}"
    subject = f"[{settings.SITE_NAME} status] {incident.title}: {update.get_state_display()}"
    digest = component_digest(update)
    queued = 0
    with transaction.atomic():
        everything = list(subscribers_for(update))
        followers = IncidentSubscription.objects.filter(
            incident=incident, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).exclude(email__in=[s.email for s in everything])  # one mail per address
        for subscription in [*everything, *followers]:
            why = (
                f"You get this because you subscribed to {settings.SITE_NAME}'s status page.\n"
                if isinstance(subscription, StatusSubscription)
                else "You get this because you asked for the updates of this incident.\n"
            )
            body = (
                f"{incident.title}\n{update.get_state_display()} "
                f"({update.created_at:%Y-%m-%d %H:%M} UTC)\n\n{update.body}\n\n"
                f"{digest}"
                f"Follow the incident: {link}\n\n{why}"
                f"Stop with one click: {unsubscribe_url(subscription)}\n"
            )
            if queue_email(
                key=(
                    f"status-update:{update.pk}:{subscription.pk}"
                    if isinstance(subscription, StatusSubscription)
                    else f"incident-follow:{update.pk}:{subscription.pk}"
                ),
                to=subscription.email,
                subject=subject,
                body=body,
                headers=subscription_headers(subscription),
                topic=Topic.INCIDENT_NOTICES,
            ):
                queued += 1
    return queued
