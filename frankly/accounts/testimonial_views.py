"""Testimonials: staff ask for consent; the public embed serves only what is live."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from frankly.access import require_staff
from frankly.accounts import testimonials
from frankly.accounts.forms import TestimonialRequestForm
from frankly.accounts.models import TestimonialRequest
from frankly.errors import FranklyError


@login_required
def staff_testimonials(request):
    """All requests and their answers, and the form to ask for a new one."""
    require_staff(request.user)
    initial = {
        "object_type": request.GET.get("type", "post"),
        "object_id": request.GET.get("id"),
        "quote": _source_text(request.GET.get("type"), request.GET.get("id")),
    }
    form = TestimonialRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            testimonials.request_testimonial(actor=request.user, **form.cleaned_data)
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Asked. Nothing is shown unless the customer accepts."))
            return redirect("staff_testimonials")
    items = TestimonialRequest.objects.select_related("author", "requested_by")[:200]
    return render(
        request,
        "accounts/staff_testimonials.html",
        {"form": form, "items": items},
        status=400 if form.errors else 200,
    )


def _source_text(object_type, object_id) -> str:
    try:
        content = testimonials._source(object_type, object_id)
    except FranklyError:
        return ""
    return content.body


@login_required
@require_POST
def withdraw(request, request_id: int):
    try:
        testimonials.withdraw_testimonial(actor=request.user, request_id=request_id)
    except FranklyError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Withdrawn. The quote is not served any more."))
    return redirect("staff_testimonials")


def _uncached(response):
    # Revoking must take effect at once, so no browser or CDN may keep a copy.
    patch_cache_control(response, no_store=True, max_age=0)
    return response


@require_GET
@xframe_options_exempt
def embed(request):
    items = testimonials.live_testimonials(limit=20)
    return _uncached(render(request, "accounts/testimonials_embed.html", {"items": items}))


@require_GET
def widget_js(request):
    return _uncached(
        render(
            request,
            "accounts/testimonials_widget.js",
            {"embed_url": request.build_absolute_uri("/testimonials/embed/")},
            content_type="text/javascript; charset=utf-8",
        )
    )
