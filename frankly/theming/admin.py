"""The theme in the Django admin: one page, for staff; custom CSS for admins only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html_join

from frankly.theming.contrast import accent_warnings
from frankly.theming.models import SiteTheme, ThemeLink
from frankly.theming.services import publish_theme_change

LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
LOGO_MAX_BYTES = 512 * 1024


def _is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


class SiteThemeForm(forms.ModelForm):
    logo_upload = forms.ImageField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG or WebP, at most 512 KB. Shown at 2rem high in the header.",
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    class Meta:
        model = SiteTheme
        fields = ["site_name", "accent_color", "accent_color_dark", "custom_css"]

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return upload
        # forms.ImageField has opened it with Pillow, so a renamed file is caught;
        # SVG is not an image to Pillow and never gets here.
        kind = getattr(upload.image, "format", None)
        if kind not in LOGO_TYPES:
            raise ValidationError("The logo must be a PNG, JPEG or WebP image.")
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError("The logo is larger than 512 KB. Save a smaller image.")
        return upload

    def save(self, commit=True):
        theme = super().save(commit=False)
        upload = self.cleaned_data.get("logo_upload")
        if upload:
            upload.seek(0)
            theme.logo, theme.logo_type = upload.read(), LOGO_TYPES[upload.image.format]
        elif self.cleaned_data.get("remove_logo"):
            theme.logo, theme.logo_type = b"", ""
        if commit:
            theme.save()
        return theme


class ThemeLinkInline(admin.TabularInline):
    model = ThemeLink
    extra = 1
    fields = ["place", "label", "url", "position"]

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: _is_staff(request)
    )


@admin.register(SiteTheme)
class SiteThemeAdmin(admin.ModelAdmin):
    form = SiteThemeForm
    inlines = [ThemeLinkInline]

    def get_fields(self, request, obj=None):
        fields = ["site_name", "logo_upload", "remove_logo", "current_logo"]
        fields += ["accent_color", "accent_color_dark", "contrast", "custom_css"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = ["current_logo", "contrast"]
        if not request.user.is_superuser:
            # CSS can restyle or hide anything on every page: an admin's decision.
            readonly.append("custom_css")
        return readonly

    @admin.display(description="Current logo")
    def current_logo(self, obj):
        return "A logo is set." if obj and obj.logo_type else "No logo."

    @admin.display(description="Contrast check (WCAG AA)")
    def contrast(self, obj):
        warnings = self._warnings(obj)
        if not warnings:
            return "The accent colours read well on Frankly's backgrounds (4.5:1 or more)."
        return format_html_join("", "<p>{}</p>", ((w,) for w in warnings))

    @staticmethod
    def _warnings(obj) -> list[str]:
        if obj is None:
            return []
        found = accent_warnings(obj.accent_color) if obj.accent_color else []
        if obj.accent_color_dark:
            found += accent_warnings(obj.accent_color_dark, dark=True)
        return [w.message for w in found]

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    def has_change_permission(self, request, obj=None):
        return _is_staff(request)

    def has_add_permission(self, request):
        return False  # there is one theme; the list opens it

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        SiteTheme.objects.get_or_create(pk=1)
        return redirect(reverse("admin:theming_sitetheme_change", args=[1]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for message in self._warnings(obj):
            messages.warning(request, message)
        publish_theme_change()
