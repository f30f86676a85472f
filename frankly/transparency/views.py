"""Public transparency pages, and the moderation actions staff and authors take."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frankly.errorpages import run_form_action
from frankly.errors import FranklyError, NotAllowed
from frankly.transparency import moderation, proving, queries, rules, tombstones
from frankly.transparency.ledger import latest_checkpoint
from frankly.transparency.models import Action, Appeal, LedgerEntry, Rule
from frankly.transparency.revisions import word_diff
from frankly.validation import parse_id

LEDGER_PAGE = 50


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _int(value) -> int | None:
    return parse_id(value)


def _target(request) -> dict:
    """The post or comment a moderation form names."""
    return {
        "object_type": request.POST.get("object_type", ""),
        "object_id": _int(request.POST.get("object_id")),
    }


def _act(request, action, *, done: str, fallback: str):
    """Run one moderation service from a form; show its error as a message."""
    succeeded, result = run_form_action(request, action, done=done)
    if succeeded:
        fallback = getattr(result, "object_url", fallback) or fallback
    return redirect(_back(request, fallback))


@require_GET
def overview(request):
    return render(
        request,
        "transparency/overview.html",
        {
            "entries": LedgerEntry.objects.count(),
            "checkpoint": latest_checkpoint(),
            "counts": queries.moderation_counts(),
        },
    )


@require_GET
def ledger_page(request):
    before = _int(request.GET.get("before"))
    entries = LedgerEntry.objects.order_by("-seq")
    if before:
        entries = entries.filter(seq__lt=before)
    entries = list(entries[: LEDGER_PAGE + 1])
    more = len(entries) > LEDGER_PAGE
    entries = entries[:LEDGER_PAGE]
    return render(
        request,
        "transparency/ledger.html",
        {
            "entries": entries,
            "next_before": entries[-1].seq if more else None,
            "checkpoint": latest_checkpoint(),
            "site_url": settings.SITE_ROOT_URL,
        },
    )


@require_GET
def prove(request):
    """Paste a statement's permalink; see it proven in the signed log, maths shown."""
    link = request.GET.get("link", "")
    proven, error, status = None, None, 200
    if link:
        try:
            proven = proving.prove_link(link)
        except FranklyError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "transparency/prove.html",
        {"link": link, "proven": proven, "error": error, "site_url": settings.SITE_ROOT_URL},
        status=status,
    )


@require_GET
def moderation_log(request):
    action, month = request.GET.get("action", ""), request.GET.get("month", "")
    error = None
    try:
        page = queries.moderation_log(
            action=action, month=month, cursor=request.GET.get("cursor") or None
        )
    except FranklyError as exc:
        error, page = exc.message, None
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "transparency/moderation.html",
        {
            "page": page,
            "error": error,
            "action": action,
            "month": month,
            "actions": Action.choices,
            "counts": queries.moderation_counts(),
            "base_query": query.urlencode(),
            "shows_names": settings.MODLOG_SHOWS_NAMES,
        },
        status=400 if error else 200,
    )


@require_GET
def history(request, object_type: str, object_id: int):
    try:
        object_type, object_id = queries.parse_object_ref(f"{object_type}:{object_id}")
        obj = queries.get_history_object(object_type, object_id)
    except FranklyError as exc:
        raise Http404(exc.message) from exc
    visible = queries.texts_visible_to(obj, request.user)
    versions = []
    for revision in queries.revisions_for(object_type, object_id, viewer=request.user):
        fields = []
        if visible:
            for field in revision["new"]:
                fields.append(
                    {
                        "name": field,
                        "diff": word_diff(revision["old"].get(field, ""), revision["new"][field]),
                    }
                )
        versions.append({**revision, "fields": fields})
    return render(
        request,
        "transparency/history.html",
        {
            "object_type": object_type,
            "obj": obj,
            "versions": versions,
            "visible": visible,
            "label": object_type.replace("_", " "),
        },
    )


@require_GET
def rules_page(request):
    shown = Rule.objects.all() if request.user.is_staff else Rule.objects.filter(is_active=True)
    return render(request, "transparency/rules.html", {"rules": shown})


@login_required
@require_POST
def save_rule(request):
    raw_id = request.POST.get("rule_id", "")
    rule_id = _int(raw_id)
    if raw_id and rule_id is None:
        # A form naming a rule that cannot exist must not quietly add a new one.
        raise Http404("There is no such rule.")
    title, description = request.POST.get("title", ""), request.POST.get("description", "")
    try:
        if rule_id:
            rules.update_rule(
                actor=request.user,
                rule_id=rule_id,
                title=title,
                description=description,
                is_active=request.POST.get("is_active") == "on",
            )
        else:
            rules.create_rule(actor=request.user, title=title, description=description)
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The rule is saved and the change is on the public ledger."))
    return redirect("transparency:rules")


@login_required
@require_POST
def hide(request):
    return _act(
        request,
        lambda: moderation.hide_content(
            actor=request.user,
            **_target(request),
            rule_id=request.POST.get("rule"),
            reason=request.POST.get("reason", ""),
        ),
        done=_("Hidden. The action and its reason are in the public moderation log."),
        fallback="/",
    )


@login_required
@require_POST
def unhide(request):
    return _act(
        request,
        lambda: moderation.unhide_content(
            actor=request.user,
            **_target(request),
            reason=request.POST.get("reason", ""),
        ),
        done=_("Shown again, and logged."),
        fallback="/",
    )


@login_required
@require_POST
def lock(request, post_id: int):
    return _act(
        request,
        lambda: moderation.set_lock(
            actor=request.user,
            post_id=post_id,
            locked=request.POST.get("locked") != "0",
            reason=request.POST.get("reason", ""),
        ),
        done=_("Done, and logged."),
        fallback=reverse("feedback:post", args=[post_id]),
    )


@login_required
@require_POST
def ban(request, user_id: int):
    return _act(
        request,
        lambda: moderation.set_ban(
            actor=request.user,
            user_id=user_id,
            banned=request.POST.get("banned") != "0",
            reason=request.POST.get("reason", ""),
            rule_id=request.POST.get("rule"),
        ),
        done=_("Done, and logged."),
        fallback=reverse("feedback:profile", args=[user_id]),
    )


@login_required
@require_POST
def delete_own(request):
    return _act(
        request,
        lambda: moderation.delete_own_content(
            actor=request.user,
            **_target(request),
        ),
        done=_("Deleted. Its text is gone from our database."),
        fallback="/",
    )


@login_required
@require_POST
def appeal(request):
    return _act(
        request,
        lambda: moderation.appeal_hiding(
            author=request.user,
            **_target(request),
            message=request.POST.get("message", ""),
        ),
        done=_("Your appeal is sent. Staff will answer on this page."),
        fallback="/",
    )


@login_required
def appeals(request):
    if not request.user.is_staff:
        raise NotAllowed(_("Only staff can see the appeals."))
    pending = list(moderation.pending_appeals())
    for item in pending:
        item.content = moderation.get_content(item.action.object_type, item.action.object_id)
        tombstones.prepare([item.content], request.user)
    decided = Appeal.objects.exclude(outcome=Appeal.Outcome.PENDING).select_related("action")[:50]
    return render(request, "transparency/appeals.html", {"pending": pending, "decided": decided})


@login_required
@require_POST
def decide(request, appeal_id: int):
    return _act(
        request,
        lambda: moderation.decide_appeal(
            actor=request.user,
            appeal_id=appeal_id,
            reverse=request.POST.get("reverse") == "1",
            note=request.POST.get("note", ""),
        ),
        done=_("Decided. The author sees the answer on their post."),
        fallback=reverse("transparency:appeals"),
    )
