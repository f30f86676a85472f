def open_alerts(request):
    """The open backlash alerts in the staff header (one count query, staff only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    from frankly.insights.queries import open_alert_count

    return {"open_alerts": open_alert_count()}
