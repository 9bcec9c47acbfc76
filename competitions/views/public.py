from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..models import DataFile, Event
from ..permissions import can, has_accepted_rules, is_judge, is_organiser, team_of
from ..selectors.leaderboards import private_leaderboard, public_leaderboard
from ..selectors.quotas import team_quota
from .helpers import current_phase, get_challenge, get_event


def home(request):
    events = Event.objects.filter(is_published=True)
    if request.user.is_authenticated:
        events = Event.objects.filter(Q(is_published=True) | Q(roles__user=request.user)).distinct()
    return render(request, "competitions/home.html", {"events": events})


def event_detail(request, event_slug):
    event = get_event(request, event_slug)
    return render(
        request,
        "competitions/event_detail.html",
        {
            "event": event,
            "challenges": event.challenges.all(),
            "is_organiser": is_organiser(request.user, event),
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
            "can_download": can(request.user, "challenge.download", challenge),
            "data_files": challenge.data_files.all(),
            "submissions": submissions,
            "is_organiser": is_organiser(request.user, challenge.event),
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
        "is_staff_view": is_organiser(request.user, challenge.event)
        or is_judge(request.user, challenge.event),
    }
    template = "competitions/leaderboard.html"
    if request.headers.get("HX-Request"):
        template = "competitions/partials/leaderboard_table.html"
    return render(request, template, context)


def data_download(request, event_slug, challenge_slug, file_id):
    challenge = get_challenge(request, event_slug, challenge_slug, action="challenge.download")
    data_file = get_object_or_404(DataFile, pk=file_id, challenge=challenge)
    if not can(request.user, "datafile.download", data_file):
        raise Http404
    return FileResponse(data_file.file.open("rb"), as_attachment=True, filename=data_file.name)
