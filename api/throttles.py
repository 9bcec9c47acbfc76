"""DRF throttles counting in the shared cache (every web process counts the same), with rates
read from ``settings.API_THROTTLE_RATES`` when a request comes (so tests may change them)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _Rate:
    scope = ""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]


class AnonThrottle(_Rate, SimpleRateThrottle):
    """Callers without credentials, by network address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_Rate, SimpleRateThrottle):
    """Signed-in callers (token or session), by person."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class SubmitThrottle(UserThrottle):
    """Uploads, by person: a burst of files is refused before it is read or stored."""

    scope = "submit"


class TokenFailureThrottle(_Rate, SimpleRateThrottle):
    """Wrong tokens, by network address: guessing is refused for a while. Only failures count
    (``record_failure``); ``blocked`` reads the count without adding to it."""

    scope = "token_failures"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def blocked(self, request) -> bool:
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        if not self.blocked(request):
            self.throttle_success()
