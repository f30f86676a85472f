from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from frankly.access import require_staff
from frankly.portability.site import export_site_zip


@login_required
def download_site_export(request):
    """The whole site's data as a zip of JSON Lines with a README (staff)."""
    require_staff(request.user)
    response = HttpResponse(export_site_zip(), content_type="application/zip")
    name = f"frankly-site-{timezone.now():%Y%m%d-%H%M%S}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
