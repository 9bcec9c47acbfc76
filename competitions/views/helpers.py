from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Challenge, Event, Phase
from ..permissions import can


def get_event(request, event_slug: str, action: str = "event.view") -> Event:
    """The event, or 404 to those who may not see it, or 403 to those who may not act on it."""
    event = get_object_or_404(Event, slug=event_slug)
    if not can(request.user, "event.view", event):
        raise Http404
    if action != "event.view" and not can(request.user, action, event):
        raise PermissionDenied
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
    return challenge


def current_phase(challenge: Challenge, now) -> Phase | None:
    """The open phase, else the next one, else the last one."""
    phases = list(challenge.phases.all())
    for phase in phases:
        if phase.starts_at <= now < phase.ends_at:
            return phase
    upcoming = [p for p in phases if p.starts_at > now]
    if upcoming:
        return upcoming[0]
    return phases[-1] if phases else None
