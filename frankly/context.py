def site(request):
    """Values every page needs: the theme, the site's name and whether the viewer is staff."""
    from frankly.theming.caching import current_theme

    user = getattr(request, "user", None)
    theme = current_theme()
    return {
        "theme": theme,
        "site_name": theme.site_name,
        "viewer_is_staff": bool(user and user.is_authenticated and user.is_staff),
    }


def notifications(request):
    """The unread count in the header (one indexed count query for signed-in people)."""
    from frankly.notify.services import unread_count

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
