from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import page_cache
from ..inputs import strip_forbidden
from ..models import DataFile
from ..selectors.home import event_cards
from ..selectors.participation import has_accepted_rules
from ..selectors.quotas import team_quota
from ..selectors.teams import FinalSelection
from .helpers import (
    cached_data_files,
    cached_quota_override,
    cached_team_of,
    challenge_and_phases,
    current_phase,
    get_challenge,
    get_event,
)
from .leaderboards import shown_public_scores


def _for_visitors(request) -> None:
    """The same page for every visitor not signed in (``visitor_pages`` may share it); kept for
    a signed-in person (``personal_pages``) while what it read holds."""
    if request.user.is_authenticated:
        page_cache.personal(request)
    else:
        page_cache.shareable(request)


def home(request):
    query = strip_forbidden(request.GET.get("q", "")).strip()[:100]
    now = timezone.now()
    cards = event_cards(request.user, query, now)
    if page_cache.enabled():
        page_cache.site_version()  # what a kept copy depends on: any event's content
        # An event's status changes by itself when it starts or ends.
        moments = [m for c in cards for m in (c.event.starts_at, c.event.ends_at) if m and m > now]
        page_cache.valid_until(min(moments, default=None))
        _for_visitors(request)
    return render(request, "competitions/home.html", {"cards": cards, "query": query})


def event_detail(request, event_slug):
    event = get_event(request, event_slug)
    _for_visitors(request)
    return render(
        request,
        "competitions/event_detail.html",
        {
            "event": event,
            "challenges": event.challenges.all(),
            # The same for everyone not signed in: from the shared cache.
            "page_cache_key": page_cache.visitor_key(
                request, "event", page_cache.stamp(event), page_cache.content_version(event.pk)
            ),
            "announcements": event.announcements.select_related("challenge")[:20],
        },
    )


def challenge_detail(request, event_slug, challenge_slug):
    # The challenge, its phases, data files and the person's team from the shared cache while
    # what they depend on holds: a person's first visit and a team's visit after each upload
    # render this page anew, and these reads were half its queries.
    challenge, phases = challenge_and_phases(request, event_slug, challenge_slug)
    _for_visitors(request)
    now = timezone.now()
    phase = current_phase(challenge, now, phases)
    phase_open = phase is not None and phase.starts_at <= now < phase.ends_at
    team = cached_team_of(request.user, challenge)
    quota = finals = None
    if team and phase:
        override = cached_quota_override(team, phase)
        quota = team_quota(team=team, phase=phase, now=now, override=override)
        finals = FinalSelection(chosen=quota.final_chosen, limit=challenge.final_selection_limit)
    if page_cache.enabled():
        # What a kept page depends on beyond the event's content: a signed-in person's team's
        # rows, or the invitations to their address; and when it changes by itself.
        if team is not None:
            page_cache.team_token(team.pk)
        elif request.user.is_authenticated:
            page_cache.invites_token(challenge.pk)
        boundaries = [m for p in phases for m in (p.starts_at, p.ends_at) if m > now]
        if quota is not None:
            boundaries.append(quota.next_reset)
        page_cache.valid_until(min(boundaries, default=None))
    submissions = []
    if team is not None:
        submissions = list(team.submissions.select_related("submitted_by")[:20])
        by_id = {each.pk: each for each in phases}
        for submission in submissions:
            submission.phase, submission.team = by_id[submission.phase_id], team
        # Under the Ladder the team sees released values only (and which ones moved).
        for submission, (score, moved) in zip(
            submissions, shown_public_scores(request.user, submissions).values(), strict=True
        ):
            submission.shown_score, submission.ladder_moved = score, moved
    return render(
        request,
        "competitions/challenge_detail.html",
        {
            "challenge": challenge,
            "event": challenge.event,
            "phase": phase,
            "phases": phases,
            "phase_open": phase_open,
            "team": team,
            "quota": quota,
            "finals": finals,
            "accepted": has_accepted_rules(request.user, challenge),
            "data_files": cached_data_files(challenge),
            "submissions": submissions,
            "spec": challenge.task_spec,
            # The same for everyone not signed in while the phase stays open or closed.
            "page_cache_key": page_cache.visitor_key(
                request,
                "challenge",
                page_cache.stamp(challenge, challenge.event, phase),
                page_cache.content_version(challenge.event_id),
                phase_open,
            ),
        },
    )


def data_download(request, event_slug, challenge_slug, file_id):
    challenge = get_challenge(request, event_slug, challenge_slug, action="challenge.download")
    data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
    return FileResponse(data_file.file.open("rb"), as_attachment=True, filename=data_file.name)
