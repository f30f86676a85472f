"""Staff pages for built-in checks: the checks with their recent availability, and
the one-click incident draft an alert links to."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from frankly.access import require_staff
from frankly.incidents import monitoring
from frankly.incidents.models import MonitorCheck


@login_required
@require_GET
def checks(request):
    require_staff(request.user)
    now = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    rows = [
        (
            check,
            monitoring.availability(
                check, start=now - timedelta(hours=24), end=now, step=timedelta(hours=1)
            ),
        )
        for check in MonitorCheck.objects.select_related("component")
    ]
    return render(request, "incidents/checks.html", {"rows": rows})


@login_required
@require_GET
def check_draft(request, check_id: int):
    require_staff(request.user)
    check = get_object_or_404(MonitorCheck.objects.select_related("component"), pk=check_id)
    return render(
        request,
        "incidents/check_draft.html",
        {"check": check, "draft": monitoring.draft_for(check)},
    )
