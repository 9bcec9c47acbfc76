import zoneinfo

from django.utils import timezone

TIMEZONE_COOKIE = "datajam_tz"


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class TimezoneMiddleware:
    """Shows times in the person's zone: their saved choice, else what their browser reports."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        saved = user.timezone if user is not None and user.is_authenticated else ""
        zone = _zone(saved) or _zone(request.COOKIES.get(TIMEZONE_COOKIE, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
