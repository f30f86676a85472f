"""A person's own data: a full export, and deleting the account.

Both run as background jobs (``frankly.accounts.tasks``) and end with an email.
``EXPORTED`` and ``NOT_EXPORTED`` together name every model that points at a user,
and a test fails when a new one is added to neither, so no kind of data a person
created can be left out of their export by accident.
"""

import io
import json
import logging
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frankly.accounts.models import DataExport, User
from frankly.errors import Conflict, Invalid

log = logging.getLogger(__name__)
EXPORT_DAYS = 7
EXPORTED = {
    "accounts.ApiToken": "api_tokens",
    "accounts.ContactPreferences": "contact_preferences",
    "accounts.ContactPreferenceChange": "contact_preference_history",
    "accounts.TestimonialRequest": "consents",
    "accounts.DataExport": "data_exports",
    "account.EmailAddress": "email_addresses",
    "feedback.Post": "posts",
    "feedback.Vote": "votes",
    "feedback.Comment": "comments",
    "feedback.Follow": "follows",
    "incidents.IncidentComment": "incident_comments",
    "incidents.AffectedReport": "incident_reports",
    "roadmap.ChangelogComment": "changelog_comments",
    "transparency.Appeal": "appeals",
    "transparency.Revision": "edits",
    "notify.Notification": "notifications",
    "notify.EmailPreference": "email_preferences",
    "crm.Contact": "crm_records",
    "crm.SsoIdentity": "sso_identities",
    "socialaccount.SocialAccount": "linked_logins",
    "portability.ImportedItem": "claimed_imports",
}
# Rows that point at a person but are not their data: what staff did in their role
# (status changes, official responses, incident updates, ...), or mail to them.
NOT_EXPORTED = {
    "admin.LogEntry",
    "accounts.TestimonialRequest.requested_by",
    "feedback.StatusChange",
    "feedback.OfficialResponse",
    "transparency.ModerationAction",
    "transparency.Appeal.decided_by",
    "incidents.Incident",
    "incidents.IncidentUpdate",
    "incidents.Postmortem",
    "incidents.Maintenance",
    "roadmap.RoadmapSetting",
    "roadmap.ChangelogEntry",
    "notify.OutboxMessage",
    "notify.WebhookEndpoint",
    "insights.Alert",
    "insights.WatchWord",
    "crm.ContactImport",
    "integrations.IssueLink",  # staff's work on the board, not the person's own data
}


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _content(item, *, kind: str, **extra) -> dict:
    return {
        "id": item.pk,
        "url": item.get_absolute_url(),
        "created_at": _when(item.created_at),
        "hidden_by_moderation": item.is_hidden,
        "deleted": item.is_deleted,
        **extra,
        **{f: getattr(item, f) for f in item.TEXT_FIELDS if not f.endswith("_html")},
    }


def collect_user_data(user: User) -> dict:
    """Everything Frankly holds about one person, as plain JSON-ready data."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from frankly.accounts.contact import preferences_for
    from frankly.crm.models import SsoIdentity
    from frankly.feedback.models import Comment, Follow, Post, Vote
    from frankly.incidents.models import AffectedReport, IncidentComment
    from frankly.notify.models import EmailPreference, Notification
    from frankly.roadmap.models import ChangelogComment
    from frankly.transparency.models import Appeal, Revision

    preferences = preferences_for(user)
    return {
        "format": "frankly-user-export/1",
        "exported_at": timezone.now().isoformat(),
        "site": settings.SITE_ROOT_URL,
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "public_name": user.public_name,
            "time_zone": user.time_zone,
            "joined_at": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "role": str(user.role),
            "show_name": user.show_name,
            "hide_profile": user.hide_profile,
            "banned_at": _when(user.banned_at),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "posts": [
            _content(p, kind="post", kind_of_post=p.kind, status=p.status, votes=p.vote_count)
            for p in Post.objects.filter(author=user).order_by("pk")
        ],
        "comments": [
            _content(c, kind="comment", post_id=c.post_id)
            for c in Comment.objects.filter(author=user).order_by("pk")
        ],
        "incident_comments": [
            _content(c, kind="incident_comment", incident_id=c.incident_id)
            for c in IncidentComment.objects.filter(author=user).order_by("pk")
        ],
        "changelog_comments": [
            _content(c, kind="changelog_comment", entry_id=c.entry_id)
            for c in ChangelogComment.objects.filter(author=user).order_by("pk")
        ],
        "votes": [
            {"post_id": v.post_id, "post_title": v.post.title, "created_at": _when(v.created_at)}
            for v in Vote.objects.filter(user=user).select_related("post").order_by("pk")
        ],
        "follows": [
            {"post_id": f.post_id, "created_at": _when(f.created_at)}
            for f in Follow.objects.filter(user=user).order_by("pk")
        ],
        "incident_reports": [
            {"incident_id": r.incident_id, "created_at": _when(r.created_at)}
            for r in AffectedReport.objects.filter(user=user).order_by("pk")
        ],
        "appeals": [
            {
                "moderation_action_id": a.action_id,
                "message": a.message,
                "created_at": _when(a.created_at),
                "outcome": a.outcome,
            }
            for a in Appeal.objects.filter(author=user).order_by("pk")
        ],
        "edits": [
            {
                "object_type": r.object_type,
                "object_id": r.object_id,
                "old": r.old,
                "new": r.new,
                "reason": r.reason,
                "created_at": _when(r.created_at),
            }
            for r in Revision.objects.filter(editor=user).order_by("pk")
        ],
        "consents": [
            {
                "id": t.pk,
                "quote": t.quote,
                "source": t.object_url,
                "placement": t.placement,
                "until": t.until.isoformat(),
                "state": t.state,
                "anonymous": t.is_anonymous,
                "requested_at": _when(t.requested_at),
                "decided_at": _when(t.decided_at),
                "ended_at": _when(t.ended_at),
                "end_reason": t.end_reason,
                "text_sha256": t.text_digest,
            }
            for t in user.testimonial_requests.order_by("pk")
        ],
        "contact_preferences": {
            "product_news": preferences.product_news,
            "surveys": preferences.surveys,
            "incident_notices": preferences.incident_notices,
            "sales_contact": preferences.sales_contact,
            "updated_at": _when(preferences.updated_at) if preferences.pk else None,
        },
        "contact_preference_history": [
            {
                "field": c.field,
                "from": c.old_value,
                "to": c.new_value,
                "changed_at": _when(c.changed_at),
            }
            for c in user.contact_preference_changes.order_by("pk")
        ],
        "email_preferences": {
            p.kind: p.delivery for p in EmailPreference.objects.filter(user=user)
        },
        "notifications": [
            {
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in Notification.objects.filter(user=user).order_by("pk")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in user.api_tokens.order_by("pk")
        ],
        "crm_records": [
            {
                "email": c.email,
                "name": c.name,
                "company": c.company_name,
                "plan": c.plan,
                "value": str(c.value) if c.value is not None else None,
                "owner": c.owner,
                "last_contacted_at": _when(c.last_contacted_at),
                "source": c.source,
                "updated_at": _when(c.updated_at),
            }
            for c in _crm_contacts(user)
        ],
        "sso_identities": [
            {"external_id": i.external_id, "last_login_at": _when(i.last_login_at)}
            for i in SsoIdentity.objects.filter(user=user)
        ],
        "linked_logins": [
            {"provider": a.provider, "uid": a.uid, "last_login": _when(a.last_login)}
            for a in SocialAccount.objects.filter(user=user)
        ],
        "failed_logins": [
            {"at": _when(row.attempt_time), "ip_address": row.ip_address}
            for model in _failed_login_models()
            for row in model.objects.filter(username__iexact=user.email)
        ],
        "claimed_imports": [
            {
                "source": i.source,
                "kind": i.kind,
                "id_there": i.external_id,
                "post_id": i.post_id,
                "name_there": i.person_name,
                "email_there": i.person_email,
                "made_at": _when(i.original_at),
                "claimed_at": _when(i.claimed_at),
            }
            for i in user.imported_items.order_by("pk")
        ],
        "data_exports": [
            {"requested_at": _when(e.requested_at), "state": e.state}
            for e in user.data_exports.order_by("pk")
        ],
    }


def _crm_contacts(user: User):
    """The company's CRM records about this person: matched to them, or at their address."""
    from django.db.models import Q

    from frankly.crm.models import Contact

    return Contact.objects.filter(Q(user=user) | Q(email__iexact=user.email)).order_by("pk")


def _failed_login_models() -> list:
    """django-axes' records of failed logins, which name the address tried."""
    from django.apps import apps

    if not apps.is_installed("axes"):
        return []
    return [apps.get_model("axes", name) for name in ("AccessAttempt", "AccessFailureLog")]


def _markdown(data: dict) -> str:
    """The same data as a readable Markdown document."""
    profile = data["profile"]
    lines = [
        f"# Your data on {settings.SITE_NAME}",
        "",
        f"Exported {data['exported_at']} for {profile['email']} "
        f"(shown publicly as “{profile['public_name']}”).",
        "The file data.json holds everything below, and more, in machine-readable form.",
        "",
    ]
    for section, title in (
        ("posts", "Posts"),
        ("comments", "Comments"),
        ("incident_comments", "Comments on incidents"),
        ("changelog_comments", "Comments on the changelog"),
    ):
        lines += [f"## {title} ({len(data[section])})", ""]
        for item in data[section]:
            heading = item.get("title") or f"{item['created_at']}"
            lines += [f"### {heading}", "", f"{item['url']} · {item['created_at']}", ""]
            lines += [item.get("body") or "(no text)", ""]
    lines += [f"## Votes ({len(data['votes'])})", ""]
    lines += [f"- {v['post_title']} ({v['created_at']})" for v in data["votes"]]
    lines += ["", f"## Consents to quote you ({len(data['consents'])})", ""]
    lines += [
        f"- “{c['quote']}” on {c['placement']} until {c['until']}: {c['state']}"
        for c in data["consents"]
    ]
    prefs = data["contact_preferences"]
    lines += ["", "## Contact preferences", ""]
    lines += [f"- {key.replace('_', ' ')}: {value}" for key, value in prefs.items()]
    lines += ["", f"## Notifications ({len(data['notifications'])})", ""]
    lines += [f"- {n['created_at']}: {n['title']}" for n in data["notifications"]]
    return "\n".join(lines) + "\n"


def build_export(user: User) -> bytes:
    """A zip with data.json and data.md."""
    data = collect_user_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("data.md", _markdown(data))
    return buffer.getvalue()


def export_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def request_export(*, user: User) -> DataExport:
    """Start preparing a copy of the person's data; one at a time."""
    from frankly.access import require_signed_in
    from frankly.accounts import tasks

    require_signed_in(user)
    if user.data_exports.filter(state=DataExport.State.PENDING).exists():
        raise Conflict("Your export is already being prepared. We email you when it is ready.")
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: tasks.prepare_export.enqueue(export.pk))
    return export


def prepare_export(export_id: int) -> DataExport | None:
    """Write the zip for one export request and email its owner a link."""
    from django.urls import reverse

    from frankly.accounts.contact import Topic
    from frankly.notify.outbox import queue_email

    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return export
    content = build_export(export.user)
    name = f"frankly-export-{export.user_id}-{export.pk}.zip"
    (export_dir() / name).write_bytes(content)
    with transaction.atomic():
        now = timezone.now()
        export.state, export.file_name, export.size = DataExport.State.READY, name, len(content)
        export.finished_at, export.expires_at = now, now + timedelta(days=EXPORT_DAYS)
        export.save()
        link = settings.SITE_URL + reverse("accounts:export")
        # In the person's language (the worker has no request to take it from).
        with translation.override(export.user.language or settings.LANGUAGE_CODE):
            subject = _("[%(site)s] Your data export is ready") % {"site": settings.SITE_NAME}
            body = _(
                "Hello %(name)s,\n\nThe copy of your data you asked for is ready. Log in and "
                "download it here:\n%(link)s\n\nThe file is deleted after %(days)s days. If you "
                "did not ask for it, change your password.\n"
            ) % {"name": export.user.public_name, "link": link, "days": EXPORT_DAYS}
        queue_email(
            key=f"data-export:{export.pk}",
            to=export.user.email,
            user=export.user,
            subject=subject,
            body=body,
            topic=Topic.ACCOUNT,
        )
    return export


def export_file(export: DataExport) -> Path | None:
    """The zip of a ready, unexpired export, or None."""
    if export.state != DataExport.State.READY or export.expires_at <= timezone.now():
        return None
    path = export_dir() / export.file_name
    return path if path.exists() else None


@transaction.atomic
def request_account_deletion(*, user: User, password: str, keep_content: bool) -> None:
    """The person deletes their account. It stops working at once; a background job
    then removes their data (``erase_account``) and emails them when it is done."""
    from frankly.access import require_signed_in
    from frankly.accounts import tasks

    require_signed_in(user)
    if user.is_staff:
        raise Conflict("Staff accounts are removed by an admin, after handing over their work.")
    if not user.check_password(password or ""):
        raise Invalid("That password is not right. Type your current password.", field="password")
    user.deleted_at = timezone.now()
    user.is_active = False
    user.save(update_fields=["deleted_at", "is_active"])
    from frankly.crm.sync import announce_user_change  # the CRM hears of the deletion

    announce_user_change(user)
    Session.objects.filter(pk__in=_session_keys(user)).delete()
    user_id, keep = user.pk, bool(keep_content)
    transaction.on_commit(lambda: tasks.erase_account.enqueue(user_id, keep))


def _session_keys(user: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.pk)
    return keys


def erase_account(user_id: int, *, keep_content: bool) -> bool:
    """Remove a person's account and personal data for good.

    Their posts and comments stay, as "Deleted user", only when they chose that;
    otherwise each one's text is removed and a tombstone stays. Votes are withdrawn
    (counts stay exact), mail queued for them and status subscriptions are dropped,
    and one line in the public moderation log records that an account was deleted,
    with no name. Returns False when there was nothing to erase."""
    from django.core.mail import EmailMessage

    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return False
        email, language = user.email, user.language
        _erase(user, keep_content=keep_content)
    with translation.override(language or settings.LANGUAGE_CODE):
        site = {"site": settings.SITE_NAME}
        subject = _("[%(site)s] Your account is deleted") % site
        body = (
            _("Your account on %(site)s is deleted, as you asked.") % site
            + " "
            + (
                _("Your posts and comments stay, shown as written by “Deleted user”.")
                if keep_content
                else _("Your posts and comments were removed; a note says so in their place.")
            )
            + "\n"
            + _("We keep no copy of your email address or name; this is the last mail from us.")
            + "\n"
        )
    try:
        EmailMessage(subject=subject, body=body, to=[email]).send()
    except OSError as exc:  # the account is gone either way; nothing to retry with
        log.warning("Could not send the account-deleted mail: %s", exc)
    return True


def _erase(user: User, *, keep_content: bool) -> None:
    from frankly.accounts.testimonials import revoke_all_for
    from frankly.feedback.models import Vote
    from frankly.feedback.services.votes import remove_vote
    from frankly.incidents.models import AffectedReport, Incident, StatusSubscription
    from frankly.notify.models import OutboxMessage
    from frankly.transparency.models import Action
    from frankly.transparency.modlog import log_moderation

    revoke_all_for(user, reason="The account was deleted.")
    content_ids = _handle_content(user, keep_content=keep_content)
    _scrub_mentions(user, content_ids)
    # remove_vote refuses inactive people; the person asked for this, so act as them.
    user.is_active, user.banned_at = True, None
    for post_id in Vote.objects.filter(user=user).values_list("post_id", flat=True):
        remove_vote(user=user, post_id=post_id)
    for report in AffectedReport.objects.filter(user=user):
        Incident.objects.filter(pk=report.incident_id, affected_count__gt=0).update(
            affected_count=F("affected_count") - 1
        )
        report.delete()
    OutboxMessage.objects.filter(to__iexact=user.email).delete()
    OutboxMessage.objects.filter(user=user).delete()
    StatusSubscription.objects.filter(email__iexact=user.email).delete()
    # The copy of the company's CRM record kept here goes too; their CRM is theirs.
    _crm_contacts(user).delete()
    for model in _failed_login_models():
        model.objects.filter(username__iexact=user.email).delete()
    for export in user.data_exports.all():
        (export_dir() / export.file_name).unlink(missing_ok=True) if export.file_name else None
    from frankly.portability.claims import forget_imported_person

    forget_imported_person(user)
    log_moderation(
        action=Action.ERASE,
        actor=None,
        object_type="user",
        object_id=user.pk,
        object_url="",
        reason=(
            "An account was deleted at its owner's request. "
            + (
                "Their posts and comments stay, as “Deleted user”."
                if keep_content
                else "Their posts and comments were removed; tombstones stay."
            )
        ),
    )
    from frankly.crm.services import forget_person

    forget_person(user)
    user.delete()


def _handle_content(user: User, *, keep_content: bool) -> dict[str, list[int]]:
    """Remove the text of everything the person wrote, unless they chose to keep it."""
    from django.apps import apps

    from frankly.transparency.moderation import MODERATABLE
    from frankly.transparency.revisions import forget_texts

    written: dict[str, list[int]] = {}
    for object_type, label in MODERATABLE.items():
        model = apps.get_model(label)
        items = list(model.objects.select_for_update().filter(author=user))
        written[object_type] = [item.pk for item in items]
        if keep_content:
            continue
        for item in items:
            if not item.is_deleted:
                for field in item.TEXT_FIELDS:
                    setattr(item, field, "")
                item.deleted_at = timezone.now()
                item.save(update_fields=[*item.TEXT_FIELDS, "deleted_at"])
            forget_texts(object_type, item.pk)
    return written


def _scrub_mentions(user: User, written: dict[str, list[int]]) -> None:
    """Notifications to others and webhook logs name the author of what they are
    about; replace the name there, so it is not kept anywhere."""
    from frankly.feedback.models import Comment, Post
    from frankly.notify.models import Notification, WebhookDelivery

    names = {n for n in (user.display_name, user.public_name) if n and len(n) > 1}
    urls = [p.get_absolute_url() for p in Post.objects.filter(pk__in=written.get("post", []))]
    urls += [
        c.get_absolute_url() for c in Comment.objects.filter(pk__in=written.get("comment", []))
    ]
    for notification in Notification.objects.filter(url__in=urls):
        title, body = notification.title, notification.body
        for name in names:
            title, body = title.replace(name, "Deleted user"), body.replace(name, "Deleted user")
        if (title, body) != (notification.title, notification.body):
            notification.title, notification.body = title, body
            notification.save(update_fields=["title", "body"])
    for delivery in WebhookDelivery.objects.all().iterator():
        text = json.dumps(delivery.payload, ensure_ascii=False)
        scrubbed = text
        for name in names:
            scrubbed = scrubbed.replace(json.dumps(name, ensure_ascii=False)[1:-1], "Deleted user")
        if user.email:
            scrubbed = scrubbed.replace(user.email, "deleted@invalid")
        if scrubbed != text:
            delivery.payload = json.loads(scrubbed)
            delivery.save(update_fields=["payload"])
