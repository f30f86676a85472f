from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frankly.access import require_staff
from frankly.errors import FranklyError
from frankly.portability.claims import claim_imported_items, claimable_items
from frankly.portability.importers import import_file
from frankly.portability.site import export_site_zip


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label="Exported from",
        choices=[
            ("fider", "Fider (posts CSV)"),
            ("canny", "Canny (API JSON)"),
            ("uservoice", "UserVoice (suggestions CSV)"),
            ("csv", "Generic CSV (columns in docs/importing.md)"),
        ],
    )
    file = forms.FileField(label="Export file")


@login_required
def download_site_export(request):
    """The whole site's data as a zip of JSON Lines with a README (staff)."""
    require_staff(request.user)
    response = HttpResponse(export_site_zip(), content_type="application/zip")
    name = f"frankly-site-{timezone.now():%Y%m%d-%H%M%S}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def imported_page(request):
    """What the person wrote or voted on the tool used before, and the button to claim it."""
    if request.method == "POST":
        claimed = claim_imported_items(user=request.user)
        if any(claimed.values()):
            messages.success(
                request,
                f"Claimed {claimed['posts']} post(s), {claimed['comments']} comment(s) and "
                f"{claimed['votes']} vote(s): they are yours now.",
            )
        else:
            messages.info(request, "There was nothing left to claim.")
        return redirect("accounts:imported")
    items = claimable_items(request.user).select_related("post").order_by("original_at", "pk")
    return render(request, "portability/imported.html", {"items": items})


MAX_UPLOAD = 20 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    """Staff upload another tool's export, see the dry-run report, then import it."""
    require_staff(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report, error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            error = "The file is larger than 20 MB. Import it with `frankly import` instead."
        else:
            try:
                report = import_file(
                    source=form.cleaned_data["source"],
                    data=upload.read(),
                    apply=request.POST.get("action") == "apply",
                )
            except FranklyError as exc:
                error = f"{exc.message} Nothing was imported."
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(
        request,
        "portability/staff_import.html",
        {"form": form, "report": report, "error": error},
        status=status,
    )
