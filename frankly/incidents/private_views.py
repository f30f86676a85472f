"""Private status pages: the page and its feed, for members and staff (signed in) or
holders of the secret link, and staff's link rotation.

Never cached for anyone else: each answer is rendered for its reader and marked
``private, no-store``; the secret link is kept out of Referer headers."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET, require_POST

from frankly.errorpages import run_form_action
from frankly.errors import NotFound
from frankly.incidents import private_pages, queries, uptime
from frankly.incidents.models import ComponentStatus, Impact, IncidentState, IncidentUpdate


def _reader_page(request, slug: str):
    key = request.GET.get("key") or None
    if key is None and not request.user.is_authenticated:
        return None, key
    try:
        return private_pages.page_for_reader(slug, user=request.user, key=key), key
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def private_page(request, slug: str):
    page, key = _reader_page(request, slug)
    if page is None:
        return redirect_to_login(request.get_full_path())
    component_list = private_pages.page_components(page)
    active, recent = private_pages.page_incidents(page, component_list)
    histories = uptime.histories(component_list)
    context = {
        "page": page,
        "key": key,
        "banner": queries.overall(component_list),
        "groups": queries.grouped(component_list),
        "histories": {h.component.pk: h for h in histories},
        "incidents": active,
        "recent": recent,
        "component_list": component_list,
        "own_components": [c for c in component_list if c.is_private],
        "statuses": ComponentStatus.choices,
        "impacts": Impact.choices,
        "states": IncidentState.choices,
        "viewer_can_manage": request.user.is_authenticated and request.user.is_staff,
    }
    return _private(render(request, "incidents/private_page.html", context))


@require_GET
def private_feed(request, slug: str):
    page, key = _reader_page(request, slug)
    if page is None:
        raise Http404(private_pages.NOT_FOUND)  # a feed reader cannot sign in
    component_list = private_pages.page_components(page)
    shared_ids = [c.pk for c in component_list if not c.is_private]
    link = request.build_absolute_uri(reverse("incidents:private_page", args=[page.slug]))
    suffix = f"?key={key}" if key else ""
    feed = Atom1Feed(
        title=f"{page.name}: status updates", link=link + suffix, description=page.description
    )
    updates = (
        IncidentUpdate.objects.filter(incident__private_page=page)
        | IncidentUpdate.objects.filter(
            incident__private_page__isnull=True, incident__components__in=shared_ids
        )
    ).distinct()
    for update in updates.select_related("incident").order_by("-created_at", "-id")[:50]:
        url = request.build_absolute_uri(reverse("incidents:incident", args=[update.incident_id]))
        feed.add_item(
            title=f"{update.incident.title}: {update.get_state_display()}",
            link=f"{url}{suffix}#update-{update.pk}",
            description=update.body_html,
            unique_id=f"{url}#update-{update.pk}",
            pubdate=update.created_at,
            updateddate=update.edited_at or update.created_at,
        )
    response = HttpResponse(
        feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )
    return _private(response)


@login_required
@require_POST
def rotate_link(request, slug: str):
    back = reverse("incidents:private_page", args=[slug])
    run_form_action(
        request,
        lambda: private_pages.rotate_link(actor=request.user, slug=slug),
        done="New secret link made: the old one no longer works.",
    )
    return redirect(back)


@login_required
@require_POST
def revoke_link(request, slug: str):
    back = reverse("incidents:private_page", args=[slug])
    run_form_action(
        request,
        lambda: private_pages.revoke_link(actor=request.user, slug=slug),
        done="Secret link turned off: only members and staff can read the page.",
    )
    return redirect(back)
