"""Finding a track or project for a request: 404 to those who may not see it, 403 to those who
may see the event but not act here. Standings, results and write-ups answer 404 (``hide``):
before publication, nothing says they exist."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from competitions.permissions import can, require_two_factor
from competitions.views.helpers import get_challenge

from ..models import Project, Track


def get_track(
    request, event_slug: str, challenge_slug: str, action: str, *, hide: bool = False
) -> Track:
    challenge = get_challenge(request, event_slug, challenge_slug)
    track = Track.objects.filter(challenge=challenge).select_related("challenge__event").first()
    if track is None:
        raise Http404
    if not can(request.user, action, track):
        if hide:
            raise Http404
        raise PermissionDenied
    require_two_factor(request.user, action, track)
    return track


def get_project(request, track: Track, project_id: int, action: str = "project.view") -> Project:
    """A project of the track; 404 to anyone who may not do ``action`` (ids reveal nothing)."""
    project = get_object_or_404(
        Project.objects.select_related("team", "track__challenge__event"),
        pk=project_id,
        track=track,
    )
    if not can(request.user, action, project):
        raise Http404
    return project


def track_for_project_page(request, event_slug: str, challenge_slug: str) -> Track:
    """The track, for pages whose permission is about one project (checked by the caller)."""
    challenge = get_challenge(request, event_slug, challenge_slug)
    return get_object_or_404(Track.objects.select_related("challenge__event"), challenge=challenge)
