import csv

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frankly.access import require_staff
from frankly.accounts import contact, privacy, services, testimonials
from frankly.accounts.forms import (
    ContactForm,
    DeleteAccountForm,
    PrivacyForm,
    ProfileForm,
    TokenForm,
)
from frankly.accounts.models import ContactPreferences, DataExport
from frankly.errors import FranklyError, NotFound
from frankly.portability.claims import claimable_items


def _form_error(form, exc: FranklyError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def settings_page(request):
    user = request.user
    form = ProfileForm(
        request.POST
        if request.method == "POST" and request.POST.get("form") != "privacy"
        else None,
        initial={
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "language": user.language,
        },
    )
    privacy_form = PrivacyForm(
        request.POST if request.POST.get("form") == "privacy" else None,
        initial={"show_name": user.show_name, "hide_profile": user.hide_profile},
    )
    if request.method == "POST":
        chosen, action = (
            (privacy_form, services.set_privacy)
            if request.POST.get("form") == "privacy"
            else (form, services.update_profile)
        )
        if chosen.is_bound and chosen.is_valid():
            try:
                action(user=user, **chosen.cleaned_data)
            except FranklyError as exc:
                _form_error(chosen, exc)
            else:
                # Say it in the language just chosen, not the one the form was in.
                chosen_language = user.language or translation.get_language_from_request(request)
                translation.activate(chosen_language)
                messages.success(request, _("Your settings are saved."))
                return redirect("accounts:settings")
    failed = form.errors or privacy_form.errors or request.method == "POST"
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "privacy_form": privacy_form,
            "imported_count": claimable_items(user).count(),
        },
        status=400 if failed else 200,
    )


@login_required
def tokens_page(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_api_token(user=request.user, **form.cleaned_data)
        except FranklyError as exc:
            form.add_error("name", exc.message)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_token": new_token, "tokens": request.user.api_tokens.all()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    record = services.revoke_api_token(user=request.user, token_id=token_id)
    messages.success(request, f"Token “{record.name}” is revoked. Anything using it stops working.")
    return redirect("accounts:tokens")


@login_required
def contact_page(request):
    current = contact.preferences_for(request.user)
    form = ContactForm(
        request.POST or None, initial={f: getattr(current, f) for f in contact.FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact.set_contact_preferences(user=request.user, **form.cleaned_data)
        except FranklyError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved. Every sender here follows these choices."))
            return redirect("accounts:contact")
    history = request.user.contact_preference_changes.all()[:100]
    labels = {f: ContactPreferences._meta.get_field(f).verbose_name for f in contact.FIELDS}
    return render(
        request,
        "accounts/contact.html",
        {"form": form, "history": history, "labels": labels},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058: the mail client POSTs here with no session and no form
@require_http_methods(["GET", "POST"])
def contact_stop(request, token: str):
    try:
        if request.method == "POST":
            _stop, topic = contact.stop_by_token(token=token)
            done = True
        else:
            _stop, topic = contact.read_stop_token(token)
            done = False
    except NotFound as exc:
        return render(request, "error.html", {"message": exc.message}, status=404)
    label = contact.Topic(topic).label
    return render(request, "accounts/contact_stop.html", {"label": label, "done": done})


@login_required
def consents_page(request):
    items = request.user.testimonial_requests.all()
    return render(request, "accounts/consents.html", {"items": items})


@login_required
@require_POST
def decide_consent(request, request_id: int):
    action = request.POST.get("decision", "")
    try:
        if action == "revoke":
            testimonials.revoke_testimonial(actor=request.user, request_id=request_id)
            messages.success(
                request, _("Consent revoked. The quote is not shown anywhere any more.")
            )
        else:
            item = testimonials.decide_testimonial(
                actor=request.user, request_id=request_id, decision=action
            )
            messages.success(
                request,
                "Declined. Nothing will be shown."
                if item.state == "declined"
                else "Thank you. You can revoke this at any time on this page.",
            )
    except FranklyError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, exc.message)
    return redirect("accounts:consents")


@login_required
def export_page(request):
    if request.method == "POST":
        try:
            privacy.request_export(user=request.user)
        except FranklyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("We are preparing your export and email you when it is ready.")
            )
        return redirect("accounts:export")
    exports = [(e, privacy.export_file(e) is not None) for e in request.user.data_exports.all()]
    return render(request, "accounts/export.html", {"exports": exports})


@login_required
def export_download(request, export_id: int):
    export = DataExport.objects.filter(pk=export_id, user=request.user).first()
    path = privacy.export_file(export) if export else None
    if path is None:
        raise Http404(_("There is no such export, or it has expired. Ask for a new one."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name)


@login_required
def delete_page(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.request_account_deletion(
                user=request.user,
                password=form.cleaned_data["password"],
                keep_content=form.cleaned_data["keep_content"],
            )
        except FranklyError as exc:
            _form_error(form, exc)
        else:
            logout(request)
            return render(request, "accounts/deleted.html")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def language_page(request):
    """The language chooser for visitors; signed-in people choose in their settings,
    where the choice follows them to every device."""
    if request.user.is_authenticated:
        return redirect("accounts:settings")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return render(request, "language.html", {"next": target})


def privacy_page(request):
    """Generated from this instance's real settings, so it cannot drift from them."""
    from django.conf import settings as conf

    storage = getattr(conf, "MESSAGE_STORAGE", "")
    cookies = [
        (
            conf.SESSION_COOKIE_NAME,
            "keeps you logged in",
            f"{conf.SESSION_COOKIE_AGE // 86_400} days",
        ),
        (conf.CSRF_COOKIE_NAME, "protects forms against cross-site requests", "1 year"),
    ]
    if storage.endswith(("FallbackStorage", "CookieStorage")) or not storage:
        cookies.append(("messages", "shows a one-time note such as “Saved”", "until shown"))
    if (
        getattr(conf, "LANGUAGE_COOKIE_NAME", None)
        and "django.middleware.locale.LocaleMiddleware" in conf.MIDDLEWARE
    ):
        cookies.append((conf.LANGUAGE_COOKIE_NAME, "remembers the language you chose", "1 year"))
    facts = {
        "cookies": cookies,
        "secure_cookies": conf.SESSION_COOKIE_SECURE,
        "export_days": privacy.EXPORT_DAYS,
        "modlog_names": conf.MODLOG_SHOWS_NAMES,
        "webhooks": _webhook_count(),
        "logs_login_attempts": "axes" in conf.INSTALLED_APPS,
        "password_hasher": conf.PASSWORD_HASHERS[0]
        .rsplit(".", 1)[-1]
        .replace("PasswordHasher", ""),
        "contact_email": conf.DEFAULT_FROM_EMAIL,
    }
    return render(request, "accounts/privacy.html", {"facts": facts})


def _webhook_count() -> int:
    from frankly.notify.models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(is_active=True).count()


@login_required
def do_not_contact_csv(request):
    require_staff(request.user)
    topic = request.GET.get("topic", contact.Topic.SALES)
    people = contact.do_not_contact(topic)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="do-not-contact-{topic}.csv"'
    writer = csv.writer(response)
    writer.writerow(["email", "topic", *contact.FIELDS, "preferences_updated_at"])
    for person in people.order_by("pk").iterator(chunk_size=1000):
        prefs = contact.preferences_for(person)
        writer.writerow(
            [
                person.email,
                topic,
                *[getattr(prefs, f) for f in contact.FIELDS],
                prefs.updated_at.isoformat() if prefs.pk else "",
            ]
        )
    return response
