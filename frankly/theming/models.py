from django.core.validators import MaxLengthValidator, RegexValidator, URLValidator
from django.db import models

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$",
    "Write the colour as # and six hex digits, for example #1f5fbf.",
)
web_address = URLValidator(
    schemes=["http", "https"],
    message="Give a full web address that starts with https:// or http://.",
)


class SiteTheme(models.Model):
    """The look of the site: one row (pk=1), edited by staff in the admin.

    Read through ``frankly.theming.cache.current_theme()``, never per request from
    the database.
    """

    site_name = models.CharField(
        max_length=80, blank=True, help_text="Leave empty to use FRANKLY_SITE_NAME."
    )
    # The logo lives in the database, not on one server's disk: app servers are
    # stateless (docs/scaling.md). PNG, JPEG or WebP only; SVG can carry script.
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    accent_color = models.CharField(
        "accent colour",
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text="Links and buttons in light mode, e.g. #1f5fbf. Empty: Frankly's blue.",
    )
    accent_color_dark = models.CharField(
        "accent colour in dark mode",
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text="A lighter shade for dark mode, e.g. #7fb0ff. Empty: Frankly's light blue.",
    )
    custom_css = models.TextField(
        "custom CSS",
        blank=True,
        validators=[MaxLengthValidator(50_000)],
        help_text="Admins only. Served as its own stylesheet after Frankly's.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site theme"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_site_theme")]

    def __str__(self) -> str:
        return "Site theme"


class ThemeLink(models.Model):
    class Place(models.TextChoices):
        HEADER = "header", "Header"
        FOOTER = "footer", "Footer"

    theme = models.ForeignKey(SiteTheme, on_delete=models.CASCADE, related_name="links")
    place = models.CharField(max_length=10, choices=Place.choices, default=Place.FOOTER)
    label = models.CharField(max_length=60)
    url = models.CharField("web address", max_length=500, validators=[web_address])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["place", "position", "id"]

    def __str__(self) -> str:
        return self.label
