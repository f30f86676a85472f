"""Staff pages for webhooks: endpoints, their delivery logs, redelivery."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frankly.access import require_staff
from frankly.errors import FranklyError, NotFound
from frankly.notify import webhook_admin
from frankly.notify.models import DeliveryStatus, Event


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        help_text="Where to POST each event, e.g. https://example.com/hooks/frankly.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="Description", max_length=200, required=False, help_text="For you: what listens."
    )


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(label="Active: send events to this URL", required=False)


def _show_error(form: forms.Form, exc: FranklyError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _endpoint_or_404(request, endpoint_id: int):
    try:
        return webhook_admin.endpoint_for(request.user, endpoint_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def webhooks_page(request):
    require_staff(request.user)
    form = EndpointForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = webhook_admin.register_endpoint(actor=request.user, **form.cleaned_data)
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            _show_error(form, exc)
        else:
            form = EndpointForm()
    endpoints = list(webhook_admin.endpoints_for(request.user))
    return render(
        request,
        "notify/webhooks.html",
        {"form": form, "created": created, "endpoints": endpoints},
        status=400 if form.errors else 200,
    )


@login_required
def endpoint_page(request, endpoint_id: int):
    require_staff(request.user)
    endpoint = _endpoint_or_404(request, endpoint_id)
    initial = {
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
    }
    form = EndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_admin.update_endpoint(
                actor=request.user, endpoint_id=endpoint.pk, **form.cleaned_data
            )
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            _show_error(form, exc)
        else:
            messages.success(request, _("Saved. New events go to this endpoint as shown here."))
            return redirect("notify:webhook", endpoint.pk)
    return _render_endpoint(request, endpoint, form=form, status=400 if form.errors else 200)


def _render_endpoint(request, endpoint, *, form, new_secret: str = "", status: int = 200):
    try:
        endpoint, page = webhook_admin.delivery_log(
            request.user, endpoint.pk, cursor=request.GET.get("cursor") or None
        )
    except FranklyError as exc:
        if exc.field != "cursor":
            raise
        messages.error(request, exc.message)
        return redirect("notify:webhook", endpoint.pk)
    return render(
        request,
        "notify/webhook.html",
        {
            "endpoint": endpoint,
            "secret_hint": webhook_admin.secret_hint(endpoint),
            "new_secret": new_secret,
            "form": form,
            "deliveries": page.items,
            "next": page.next,
            "failed": DeliveryStatus.FAILED,
        },
        status=status,
    )


@login_required
@require_POST
def deactivate(request, endpoint_id: int):
    require_staff(request.user)
    _endpoint_or_404(request, endpoint_id)
    endpoint = webhook_admin.deactivate_endpoint(actor=request.user, endpoint_id=endpoint_id)
    messages.success(
        request, _("Deactivated. Nothing more is sent to %(url)s.") % {"url": endpoint.url}
    )
    return redirect("notify:webhook", endpoint.pk)


@login_required
@require_POST
def rotate(request, endpoint_id: int):
    require_staff(request.user)
    _endpoint_or_404(request, endpoint_id)
    endpoint = webhook_admin.rotate_secret(actor=request.user, endpoint_id=endpoint_id)
    form = EndpointEditForm(
        initial={
            "url": endpoint.url,
            "events": endpoint.events,
            "description": endpoint.description,
            "is_active": endpoint.is_active,
        }
    )
    return _render_endpoint(request, endpoint, form=form, new_secret=endpoint.secret)


@login_required
@require_POST
def redeliver(request, delivery_id: int):
    require_staff(request.user)
    try:
        endpoint_id = webhook_admin.endpoint_id_of_delivery(delivery_id)
        webhook_admin.redeliver(actor=request.user, delivery_id=delivery_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Queued. The delivery is sent again now."))
    return redirect("notify:webhook", endpoint_id)
