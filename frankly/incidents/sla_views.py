"""The public monthly SLA page and its CSV."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frankly.errors import FranklyError
from frankly.incidents import sla
from frankly.incidents.models import Component


@require_GET
def sla_page(request):
    try:
        month = sla.parse_month(request.GET.get("month", ""))
    except FranklyError as exc:
        return render(
            request, "incidents/sla.html", {"error": exc.message, "rows": []}, status=exc.status
        )
    rows = sla.monthly_sla(list(Component.objects.public()), month=month)
    return render(request, "incidents/sla.html", {"month": month, "rows": rows})


@require_GET
def sla_csv(request):
    try:
        month = sla.parse_month(request.GET.get("month", ""))
    except FranklyError as exc:
        return HttpResponse(exc.message + "\n", status=exc.status, content_type="text/plain")
    rows = sla.monthly_sla(list(Component.objects.public()), month=month)
    response = HttpResponse(sla.as_csv(rows, month=month), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sla-{month:%Y-%m}.csv"'
    return response
