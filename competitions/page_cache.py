"""Rendered HTML that many people read, kept in the shared cache (Redis, or the database).

What is cached never depends on who asks beyond what its key names: the leaderboard's board
and history for a phase, board, page, sort, language, time zone and the viewer's permission
answers; an event's or challenge's page body only for people who are not signed in (a signed-in
person's page shows their team, quota and submissions, and is never cached).

Keys carry versions instead of being deleted: the standings version (``standings_version``,
read from the database) for boards, and an event's *content version*, a token in the cache
that changes after every commit that may change what the event's pages show: every action
written to the event's audit log (organisers' edits, moderation, a reveal, results, and teams
formed, joined, left or merged). A new version means new
keys; old renderings expire after ``PAGE_CACHE_SECONDS``, which also bounds how long any
change the versions miss can show. ``PAGE_CACHE_SECONDS=0`` turns this caching off.

A submission's *status token* (renewed by every change of its status) lets its page's poll be
answered "unchanged" without a query (``visitor_pages``).
"""

import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _version_key(event_id: int) -> str:
    return f"content-version:{event_id}"


def content_version(event_id: int) -> str:
    """The event's content version: a token that changes whenever its pages may change."""
    return _token(_version_key(event_id))


def site_version() -> str:
    """A token that changes whenever any event's content version does (the home page lists
    them all)."""
    return _token(_SITE_KEY)


_SITE_KEY = "content-version:site"


def _token(key: str, value: str | None = None) -> str:
    memo = _memo.get()
    if value is None and memo is not None:
        value = memo.get(key)
    if value is None:
        value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex[:12], None)
        value = cache.get(key) or "none"
    if memo is not None:
        memo[key] = value
    _depends_on(key, value)
    return value


# --- Tokens read once per request -------------------------------------------------------------
# A page reads the same few tokens several times (the person's, their team's, the event's content
# version: once for each thing it takes from the cache). Within a request the first answer is
# kept (``visitor_pages`` opens and closes the memo around every request). The first answer is
# the oldest: a rendering kept under it is never newer than its token says. A renewal made by the
# request itself drops the token from the memo, so the request reads the new one after it.
_memo: ContextVar[dict | None] = ContextVar("page_cache_memo", default=None)


def start_request() -> Token:
    return _memo.set({})


def end_request(token: Token) -> None:
    _memo.reset(token)


def _forget(keys) -> None:
    memo = _memo.get()
    if memo is not None:
        for key in keys:
            memo.pop(key, None)


# --- Whole pages for visitors (``competitions.visitor_pages``) --------------------------------
# While a visitor's page renders, the versions it reads are noted here: the stored page is served
# again only while each of them still holds.
_noted: ContextVar[dict | None] = ContextVar("page_cache_noted", default=None)


def start_noting() -> Token:
    return _noted.set({})


def stop_noting(token: Token) -> dict:
    noted = _noted.get() or {}
    _noted.reset(token)
    return noted


def _depends_on(key: str, value: str) -> None:
    noted = _noted.get()
    if noted is not None:
        noted.setdefault(key, value)


def shareable(request) -> None:
    """Mark this response as the same for every visitor who is not signed in (with the same
    URL, language and time zone): ``visitor_pages`` may serve it to the next ones."""
    request.visitor_shareable = True


STANDINGS_PREFIX = "standings-token:"


def _standings_key(phase_id: int) -> str:
    return f"{STANDINGS_PREFIX}{phase_id}"


def versions(phase_id: int, event_id: int) -> tuple[str, str]:
    """(the phase's standings token, the event's content version), in one cache round trip.

    The standings token changes after every commit that writes the phase's standings rows
    (``standings_changed``). It lives ``PAGE_CACHE_SECONDS`` at most, so a write that reached
    the rows some other way (a cascade from the admin, say) shows within that time, as stale
    renderings do."""
    keys = [_standings_key(phase_id), _version_key(event_id)]
    found = cache.get_many(keys)
    token = found.get(keys[0])
    if token is None:
        fresh = uuid.uuid4().hex[:12]
        token = fresh if cache.add(keys[0], fresh, _token_seconds()) else cache.get(keys[0])
    token = token or "none"
    _depends_on(keys[0], token)
    return token, _token(keys[1], found.get(keys[1]))


def version_keys(phase_id: int, event_id: int) -> list[str]:
    """The cache keys ``versions`` reads, in its order."""
    return [_standings_key(phase_id), _version_key(event_id)]


# --- A board poll answered before anything else (``visitor_pages``) ---------------------------
# "Unchanged" (204) is the same answer for everyone who holds the board's current version, and
# tells nothing to anyone else: the version is a digest no one can guess.


def _board_version_key(phase_id: int) -> str:
    return f"board-version:{phase_id}"


def remember_board_version(phase_id: int, version: str, deps: dict) -> None:
    """The phase's current board version and the tokens it was computed from."""
    cache.set(_board_version_key(phase_id), {"version": version, "deps": deps}, _token_seconds())


def board_unchanged(phase_id: int, since: str) -> bool:
    """Whether ``since`` is the phase's current board version (while the tokens it was
    computed from hold)."""
    entry = cache.get(_board_version_key(phase_id))
    if not entry or entry["version"] != since:
        return False
    deps = entry["deps"]
    return cache.get_many(list(deps)) == deps


# --- A submission's status poll answered before anything else (``visitor_pages``) -------------
# Each submission has a *status token*: a random value renewed by every write that may change
# what its status shows (the scoring transitions, the sweeper, moderation, any save). The page
# carries the token it was rendered with; while that is still the current one, "unchanged" (204)
# needs nothing else. It tells nothing to anyone who does not hold the token, and no one can
# guess it.


def _status_key(submission_id) -> str:
    return f"status-token:{submission_id}"


def _status_seconds() -> int:
    # Longer than a submission usually waits and runs: a page's token seldom expires under it
    # (an expired one only costs a rendering).
    return max(settings.PAGE_CACHE_SECONDS, 300)


def status_token(submission_id) -> str:
    """The submission's current status token, made now if it has none; read it *before* the
    row, so that a page never carries a token newer than what it shows. "" when caching is
    off."""
    if not enabled():
        return ""
    key = _status_key(submission_id)
    token = cache.get(key)
    if token is None:
        fresh = secrets.token_hex(16)
        token = fresh if cache.add(key, fresh, _status_seconds()) else cache.get(key)
    return token or ""


def status_unchanged(submission_id: str, since: str) -> bool:
    """Whether ``since`` is the submission's current status token."""
    if not since.isascii():
        return False
    token = cache.get(_status_key(submission_id))
    return bool(token) and secrets.compare_digest(str(token), since)


def submission_changed(submission_id, team_id) -> None:
    """A write that may change what the submission's status shows: a new status token for it
    (its page's poll is answered from the cache only while the token holds) and a new team
    token (the team's kept challenge pages list it), now and again once the current
    transaction commits. The scoring transitions, the sweeper and moderation write with
    ``update()`` and call this themselves; ``signals`` does for any save or deletion."""
    if not enabled():
        return
    _renew([_status_key(submission_id)], _status_seconds(), lambda: secrets.token_hex(16))
    if team_id is not None:
        _renew([_team_key(team_id)])  # the team's rows are as they were: not its rows token


def _token_seconds() -> int:
    return max(settings.PAGE_CACHE_SECONDS, 1)


def standings_changed(phase_id: int) -> None:
    """Give the phase a new standings token now and again once the current transaction
    commits: a reader between the two may store the old rows under the first token, never
    under the second."""

    def renew() -> None:
        cache.set(_standings_key(phase_id), uuid.uuid4().hex[:12], _token_seconds())

    renew()
    transaction.on_commit(renew, robust=True)


def content_changed(event_id: int) -> None:
    """Give the event a new content version now and again once the current transaction
    commits: a reader between the two may store the old content under the first version, never
    under the second. The home page's site version changes with it."""

    def renew() -> None:
        keys = [_version_key(event_id), _SITE_KEY]
        _forget(keys)
        cache.set_many({k: uuid.uuid4().hex[:12] for k in keys}, None)

    renew()
    transaction.on_commit(renew, robust=True)


def stamp(*rows) -> str:
    """A digest of model instances' field values: a page key with the rows the view has read
    anyway changes with any edit to them, whoever made it."""
    values = [
        (type(row).__name__, [getattr(row, f.attname) for f in row._meta.concrete_fields])
        for row in rows
        if row is not None
    ]
    return hashlib.sha1(repr(values).encode()).hexdigest()[:16]


def key(kind: str, *parts, by_zone: bool = True) -> str:
    """A cache key for one rendering: its kind, its parts, the language and (unless the HTML
    shows no time in the viewer's zone) the time zone."""
    zone = timezone.get_current_timezone_name() if by_zone else ""
    text = "|".join(map(str, (*parts, get_language(), zone)))
    return f"page:{kind}:" + hashlib.sha1(text.encode()).hexdigest()


def visitor_key(request, kind: str, *parts) -> str | None:
    """As ``key``, for a page body that is the same for everyone not signed in; None for a
    signed-in person (never cached) or when caching is off."""
    if not enabled() or request.user.is_authenticated:
        return None
    return key(kind, *parts)


def cached_html(cache_key: str | None, render: Callable[[], tuple[str, bool]]) -> str:
    """The HTML under ``cache_key``, else ``render()``'s (HTML it built and escaped itself),
    stored when it says it may be."""
    return recent_html(cache_key, None, render)[0]


def board_shown(rendered_at: float) -> None:
    """The page being rendered shows a board (or its charts) rendered at ``rendered_at`` for
    an older version: a kept copy of the page does not depend on the standings tokens but is
    served until ``BOARD_REFRESH_SECONDS`` after that rendering (``"!relax-standings"``,
    ``"!until"``), as the rendering itself is."""
    window = settings.BOARD_REFRESH_SECONDS
    noted = _noted.get()
    if noted is None or window <= 0:
        return
    noted["!relax-standings"] = "1"
    _note_until(rendered_at + window)


def recent_html(
    cache_key: str | None, latest_key: str | None, render: Callable[[], tuple[str, bool]]
) -> tuple[str, bool]:
    """As ``cached_html``, and (html, stale). With ``latest_key`` (the same rendering for any
    version), a rendering made less than ``BOARD_REFRESH_SECONDS`` ago for an older version is
    served instead of rendering again (``stale``): while teams upload every second, a board is
    rendered about once per that time, not once per score. A stale rendering carries its own
    version, so the page asks again. ``render()`` gives (html, keep), or (html, keep, when)
    when it rendered rows read for an older version at ``when``: stale as well, and kept as
    the latest rendering made then.

    A whole page kept with a stale rendering in it (``visitor_pages``) follows the same rule: it
    is served until ``BOARD_REFRESH_SECONDS`` after that rendering was made, whatever scores
    arrive meanwhile (``board_shown``); one with the current rendering, until the next score."""
    if cache_key is None or not enabled():
        return mark_safe(render()[0]), False
    html = cache.get(cache_key)
    if html is not None:
        return mark_safe(html), False
    window = settings.BOARD_REFRESH_SECONDS
    if latest_key is not None and window > 0:
        latest = cache.get(latest_key)
        if latest is not None and 0 <= time.time() - latest[1] < window:
            board_shown(latest[1])
            return mark_safe(latest[0]), True
    html, keep, *older = render()
    if older:
        # Rendered from rows read for an older version at ``older[0]`` (``kept_board``): the
        # latest rendering as of then, never this version's.
        made_at = older[0]
        board_shown(made_at)
        if keep and latest_key is not None:
            cache.set(latest_key, (str(html), made_at), settings.PAGE_CACHE_SECONDS)
        return mark_safe(html), True
    if keep:
        cache.set(cache_key, str(html), settings.PAGE_CACHE_SECONDS)
        if latest_key is not None:
            cache.set(latest_key, (str(html), time.time()), settings.PAGE_CACHE_SECONDS)
    return mark_safe(html), False


# --- Whole pages for a signed-in person (``competitions.personal_pages``) ---------------------
# What a person's page shows beyond the event's content: their own rows (roles, rules, invites:
# the *person token*) and their team's (members, submissions, quota: the *team token*). Each is
# renewed by every write that may change it (``signals``, the scoring transitions, and any POST
# the person sends), now and again at commit.


def _person_key(user_id: int) -> str:
    return f"person-token:{user_id}"


def _team_key(team_id: int) -> str:
    return f"team-token:{team_id}"


def _team_rows_key(team_id: int) -> str:
    return f"team-rows-token:{team_id}"


def _invites_key(challenge_id: int) -> str:
    return f"invites-token:{challenge_id}"


def person_token(user_id: int) -> str:
    return _token(_person_key(user_id))


def team_token(team_id: int) -> str:
    """Renewed by every write to the team's rows or its submissions."""
    return _token(_team_key(team_id))


def team_rows_token(team_id: int) -> str:
    """Renewed by every write to the team's own rows (the team, its members, invitations,
    merges, quota overrides), not by its submissions: what a page takes from the team itself,
    such as its name, holds across the team's uploads."""
    return _token(_team_rows_key(team_id))


def invites_token(challenge_id: int) -> str:
    """Renewed by every e-mail invitation to a team of the challenge: a person without a team
    sees the invitations to their address."""
    return _token(_invites_key(challenge_id))


def _renew(keys: list[str], seconds=None, make=lambda: uuid.uuid4().hex[:12]) -> None:
    """New tokens ``make()`` under ``keys`` now and again at commit: a reader between the two
    may keep the old rows under the first token, never under the second. Called inside the
    scoring transitions too: a cache that does not answer must never undo a result, so the
    first renewal is only logged."""
    if not keys:
        return

    def renew() -> None:
        _forget(keys)
        cache.set_many({k: make() for k in keys}, seconds)

    try:
        renew()
    except Exception:
        logger.warning("page cache: could not renew %s", ", ".join(keys), exc_info=True)
    transaction.on_commit(renew, robust=True)


def person_changed(*user_ids: int) -> None:
    _renew([_person_key(u) for u in user_ids if u is not None])


def team_changed(*team_ids: int) -> None:
    """A write to the team's own rows: both its tokens."""
    ids = [t for t in team_ids if t is not None]
    _renew([_team_key(t) for t in ids] + [_team_rows_key(t) for t in ids])


def invites_changed(challenge_id: int) -> None:
    _renew([_invites_key(challenge_id)])


def depends_on(key: str, value) -> None:
    """Note a cache entry a page shows (e.g. a kept count): the page is served again only
    while the entry holds that value."""
    _depends_on(key, value)


def valid_until(moment) -> None:
    """The page shows something that changes at ``moment`` by itself (a phase opens or closes,
    the daily quota resets): it is not served past it."""
    if moment is not None:
        _note_until(moment.timestamp())


def _note_until(stamp: float) -> None:
    noted = _noted.get()
    if noted is not None:
        noted["!until"] = min(noted.get("!until", stamp), stamp)


def personal(request) -> None:
    """Mark this signed-in person's page as theirs to be served again while what it depends on
    holds (``personal_pages``)."""
    request.personal_shareable = True
