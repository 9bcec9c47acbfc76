import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation

from .backends import remember_user

TIMEZONE_COOKIE = "datajam_tz"


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The time zone of that IANA name, or None for an empty or unknown name."""
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
        zone = zone_named(saved) or zone_named(request.COOKIES.get(TIMEZONE_COOKIE, ""))
        # Empty on a first visit: the page then tells the browser to show its times in its own
        # zone (static/js/datajam.js), and the cookie it sets serves every later request.
        request.timezone_name = zone.key if zone else ""
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Pages in the signed-in person's own language (after ``AuthenticationMiddleware``).

    Their saved choice wins over the browser's; someone who never chose keeps the language
    the site picked for them (cookie or browser), which is saved once so that notifications and
    e-mails sent to them later are in a language they read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            else:
                current = translation.get_language() or settings.LANGUAGE_CODE
                code = translation.get_supported_language_variant(current)
                get_user_model().objects.filter(pk=user.pk, language="").update(language=code)
                user.language = code
                remember_user(user)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """An organiser or judge who opens a page of an event that requires two-factor
    authentication without having set it up is sent to the page that explains it, which links
    to the setup and, once it is on, back to the page they wanted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from competitions.errors import TwoFactorRequired

        if not isinstance(exception, TwoFactorRequired) or exception.event is None:
            return None
        back = request.get_full_path() if request.method == "GET" else ""
        query = urlencode({"event": exception.event.slug, "next": back})
        return HttpResponseRedirect(f"{reverse('accounts:two_factor_required')}?{query}")
