from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from frankly.errors import FranklyError, NotFound
from frankly.notify import services
from frankly.notify.models import STAFF_KINDS, Delivery, Kind, OutboxMessage, OutboxStatus
from frankly.validation import parse_id


@login_required
def inbox(request):
    items = list(request.user.notifications.all()[:100])
    return render(request, "notify/inbox.html", {"items": items})


@login_required
@require_POST
def mark_read(request):
    ids = None  # no id: mark everything read
    if "id" in request.POST:
        # A malformed id marks nothing, not everything.
        one = parse_id(request.POST["id"])
        ids = [one] if one else []
    services.mark_read(user=request.user, notification_ids=ids)
    return redirect("notify:inbox")


@login_required
def settings_page(request):
    if request.method == "POST":
        choices = {kind: request.POST.get(kind, Delivery.OFF) for kind in Kind.values}
        try:
            services.set_email_preferences(user=request.user, choices=choices)
        except FranklyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved. We email you only what you chose here."))
            return redirect("notify:settings")
    current = services.email_preferences(request.user)
    rows = [
        (kind, label, current[kind])
        for kind, label in Kind.choices
        if request.user.is_staff or kind not in STAFF_KINDS
    ]
    return render(
        request,
        "notify/settings.html",
        {"rows": rows, "deliveries": Delivery.choices},
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt  # RFC 8058: the mail client POSTs here with no session and no form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            _, kind = services.unsubscribe(token=token)
            return render(request, "notify/unsubscribed.html", {"kind": kind})
        _, kind = services.read_unsubscribe_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    label = dict(Kind.choices).get(kind, "all notifications")
    return render(request, "notify/unsubscribe.html", {"token": token, "label": label})


@login_required
def outbox_page(request):
    if not request.user.is_staff:
        from frankly.errors import NotAllowed

        raise NotAllowed("Only staff can see the outbox.")
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED)[:100]
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)[:100]
    return render(request, "notify/outbox.html", {"failed": failed, "pending": pending})
