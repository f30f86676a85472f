"""Background work of the status page."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
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
from frankly.incidents.subscriptions import mail_language, subscription_headers, unsubscribe_url
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
            what = _("%(status)s (unchanged)") % {"status": _label(status)}
        elif before is None:
            what = _label(status)
        else:
            what = _("%(status)s (was %(before)s)") % {
                "status": _label(status),
                "before": _label(before.status).lower(),
            }
        lines.append(f"- {name}: {what}")
    return _("Components:") + "\n" + "\n".join(lines) + "\n\n"


@task()
def email_incident_update(update_id: int) -> int:
    """Mail one incident update to its subscribers, once each (keyed in the outbox)."""
    update = IncidentUpdate.objects.select_related("incident").filter(pk=update_id).first()
    if update is None:
        return 0
    incident = update.incident
    link = f"{settings.SITE_URL}{incident.get_absolute_url()}"
    digests: dict[str, str] = {}  # the component digest, per language
    queued = 0
    with transaction.atomic():
        everything = list(subscribers_for(update))
        followers = IncidentSubscription.objects.filter(
            incident=incident, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).exclude(email__in=[s.email for s in everything])  # one mail per address
        for subscription in [*everything, *followers]:
            language = mail_language(subscription)
            with translation.override(language):
                if language not in digests:
                    digests[language] = component_digest(update)
                subject, body = _update_mail(update, subscription, link, digests[language])
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


def _update_mail(update: IncidentUpdate, subscription, link: str, digest: str) -> tuple[str, str]:
    """Subject and body of one update's mail, in the active language."""
    incident, site = update.incident, settings.SITE_NAME
    subject = _("[%(site)s status] %(title)s: %(state)s") % {
        "site": site,
        "title": incident.title,
        "state": update.get_state_display(),
    }
    why = (
        _("You get this because you subscribed to %(site)s's status page.") % {"site": site}
        if isinstance(subscription, StatusSubscription)
        else _("You get this because you asked for the updates of this incident.")
    )
    body = (
        f"{incident.title}\n{update.get_state_display()} "
        f"({update.created_at:%Y-%m-%d %H:%M} UTC)\n\n{update.body}\n\n"
        + digest
        + _("Follow the incident: %(link)s") % {"link": link}
        + f"\n\n{why}\n"
        + _("Stop with one click: %(link)s") % {"link": unsubscribe_url(subscription)}
        + "\n"
    )
    return subject, body
