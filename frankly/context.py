from django.conf import settings


def site(request):
    """Values every page needs: the site's name and whether the viewer is staff."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "viewer_is_staff": bool(user and user.is_authenticated and user.is_staff),
    }
