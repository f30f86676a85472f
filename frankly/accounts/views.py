from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frankly.accounts import services
from frankly.accounts.forms import ProfileForm, TokenForm
from frankly.errors import FranklyError


@login_required
def settings_page(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "time_zone": user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except FranklyError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def tokens_page(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.create_api_token(user=request.user, **form.cleaned_data)
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
