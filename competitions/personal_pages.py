"""Whole pages for a signed-in person, kept for them in the shared cache.

People in a crowd reload the same few pages: the event, the challenge, the home page. A
signed-in person's challenge page shows their team, its submissions and its quota, so it cannot
be shared like a visitor's (``visitor_pages``); it can be kept *for that person*. A view marks
its response as such (``page_cache.personal``); this middleware then stores it, keyed by the
person, the URL, the language, the time zone and whether htmx asked, with every version the
rendering read:

- the event's content version (organisers' edits, roles, results);
- the person token: renewed by any POST the person sends (whatever it changed) and by every
  write to their rows that others make (a role, a membership, a rules acceptance);
- the team token, when the page shows a team: renewed by every write to the team, its members,
  its submissions (their scoring too) and its quota;
- the challenge's invitation token, when the page lists invitations to the person's address;
- the unread-notification count in the top bar.

The next request of the same person gets the stored page while every one of those still holds,
for ``PERSONAL_PAGE_SECONDS`` at most, and never past the moment the page said it changes by
itself (a phase opening or closing, the daily quota's reset: ``page_cache.valid_until``).

Nothing is served or stored when a flash message is waiting or was shown, when the page set a
cookie, or for anything but a GET. The CSRF token of the page's forms is put in on the way out,
as for visitors. A cache that does not answer means the page is rendered as usual.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from . import page_cache
from .visitor_pages import serve_entry, store_entry

logger = logging.getLogger(__name__)
_SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
# The pages that may be kept (home, an event, a challenge: ``page_cache.personal``); any other
# request goes straight to its view, without a cache round trip.
_KEPT_PATHS = re.compile(r"^/(e/[^/]+/([^/]+/)?)?$")


def _enabled() -> bool:
    return settings.PERSONAL_PAGE_SECONDS > 0 and page_cache.enabled()


def _key(request, user_id: int) -> str:
    parts = [
        str(user_id),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        getattr(request, "timezone_name", ""),
        request.headers.get("HX-Request", ""),
    ]
    return "personal-page:" + hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _messages_waiting(request) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and (
        "_messages" in session or "datajam_two_factor_return" in session
    )


class PersonalPageMiddleware:
    """Last in the list: after authentication, the person's language and their zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not _enabled() or not user.is_authenticated:
            return self.get_response(request)
        if request.method not in _SAFE:
            response = self.get_response(request)
            # Whatever the person changed, their kept pages are read again.
            _quietly(page_cache.person_changed, user.pk)
            return response
        if (
            request.method != "GET"
            or not _KEPT_PATHS.match(request.path)
            or _messages_waiting(request)
        ):
            return self.get_response(request)
        key = _key(request, user.pk)
        try:
            entry = cache.get(key)
            response = serve_entry(request, entry) if entry is not None else None
        except Exception:
            logger.warning("personal pages: the cache did not answer", exc_info=True)
            return self.get_response(request)
        if response is not None:
            return response
        noting = page_cache.start_noting()
        try:
            page_cache.person_token(user.pk)
            response = self.get_response(request)
        except Exception:
            page_cache.stop_noting(noting)
            raise
        noted = page_cache.stop_noting(noting)
        if getattr(request, "personal_shareable", False) and not _shown_messages(request):
            try:
                store_entry(key, response, noted, settings.PERSONAL_PAGE_SECONDS)
            except Exception:
                logger.warning("personal pages: could not keep a page", exc_info=True)
        return response


def _shown_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and storage.used


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except Exception:
        logger.warning("personal pages: the cache did not answer", exc_info=True)
