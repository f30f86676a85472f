"""Staff pages of the CRM side: import contacts, stale contacts (and their CSV), posts
by customer value. Thin: parse, call one service or query, render."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from frankly.access import require_staff
from frankly.crm import queries, services, stale
from frankly.crm.importing import MAX_BYTES, import_contacts
from frankly.crm.models import ContactImport
from frankly.errors import FranklyError


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV export",
        help_text="A contacts export from HubSpot, Salesforce or Pipedrive, or any CSV with "
        "a mapping file. UTF-8, up to 20 MB.",
    )
    mapping = forms.FileField(
        label="Mapping file (optional)",
        required=False,
        help_text='JSON naming your columns, e.g. {"email": "E-mail", "plan": "Tier", '
        '"value": "MRR"}. Fields: '
        + ", ".join(("email", "name", "company", "plan", "value"))
        + ", owner, last_contacted, sales_contact.",
    )


def _read(upload) -> bytes:
    if upload.size > MAX_BYTES:
        raise forms.ValidationError("The file is larger than 20 MB; split it.")
    return upload.read()


@login_required
def import_page(request):
    require_staff(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload, mapping = form.cleaned_data["file"], form.cleaned_data["mapping"]
        try:
            report = import_contacts(
                actor=request.user,
                filename=upload.name,
                data=_read(upload),
                mapping=_read(mapping) if mapping else None,
            )
        except forms.ValidationError as exc:
            form.add_error("file", exc)
        except FranklyError as exc:
            if exc.status in (401, 403):
                raise
            form.add_error(None, exc.message)
    imports = ContactImport.objects.select_related("imported_by")[:20]
    return render(
        request,
        "crm/import.html",
        {"form": form, "report": report, "imports": imports},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def link_accounts(request):
    require_staff(request.user)
    linked = services.link_contacts_to_accounts(actor=request.user)
    messages.success(
        request,
        f"Linked {linked} contact{'s' if linked != 1 else ''} to the account with the same email."
        if linked
        else "Every contact with a matching account is linked already.",
    )
    return redirect("crm:import")


@login_required
@require_GET
def import_report(request, import_id: int):
    require_staff(request.user)
    report = get_object_or_404(ContactImport.objects.select_related("imported_by"), pk=import_id)
    return render(request, "crm/import_report.html", {"report": report})


@login_required
@require_GET
def stale_page(request):
    require_staff(request.user)
    try:
        months = stale.check_months(request.GET.get("months"))
        page = stale.stale_contacts(
            viewer=request.user, months=months, cursor=request.GET.get("cursor") or None
        )
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        return render(request, "crm/stale.html", {"error": exc.message, "page": None}, status=400)
    return render(request, "crm/stale.html", {"page": page, "months": months})


@login_required
@require_GET
def stale_csv(request):
    require_staff(request.user)
    try:
        months = stale.check_months(request.GET.get("months"))
    except FranklyError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain")
    page = stale.stale_contacts(viewer=request.user, months=months, limit=None)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stale-contacts.csv"'
    writer = csv.writer(response)
    writer.writerow(["email", "name", "company", "owner", "reason", "detail", "suggested fix"])
    for contact in page.items:
        company = contact.company.name if contact.company else contact.company_name
        for reason in contact.reasons:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        contact.email,
                        contact.name,
                        company,
                        contact.owner,
                        reason.code,
                        reason.detail,
                        reason.suggested_fix,
                    )
                ]
            )
    return response


def _cell(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheets; CRM data comes
    # from outside, so such cells are quoted with a leading apostrophe.
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def valued_posts(request):
    require_staff(request.user)
    sort = request.GET.get("sort", "value")
    try:
        page = queries.posts_by_value(
            viewer=request.user, sort=sort, cursor=request.GET.get("cursor") or None
        )
    except FranklyError as exc:
        if exc.status in (401, 403):
            raise
        return render(request, "crm/posts.html", {"error": exc.message, "page": None}, status=400)
    return render(request, "crm/posts.html", {"page": page, "sort": sort})


@login_required
@require_GET
def post_backers(request, post_id: int):
    try:
        post, author, wanted = queries.post_crm(post_id, viewer=request.user)
    except FranklyError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        raise
    return render(
        request, "crm/post.html", {"post": post, "author_contact": author, "wanted": wanted}
    )
