import zoneinfo

from django.utils import timezone


class UserTimezoneMiddleware:
    """Show times in the viewer's own time zone when they have chosen one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz = getattr(getattr(request, "user", None), "time_zone", "")
        if tz:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
