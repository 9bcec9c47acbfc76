from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..models import DataFile
from ..permissions import can
from ..selectors.leaderboards import private_leaderboard, public_leaderboard
from ..selectors.participation import events_visible_to, has_accepted_rules, team_of
from ..selectors.quotas import team_quota
from .helpers import current_phase, get_challenge, get_event


def home(request):
    events = events_visible_to(request.user)
    return render(request, "competitions/home.html", {"events": events})


def event_detail(request, event_slug):
    event = get_event(request, event_slug)
    return render(
        request,
        "competitions/event_detail.html",
        {
            "event": event,
            "challenges": event.challenges.all(),
        },
    )


def challenge_detail(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    now = timezone.now()
    phase = current_phase(challenge, now)
    team = team_of(request.user, challenge)
    quota = team_quota(team=team, phase=phase, now=now) if team and phase else None
    submissions = []
    if team is not None:
        submissions = team.submissions.select_related("phase", "submitted_by")[:20]
    return render(
        request,
        "competitions/challenge_detail.html",
        {
            "challenge": challenge,
            "event": challenge.event,
            "phase": phase,
            "phases": challenge.phases.all(),
            "phase_open": phase is not None and phase.starts_at <= now < phase.ends_at,
            "team": team,
            "quota": quota,
            "accepted": has_accepted_rules(request.user, challenge),
            "data_files": challenge.data_files.all(),
            "submissions": submissions,
            "spec": challenge.task_spec,
        },
    )


def leaderboard(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    phases = list(challenge.phases.all())
    phase_id = request.GET.get("phase")
    phase = None
    if phase_id and phase_id.isdigit():
        phase = next((p for p in phases if p.pk == int(phase_id)), None)
    phase = phase or current_phase(challenge, timezone.now())
    view_private = phase is not None and can(request.user, "phase.view_private", phase)
    board = public_leaderboard(phase) if phase else []
    private_board = private_leaderboard(phase) if view_private else None
    context = {
        "challenge": challenge,
        "event": challenge.event,
        "phase": phase,
        "phases": phases,
        "board": board,
        "private_board": private_board,
        "my_team": team_of(request.user, challenge),
        "metric_label": challenge.task_spec.metric_labels.get(
            challenge.primary_metric, challenge.primary_metric
        ),
    }
    template = "competitions/leaderboard.html"
    if request.headers.get("HX-Request"):
        template = "competitions/partials/leaderboard_table.html"
    return render(request, template, context)


def data_download(request, event_slug, challenge_slug, file_id):
    challenge = get_challenge(request, event_slug, challenge_slug, action="challenge.download")
    data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
    return FileResponse(data_file.file.open("rb"), as_attachment=True, filename=data_file.name)
