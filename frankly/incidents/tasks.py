"""Background work of the status page."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from frankly.accounts.contact import Topic
from frankly.incidents.models import IncidentSubscription, IncidentUpdate, StatusSubscription
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


@task()
def email_incident_update(update_id: int) -> int:
    """Mail one incident update to its subscribers, once each (keyed in the outbox)."""
    update = IncidentUpdate.objects.select_related("incident").filter(pk=update_id).first()
    if update is None:
        return 0
    incident = update.incident
    link = f"{settings.SITE_URL}{incident.get_absolute_url()}"
    queued = 0
    with transaction.atomic():
        everything = list(subscribers_for(update))
        followers = IncidentSubscription.objects.filter(
            incident=incident, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).exclude(email__in=[s.email for s in everything])  # one mail per address
        for subscription in [*everything, *followers]:
            with translation.override(mail_language(subscription)):
                subject, body = _update_mail(update, subscription, link)
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


def _update_mail(update: IncidentUpdate, subscription, link: str) -> tuple[str, str]:
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
        + _("Follow the incident: %(link)s") % {"link": link}
        + f"\n\n{why}\n"
        + _("Stop with one click: %(link)s") % {"link": unsubscribe_url(subscription)}
        + "\n"
    )
    return subject, body
