import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from .. import page_cache
from ..errors import PermissionRefused, ServiceError, TwoFactorRequired
from ..models import Challenge, Event, Phase
from ..permissions import can, require_two_factor
from ..selectors.participation import team_of
from ..selectors.quotas import quota_override


def get_event(request, event_slug: str, action: str = "event.view") -> Event:
    """The event, or 404 to those who may not see it, or 403 to those who may not act on it."""
    event = get_object_or_404(Event, slug=event_slug)
    if not can(request.user, "event.view", event):
        raise Http404
    if action != "event.view" and not can(request.user, action, event):
        raise PermissionDenied
    require_two_factor(request.user, action, event)
    return event


def get_challenge(
    request, event_slug: str, challenge_slug: str, action: str = "challenge.view"
) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("event"), event__slug=event_slug, slug=challenge_slug
    )
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    if action != "challenge.view" and not can(request.user, action, challenge):
        raise PermissionDenied
    require_two_factor(request.user, action, challenge)
    return challenge


def challenge_and_phases(request, event_slug, challenge_slug) -> tuple[Challenge, list[Phase]]:
    """The challenge (with its event) and its phases, as ``get_challenge`` answers them, from
    the shared cache while the event's content version holds: a crowd on the challenge page,
    the board and its fragments reads them on every request, and every write to them renews
    that version (``signals``). The permission check is made on every request. For pages
    that only read them (never for a form that changes them)."""
    if not page_cache.enabled():
        challenge = get_challenge(request, event_slug, challenge_slug)
        return challenge, with_challenge(challenge, list(challenge.phases.all()))
    # Hashed: a hostile URL's slugs may be of any length.
    key = "challenge-rows:" + hashlib.sha1(f"{event_slug}/{challenge_slug}".encode()).hexdigest()
    entry = cache.get(key)
    if entry is not None and page_cache.content_version(entry["event_id"]) == entry["version"]:
        challenge, phases = entry["challenge"], entry["phases"]
        if not can(request.user, "challenge.view", challenge):
            raise Http404
        return challenge, with_challenge(challenge, phases)
    challenge = get_challenge(request, event_slug, challenge_slug)
    phases = list(challenge.phases.all())
    # Read after the rows: a write between the two renews the version again at its commit.
    version = page_cache.content_version(challenge.event_id)
    entry = {"event_id": challenge.event_id, "version": version}
    cache.set(key, {**entry, "challenge": challenge, "phases": phases}, settings.PAGE_CACHE_SECONDS)
    return challenge, with_challenge(challenge, phases)


def with_challenge(challenge: Challenge, phases: list[Phase]) -> list[Phase]:
    for phase in phases:
        phase.challenge = challenge  # read once, not once per phase
    return phases


def cached_team_of(user, challenge: Challenge):
    """The person's team (``team_of``), from the shared cache while their person token and the
    team's rows token hold (a membership or the team itself changed renews them: ``signals``;
    the team's uploads do not)."""
    if not user.is_authenticated or not page_cache.enabled():
        return team_of(user, challenge)
    key = f"my-team:{user.pk}:{challenge.pk}"
    entry = cache.get(key)
    if entry is not None:
        team, person, team_token = entry
        if person == page_cache.person_token(user.pk) and (
            team is None or team_token == page_cache.team_rows_token(team.pk)
        ):
            # As ``team_of`` keeps it for the request: the permission checks ask it too.
            user.__dict__.setdefault("_datajam_teams", {})[challenge.pk] = team
            return team
    person = page_cache.person_token(user.pk)  # before the row: see page_cache
    team = team_of(user, challenge)
    team_token = page_cache.team_rows_token(team.pk) if team is not None else ""
    cache.set(key, (team, person, team_token), settings.PAGE_CACHE_SECONDS)
    return team


def _kept(key: str, token, read):
    """``read()``, from the shared cache while ``token()`` (read before the rows) is the one it
    was kept under."""
    if not page_cache.enabled():
        return read()
    current = token()
    entry = cache.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = read()
    cache.set(key, (current, value), settings.PAGE_CACHE_SECONDS)
    return value


def cached_data_files(challenge: Challenge) -> list:
    """The challenge's data files, from the shared cache while the event's content version
    holds (every save or deletion of a data file renews it: ``signals``)."""
    return _kept(
        f"challenge-files:{challenge.pk}",
        lambda: page_cache.content_version(challenge.event_id),
        lambda: list(challenge.data_files.all()),
    )


def cached_quota_override(team, phase: Phase):
    """The team's quota override for the phase (or None), from the shared cache while the
    team's rows token holds (every write to an override renews it: ``signals``)."""
    return _kept(
        f"quota-override:{team.pk}:{phase.pk}",
        lambda: page_cache.team_rows_token(team.pk),
        lambda: quota_override(team=team, phase=phase),
    )


def get_phase(request, phase_id: int, action: str = "phase.manage") -> Phase:
    """A phase for its organisers: 404 to those who may not see the event, else 403."""
    phase = get_object_or_404(Phase.objects.select_related("challenge__event"), pk=phase_id)
    if not can(request.user, "challenge.view", phase.challenge):
        raise Http404
    if not can(request.user, action, phase):
        raise PermissionDenied
    require_two_factor(request.user, action, phase)
    return phase


class service_call:
    """Run service calls in a ``with`` block: an expected refusal (``ServiceError``) becomes a
    message for the person, or an error on the form's field when a form is given, instead of an
    exception; ``ok`` tells whether the block went through. A permission refusal is a 403.

        with service_call(request, form) as call:
            svc.phase_update(phase=phase, actor=request.user, data=form.cleaned_data)
        if call.ok:
            ...
    """

    def __init__(self, request, form=None):
        self.request = request
        self.form = form
        self.ok = False

    def __enter__(self) -> "service_call":
        return self

    def __exit__(self, exc_type, error, traceback) -> bool:
        if exc_type is None:
            self.ok = True
            return False
        if isinstance(error, TwoFactorRequired):
            return False  # the middleware sends the person to set it up
        if isinstance(error, PermissionRefused):
            raise PermissionDenied(str(error)) from error
        if not isinstance(error, ServiceError):
            return False
        if self.form is not None:
            field = error.field if error.field in self.form.fields else None
            self.form.add_error(field, str(error))
        else:
            messages.error(self.request, str(error))
        return True


def current_phase(challenge: Challenge, now, phases: list[Phase] | None = None) -> Phase | None:
    """The open phase, else the next one, else the last one (of ``phases`` when the caller has
    read them already)."""
    if phases is None:
        phases = list(challenge.phases.all())
    for phase in phases:
        if phase.starts_at <= now < phase.ends_at:
            return phase
    upcoming = [p for p in phases if p.starts_at > now]
    if upcoming:
        return upcoming[0]
    return phases[-1] if phases else None


def safe_next(request, default: str) -> str:
    """The form's ``next`` if it is a path on this site, else ``default`` (no open redirects;
    only a path starting with one ``/``, so ``redirect()`` never takes it for a view name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and len(target) <= 2000
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
