"""Whole pages for people who are not signed in, served from the shared cache before the
session, the user or any view is touched.

A crowd of visitors (the closing hour, the results announced) asks for the same few pages: the
home page, an event, a challenge, its leaderboard and the board's polls. A view marks a response
as the same for every visitor (``page_cache.shareable``); this middleware then stores it, keyed
by the URL, the language, the time-zone cookie and whether htmx asked, together with the
versions the rendering read (the event's content version, the phase's standings token:
``page_cache``). The next visitor gets it while every one of those versions still holds and
for ``VISITOR_PAGE_SECONDS`` at most (what the versions do not cover, such as a phase opening
on time, shows within that time).

Nothing personal is stored: only requests without a session or messages cookie are served or
stored, and only responses that set no cookie. The one thing that differs between visitors in
such a page, the CSRF token of its forms (the language form), is put in per visitor on the way
out.

An open board's poll with the current version is answered "unchanged" (204) here too, for
signed-in people as well: that answer is the same for everyone who holds the version. So is a
submission page's status poll, while the submission's status token it carries is current and
the page it came from is recent (``_unchanged_status_poll``).
"""

import hashlib
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from accounts.middleware import TIMEZONE_COOKIE, zone_named

from . import page_cache

logger = logging.getLogger(__name__)
_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
_MARK = b"{{visitor-csrf-token}}"
_MARKED_FIELD = b'name="csrfmiddlewaretoken" value="' + _MARK + b'"'
_SKIPPED_HEADERS = {"content-length", "set-cookie"}


def _enabled() -> bool:
    return settings.VISITOR_PAGE_SECONDS > 0 and page_cache.enabled()


def _eligible(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _unchanged_board_poll(request) -> bool:
    """An open leaderboard asking whether it changed, signed in or not, with the version it
    has: while that is the current one, "no" (204) needs nothing else."""
    if request.method != "GET" or not request.headers.get("HX-Request"):
        return False
    if not _BOARD_PATH.match(request.path):
        return False
    since, phase = request.GET.get("since", ""), request.GET.get("phase", "")
    if not (since and phase.isascii() and phase.isdigit() and len(phase) < 19):
        return False
    return page_cache.board_unchanged(int(phase), since)


_BOARD_PATH = re.compile(r"^/e/[^/]+/[^/]+/leaderboard/$")


def _unchanged_status_poll(request) -> bool:
    """A submission page asking whether its status changed (every 100 ms while it runs), with
    the status token and the time (``at``, unix seconds) of the rendering it shows: while that
    token is the current one and the rendering is less than ``STATUS_POLL_FRESH_SECONDS`` old,
    "no" (204) needs no session, user or query, and htmx keeps the page and its polling as they
    are. An older rendering gets the view, which renders again: the queue position, the waiting
    time and the polling interval move on their own and stay that current.

    The answer tells nothing to anyone who does not hold the token: it is random, renewed at
    every change, and given only in the pages of people allowed to see the submission; with any
    other value the view answers as always (a redirect to sign in, or "not there"). Whoever
    holds it learns only that nothing changed since the page they were shown; an ``at`` made up
    to look recent only keeps their own page from updating its queue position."""
    fresh = settings.STATUS_POLL_FRESH_SECONDS
    if request.method != "GET" or fresh <= 0 or not request.headers.get("HX-Request"):
        return False
    found = _STATUS_PATH.match(request.path_info)
    if found is None or not page_cache.enabled():
        return False
    since, at = request.GET.get("since", ""), request.GET.get("at", "")
    if not (since and at.isascii() and at.isdigit() and len(at) < 12):
        return False
    if not -1 <= time.time() - int(at) < fresh:
        return False
    try:
        return page_cache.status_unchanged(found.group(1), since)
    except Exception:  # the cache is down: the view answers, the slow way
        logger.warning("visitor pages: the cache did not answer", exc_info=True)
        return False


_STATUS_PATH = re.compile(
    r"^/submissions/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/status/$"
)


def _key(request, zone_name: str | None = None) -> str:
    """The page's key: its URL, the language, the time zone (the cookie's, unless given) and
    whether htmx asked."""
    if zone_name is None:
        zone = zone_named(request.COOKIES.get(TIMEZONE_COOKIE, ""))
        zone_name = zone.key if zone else ""
    parts = [
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        zone_name,
        request.headers.get("HX-Request", ""),
    ]
    return "visitor-page:" + hashlib.sha1("\n".join(parts).encode()).hexdigest()


def kept_for_visitors(request, zone_name: str) -> bytes | None:
    """The body of the page kept for visitors at this URL, in the active language and the
    zone named, with this request's CSRF token in its forms, while every version it was
    rendered with holds; else None. For a signed-in person's page made from it
    (``views.leaderboards``): only the parts about the person differ."""
    if not _enabled() or request.method != "GET":
        return None
    try:
        entry = cache.get(_key(request, zone_name))
        if entry is None or entry["status"] != 200 or not _holds(entry):
            return None
    except Exception:
        logger.warning("visitor pages: the cache did not answer", exc_info=True)
        return None
    return _with_csrf(request, entry["body"])


class VisitorPageMiddleware:
    """After ``LocaleMiddleware`` and ``CsrfViewMiddleware``, before authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memo = page_cache.start_request()
        try:
            return self._respond(request)
        finally:
            page_cache.end_request(memo)

    def _respond(self, request):
        if _unchanged_status_poll(request):
            response = HttpResponse(status=204)
            # Its URL is the same for every poll of one rendering: no browser may keep the
            # answer and skip asking once that rendering is too old.
            response["Cache-Control"] = "no-cache"
            return response
        if not _enabled():
            return self.get_response(request)
        try:
            if _unchanged_board_poll(request):
                return HttpResponse(status=204)
            key = _key(request) if _eligible(request) else None
            entry = cache.get(key) if key else None
            response = serve_entry(request, entry) if entry is not None else None
        except Exception:  # the cache is down: every page still works, the slow way
            logger.warning("visitor pages: the cache did not answer", exc_info=True)
            return self.get_response(request)
        if response is not None:
            return response
        if key is None:
            return self.get_response(request)
        noting = page_cache.start_noting()
        try:
            response = self.get_response(request)
        finally:
            noted = page_cache.stop_noting(noting)
        if getattr(request, "visitor_shareable", False):
            try:
                store_entry(key, response, noted, settings.VISITOR_PAGE_SECONDS)
            except Exception:
                logger.warning("visitor pages: could not keep a page", exc_info=True)
        return response


def serve_entry(request, entry: dict):
    """The stored page, if every version it was rendered with still holds; else None (also
    used by ``personal_pages``)."""
    if not _holds(entry):
        return None
    headers = dict(entry["headers"])
    etag = headers.get("ETag")
    if etag and etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Vary"):
            if name in headers:
                response[name] = headers[name]
        return response
    response = HttpResponse(_with_csrf(request, entry["body"]), status=entry["status"])
    for name, value in headers.items():
        response[name] = value
    return response


def _holds(entry: dict) -> bool:
    deps = entry["deps"]
    return time.time() < entry.get("until", math.inf) and cache.get_many(list(deps)) == deps


def _with_csrf(request, body: bytes) -> bytes:
    if _MARK not in body:
        return body
    return body.replace(_MARKED_FIELD, _MARKED_FIELD.replace(_MARK, get_token(request).encode()))


def store_entry(key: str, response, deps: dict, seconds: float) -> bool:
    """Keep the page for ``seconds`` at most (less when it said until when it holds:
    ``page_cache.valid_until``), with the versions it read; False when it may not be kept."""
    if response.status_code not in (200, 204) or response.streaming or response.cookies:
        return False
    deps = dict(deps)
    until = deps.pop("!until", None)
    if deps.pop("!relax-standings", None):
        # A board shown as BOARD_REFRESH_SECONDS allows: its time bound replaces its tokens.
        deps = {k: v for k, v in deps.items() if not k.startswith(page_cache.STANDINGS_PREFIX)}
    now = time.time()
    until = now + seconds if until is None else min(until, now + seconds)
    if not deps or until - now < 0.2:
        return False
    body = _TOKEN_FIELD.sub(rb"\1" + _MARK + rb"\2", response.content)
    headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
    entry = {
        "status": response.status_code, "headers": headers, "body": body, "deps": deps,
        "until": until,
    }  # fmt: skip
    cache.set(key, entry, max(1, math.ceil(until - now)))
    return True
