"""Judges' pages: the tracks they judge, their assigned projects (done / to do), their conflicts
of interest, and one score sheet per project. A track's pages answer 403 to anyone who does not
judge it, signed in or not (no login redirect that would confirm the page exists)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.permissions import can
from competitions.selectors.leaderboards import private_leaderboard, public_leaderboard
from competitions.views.helpers import service_call

from ..forms import ConflictForm, ScoreSheetForm
from ..models import Conflict, ScoreSheet
from ..selectors.judging import judge_sheets, judged_tracks, project_scores, sheet_values
from ..selectors.standings import sheet_criteria, track_phase
from ..services.assignments import conflict_declare, conflict_withdraw
from ..services.scoresheets import scoresheet_save_draft, scoresheet_submit
from .helpers import get_track


@login_required
def judge_home(request):
    return render(request, "judging/judge_home.html", {"tracks": judged_tracks(request.user)})


def judge_track(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.judge")
    return render(
        request,
        "judging/judge_track.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "sheets": judge_sheets(track, request.user),
            "has_panels": track.panels.exists(),
            "conflicts": Conflict.objects.filter(
                judge=request.user, team__challenge=track.challenge
            ).select_related("team"),
            "conflict_form": ConflictForm(challenge=track.challenge),
        },
    )


@require_POST
def conflict_add(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.judge")
    form = ConflictForm(request.POST, challenge=track.challenge)
    if form.is_valid():
        with service_call(request):
            conflict_declare(
                track=track,
                judge=request.user,
                team=form.cleaned_data["team"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("Conflict recorded: you will not see or score %(team)s.")
                % {"team": form.cleaned_data["team"].name},
            )
    else:
        messages.error(request, _("Choose a team."))
    return redirect("judging:judge_track", event_slug, challenge_slug)


@require_POST
def conflict_remove(request, event_slug, challenge_slug, conflict_id):
    track = get_track(request, event_slug, challenge_slug, "track.judge")
    conflict = get_object_or_404(
        Conflict, pk=conflict_id, judge=request.user, team__challenge=track.challenge
    )
    with service_call(request):
        conflict_withdraw(conflict=conflict, track=track, actor=request.user)
        messages.success(request, _("Conflict withdrawn."))
    return redirect("judging:judge_track", event_slug, challenge_slug)


def _team_ranks(track, team_id: int, user) -> dict:
    """The team's rank and score on the public board, and on the private one if the person
    may see it."""
    phase = track_phase(track)
    if phase is None:
        return {}
    ranks = {}
    boards = [("public", public_leaderboard)]
    if can(user, "phase.view_private", phase):
        boards.append(("private", private_leaderboard))
    for name, selector in boards:
        row = next((r for r in selector(phase) if r.team_id == team_id), None)
        if row is not None:
            ranks[name] = row
    return ranks


def _own_sheets(track, user):
    return ScoreSheet.objects.select_related(
        "project__team", "project__track__challenge__event", "panel"
    ).filter(project__track=track, judge=user)


def score_sheet(request, event_slug, challenge_slug, project_id):
    """The judge's sheet for a project: the current round's first (a judge on two panels
    opens each from their list, by the sheet's own address)."""
    track = get_track(request, event_slug, challenge_slug, "track.judge")
    sheets = list(_own_sheets(track, request.user).filter(project_id=project_id))
    sheets.sort(key=lambda s: (s.round != track.current_round, s.panel_id or 0, s.pk))
    return _sheet_page(request, track, sheets[0] if sheets else None)


def score_sheet_by_id(request, event_slug, challenge_slug, sheet_id):
    track = get_track(request, event_slug, challenge_slug, "track.judge")
    return _sheet_page(request, track, _own_sheets(track, request.user).filter(pk=sheet_id).first())


def _sheet_page(request, track, sheet):
    event_slug, challenge_slug = track.event.slug, track.challenge.slug
    if sheet is None or not can(request.user, "scoresheet.view", sheet):
        raise Http404  # not assigned, or conflicted: nothing about the project is shown
    project = sheet.project
    editable = can(request.user, "scoresheet.edit", sheet)
    criteria = sheet_criteria(track, sheet.round, sheet.panel_id)
    form = ScoreSheetForm(
        request.POST or None, criteria=criteria, values=sheet_values(sheet),
        initial={"comment": sheet.comment, "feedback": sheet.feedback},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        service = scoresheet_submit if submit else scoresheet_save_draft
        with service_call(request, form) as call:
            service(
                sheet=sheet,
                actor=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                feedback=form.cleaned_data["feedback"],
            )
        if call.ok:
            messages.success(
                request,
                _("Scores submitted. You can change them until judging is locked.")
                if submit
                else _("Draft saved; it counts once you submit it."),
            )
            return redirect("judging:judge_track", event_slug, challenge_slug)
    return render(
        request,
        "judging/score_sheet.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "sheet": sheet,
            "project": project,
            "form": form,
            "editable": editable,
            "scores": project_scores(project, request.user),
            "ranks": _team_ranks(track, project.team_id, request.user),
            "metric_label": track.challenge.task_spec.metric_labels.get(
                track.challenge.primary_metric, ""
            ),
        },
    )
