"""The status page, incident pages, history, subscriptions and the embeddable widget."""

import json
from datetime import UTC, datetime

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frankly import spamtrap
from frankly.errorpages import run_form_action
from frankly.errors import FranklyError, Invalid, NotFound
from frankly.incidents import caching, private_pages, queries, services, subscriptions, uptime
from frankly.incidents.feeds import StatusFeed
from frankly.incidents.models import (
    Component,
    ComponentStatus,
    Impact,
    IncidentState,
)
from frankly.transparency import tombstones
from frankly.transparency.queries import rules_for_staff


def _status_context(request) -> dict:
    component_list = queries.components()
    histories = uptime.histories(component_list)
    return {
        "banner": queries.overall(component_list),
        "groups": queries.grouped(component_list),
        "histories": {h.component.pk: h for h in histories},
        "incidents": queries.active_incidents(),
        "maintenance": queries.maintenance_now_and_next(),
        "recent": queries.recent_incidents(5),
        "statuses": ComponentStatus.choices,
        "impacts": Impact.choices,
        "states": IncidentState.choices,
        "component_list": component_list,
    }


def _today() -> str:
    return datetime.now(tz=UTC).date().isoformat()


@require_GET
def status_page(request):
    caching.advance_maintenance_when_due(request)
    # Only anonymous visitors with no pending message share the cached page (it must
    # hold nothing personal: no CSRF token, no "you have signed out").
    shared = not request.user.is_authenticated and not len(messages.get_messages(request))
    return caching.cached_response(
        request,
        name="page",
        public=shared,
        # The page shows the host and the full path (the log-in link, the search box),
        # so one visitor's query string must not be stored for everyone else.
        extra_key=f"{_today()}:{request.get_host()}:{request.get_full_path()}",
        render=lambda: render_to_string(
            "incidents/status.html", _status_context(request), request=request
        ),
    )


@require_GET
def status_feed(request):
    """The status feed, cached per status version, with the headers a CDN needs."""
    return caching.cached_response(
        request,
        name="feed",
        content_type="application/atom+xml; charset=utf-8",
        extra_key=request.get_host(),  # the feed's links are absolute
        render=lambda: StatusFeed()(request).content,
    )


@require_GET
def status_history(request):
    return render(request, "incidents/history.html", {"months": queries.incidents_by_month()})


@require_GET
def incident_page(request, incident_id: int):
    try:
        incident = services.get_incident(incident_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if incident.private_page_id and not private_pages.can_read(
        incident.private_page, request.user, request.GET.get("key")
    ):
        raise Http404(f"There is no incident #{incident_id}.")
    comments = list(incident.comments.select_related("author", "hidden_by"))
    tombstones.prepare(comments, request.user)
    is_affected = (
        request.user.is_authenticated and incident.reports.filter(user=request.user).exists()
    )
    updates = list(incident.updates.select_related("author"))
    response = render(
        request,
        "incidents/incident.html",
        {
            "incident": incident,
            "updates": updates,
            "incident_statuses": incident.component_statuses(updates),
            "comments": comments,
            "postmortem": getattr(incident, "postmortem", None),
            "is_affected": is_affected,
            "states": IncidentState.choices,
            "statuses": ComponentStatus.choices,
            "component_list": (
                list(incident.private_page.own_components.all())
                if incident.private_page_id
                else queries.components()
            ),
            "rules": rules_for_staff(request.user),
        },
    )
    if incident.private_page_id:
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"  # the secret link may be in the URL
    return response


def _form_action(request, action, *, done: str, back: str):
    succeeded, result = run_form_action(request, action, done=done)
    if succeeded and hasattr(result, "get_absolute_url"):
        return redirect(result.get_absolute_url())
    return redirect(back)


def _statuses_from(post) -> dict:
    """{component id: status} from form fields named status-<id> (blank = unchanged)."""
    return {
        key.removeprefix("status-"): value
        for key, value in post.items()
        if key.startswith("status-") and value
    }


@login_required
@require_POST
def open_incident(request):
    return _form_action(
        request,
        lambda: services.open_incident(
            actor=request.user,
            title=request.POST.get("title", ""),
            impact=request.POST.get("impact", ""),
            body=request.POST.get("body", ""),
            state=request.POST.get("state", IncidentState.INVESTIGATING),
            components=request.POST.getlist("components"),
            component_statuses=_statuses_from(request.POST),
            private_page=request.POST.get("private_page", ""),
        ),
        done="Incident opened and published.",
        back=reverse("incidents:status"),
    )


@login_required
@require_POST
def post_update(request, incident_id: int):
    back = reverse("incidents:incident", args=[incident_id])
    return _form_action(
        request,
        lambda: (
            services.post_incident_update(
                actor=request.user,
                incident_id=incident_id,
                state=request.POST.get("state", ""),
                body=request.POST.get("body", ""),
                component_statuses=_statuses_from(request.POST),
            ).incident
        ),
        done="Update published.",
        back=back,
    )


@login_required
@require_POST
def postmortem(request, incident_id: int):
    back = reverse("incidents:incident", args=[incident_id])
    return _form_action(
        request,
        lambda: (
            services.publish_postmortem(
                actor=request.user,
                incident_id=incident_id,
                what_happened=request.POST.get("what_happened", ""),
                impact=request.POST.get("impact", ""),
                root_cause=request.POST.get("root_cause", ""),
                changes=request.POST.get("changes", ""),
                reason=request.POST.get("reason", ""),
            ).incident
        ),
        done="Postmortem published.",
        back=back,
    )


@login_required
@require_POST
def comment(request, incident_id: int):
    back = reverse("incidents:incident", args=[incident_id])
    return _form_action(
        request,
        lambda: services.add_incident_comment(
            author=request.user,
            incident_id=incident_id,
            body=request.POST.get("body", ""),
        ),
        done="Comment posted.",
        back=back,
    )


@login_required
@require_POST
def affected(request, incident_id: int):
    back = reverse("incidents:incident", args=[incident_id])
    return _form_action(
        request,
        lambda: services.report_affected(
            user=request.user,
            incident_id=incident_id,
            affected=request.POST.get("affected") != "0",
        ),
        done="Thanks: staff see how many people this affects.",
        back=back,
    )


@login_required
@require_POST
def schedule(request):
    def parse(name):
        raw = request.POST.get(name, "")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return _form_action(
        request,
        lambda: services.schedule_maintenance(
            actor=request.user,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            starts_at=parse("starts_at"),
            ends_at=parse("ends_at"),
            components=request.POST.getlist("components"),
            component_statuses=_statuses_from(request.POST),
        ),
        done="Maintenance scheduled.",
        back=reverse("incidents:status"),
    )


@login_required
@require_POST
def add_component(request):
    return _form_action(
        request,
        lambda: services.create_component(
            actor=request.user,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            group=request.POST.get("group", ""),
        ),
        done="Component added.",
        back=reverse("incidents:status"),
    )


@login_required
@require_POST
def set_component_status(request, component_id: int):
    return _form_action(
        request,
        lambda: services.change_component_status(
            actor=request.user,
            component_id=component_id,
            status=request.POST.get("status", ""),
        ),
        done="Status changed.",
        back=reverse("incidents:status"),
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST":
        try:
            if message := spamtrap.problem(request.POST):
                raise Invalid(message)
            subscriptions.subscribe(
                email=request.POST.get("email", ""),
                component_ids=request.POST.getlist("components"),
            )
        except FranklyError as exc:
            return render(
                request,
                "incidents/subscribe.html",
                {
                    "error": exc.message,
                    "component_list": queries.components(),
                    "shown_at": request.POST.get("shown_at", ""),
                },
                status=400,
            )
        return render(request, "incidents/subscribe_sent.html")
    return render(
        request,
        "incidents/subscribe.html",
        {"component_list": queries.components(), "shown_at": spamtrap.stamp()},
    )


@require_POST
def follow_incident(request, incident_id: int):
    try:
        subscriptions.subscribe_to_incident(
            email=request.POST.get("email", ""), incident_id=incident_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("incidents:incident", args=[incident_id]) + "#follow")
    return render(request, "incidents/subscribe_sent.html")


@require_GET
def confirm(request, token: str):
    try:
        subscriptions.confirm(token=token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "incidents/subscription_done.html", {"confirmed": True})


@csrf_exempt  # RFC 8058: mail clients POST here without a session or form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            subscriptions.unsubscribe(token=token)
            return render(request, "incidents/subscription_done.html", {"unsubscribed": True})
        subscriptions.by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "incidents/unsubscribe.html", {"token": token})


@require_GET
def embed_js(request):
    return caching.cached_response(
        request,
        name="embed.js",
        content_type="application/javascript",
        render=lambda: render_to_string(
            "incidents/embed.js",
            {
                "summary_json": json.dumps(_badge_data(request), cls=DjangoJSONEncoder),
            },
        ),
    )


def _badge_data(request) -> dict:
    banner = queries.overall(list(Component.objects.public()))
    # SITE_URL, not the request's Host: the result is cached and shared.
    return {
        "status": banner["status"],
        "text": banner["text"],
        "url": f"{settings.SITE_URL}{reverse('incidents:status')}",
    }


# Other sites embed the badge in an iframe; it styles itself with one inline <style>.
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"], "style-src": ["'unsafe-inline'"]})
@require_GET
def badge(request):
    services.advance_maintenance()
    return caching.cached_response(
        request,
        name="badge",
        render=lambda: render_to_string("incidents/badge.html", _badge_data(request)),
    )
