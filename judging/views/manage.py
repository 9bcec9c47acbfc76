"""Organisers' pages for a track (hand-ins, criteria, judges and conflicts, assignment,
progress, scores, lock, prizes, exports) and for publishing the event's results."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.csv_export import csv_response
from competitions.models import Challenge
from competitions.views.helpers import get_event, service_call

from ..forms import (
    AwardForm,
    ConflictForm,
    CriterionForm,
    PanelForm,
    PrizeForm,
    ScreenForm,
    TrackForm,
    UnlockForm,
    UnpublishForm,
)
from ..models import Conflict, Criterion, Panel, Prize, Project, Track
from ..selectors.judging import (
    handins,
    judge_progress,
    judges_of,
    project_progress,
    score_table,
)
from ..selectors.judging import tracks_of_event as event_tracks
from ..selectors.results import prizes_in_order, publication, suggested_winners
from ..selectors.standings import track_standings
from ..services import assignments as assignment_svc
from ..services import panels as panel_svc
from ..services import prizes as prize_svc
from ..services import tracks as track_svc
from ..services.results import results_publish, results_unpublish
from ..services.rounds import shortlist_close
from ..services.screening import project_screen
from .helpers import get_track


def _page(track: Track):
    return redirect("judging:manage_track", track.event.slug, track.challenge.slug)


def _form_page(request, form, title: str, back: str, submit: str | None = None):
    return render(
        request,
        "judging/manage/form.html",
        {"form": form, "title": title, "back": back, "submit": submit or _("Save")},
    )


def _manage_url(event_slug, challenge_slug) -> str:
    return reverse("judging:manage_track", args=[event_slug, challenge_slug])


def _with_screen_forms(track: Track, rows: list) -> list:
    """Each hand-in with its screening form, while screening can still change."""
    for row in rows:
        row.screen_form = None
        if row.project is not None and not track.is_locked:
            row.screen_form = ScreenForm(
                prefix=f"screen-{row.project.pk}",
                initial={
                    "decision": None
                    if row.project.eligibility == Project.Eligibility.PENDING
                    else row.project.eligibility,
                    "reason": row.project.eligibility_reason,
                },
            )
    return rows


def track_manage(request, event_slug, challenge_slug):
    """The track's page, or the form that sets it up when the challenge has none yet."""
    event = get_event(request, event_slug, action="event.manage")
    challenge = get_object_or_404(Challenge, event=event, slug=challenge_slug)
    track = Track.objects.filter(challenge=challenge).first()
    if track is None:
        return redirect("judging:manage_track_edit", event.slug, challenge.slug)
    judges = judges_of(track)
    standings = track_standings(track)
    suggestions = suggested_winners(track, standings)
    prizes = [
        (
            prize,
            suggestions.get(prize.pk),
            AwardForm(
                challenge=challenge,
                prefix=f"prize-{prize.pk}",
                initial={"team": prize.winner or suggestions.get(prize.pk)},
            ),
        )
        for prize in prizes_in_order(track)
    ]
    return render(
        request,
        "judging/manage/track.html",
        {
            "event": event,
            "challenge": challenge,
            "track": track,
            "handins": _with_screen_forms(track, handins(track)),
            "criteria": list(track.criteria.select_related("panel")),
            "panels": list(track.panels.prefetch_related("judges", "criteria")),
            "finalists": list(
                track.projects.filter(shortlist_rank__isnull=False)
                .select_related("team")
                .order_by("shortlist_rank", "team__name")
            ),
            "judge_progress": judge_progress(track, list(judges)),
            "project_progress": project_progress(track),
            "conflicts": Conflict.objects.filter(team__challenge=challenge).select_related(
                "judge", "team"
            ),
            "conflict_form": ConflictForm(challenge=challenge, judges=judges),
            "standings": standings,
            "prizes": prizes,
            "unlock_form": UnlockForm(),
            "screen_form": ScreenForm(),
        },
    )


def track_edit(request, event_slug, challenge_slug):
    event = get_event(request, event_slug, action="event.manage")
    challenge = get_object_or_404(Challenge, event=event, slug=challenge_slug)
    track = Track.objects.filter(challenge=challenge).first()
    form = TrackForm(request.POST or None, instance=track, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            if track is None:
                track_svc.track_create(
                    challenge=challenge, actor=request.user, data=form.cleaned_data
                )
            else:
                track_svc.track_update(track=track, actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Final ranking saved."))
            return redirect("judging:manage_track", event.slug, challenge.slug)
    back = reverse("competitions:manage_challenge", args=[event.slug, challenge.slug])
    title = _("Final ranking and judging of %(challenge)s") % {"challenge": challenge.title}
    return _form_page(request, form, title, back)


def criterion_edit(request, event_slug, challenge_slug, criterion_id=None):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    criterion = None
    if criterion_id is not None:
        criterion = get_object_or_404(Criterion, pk=criterion_id, track=track)
    form = CriterionForm(request.POST or None, instance=criterion, track=track)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            if criterion is None:
                track_svc.criterion_create(track=track, actor=request.user, data=form.cleaned_data)
            else:
                track_svc.criterion_update(
                    criterion=criterion, actor=request.user, data=form.cleaned_data
                )
        if call.ok:
            messages.success(request, _("Criterion saved."))
            return _page(track)
    title = _("New criterion") if criterion is None else _("Edit criterion")
    return _form_page(request, form, title, _manage_url(event_slug, challenge_slug))


def panel_edit(request, event_slug, challenge_slug, panel_id=None):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    panel = None
    initial = {"weight": 1}
    if panel_id is not None:
        panel = get_object_or_404(Panel, pk=panel_id, track=track)
        initial = {"name": panel.name, "weight": panel.weight, "judges": list(panel.judges.all())}
    form = PanelForm(request.POST or None, initial=initial, judges=judges_of(track))
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            panel_svc.panel_save(
                track=track,
                actor=request.user,
                panel=panel,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
                judges=form.cleaned_data["judges"],
            )
        if call.ok:
            messages.success(request, _("Panel saved."))
            return redirect(_manage_url(event_slug, challenge_slug) + "#panels")
    title = _("New panel") if panel is None else _("Edit panel")
    return _form_page(request, form, title, _manage_url(event_slug, challenge_slug))


@require_POST
def panel_delete(request, event_slug, challenge_slug, panel_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    panel = get_object_or_404(Panel, pk=panel_id, track=track)
    with service_call(request):
        panel_svc.panel_delete(panel=panel, actor=request.user)
        messages.success(request, _("Panel removed."))
    return redirect(_manage_url(event_slug, challenge_slug) + "#panels")


@require_POST
def close_shortlist(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    with service_call(request):
        finalists = shortlist_close(track=track, actor=request.user)
        messages.success(
            request,
            _("The shortlist round is closed: %(n)d projects go on to the final round.")
            % {"n": len(finalists)},
        )
    return redirect(_manage_url(event_slug, challenge_slug) + "#rounds")


@require_POST
def criterion_delete(request, event_slug, challenge_slug, criterion_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    criterion = get_object_or_404(Criterion, pk=criterion_id, track=track)
    with service_call(request):
        track_svc.criterion_delete(criterion=criterion, actor=request.user)
        messages.success(request, _("Criterion removed."))
    return _page(track)


@require_POST
def conflict_set(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    form = ConflictForm(request.POST, challenge=track.challenge, judges=judges_of(track))
    if form.is_valid():
        with service_call(request):
            assignment_svc.conflict_declare(
                track=track,
                judge=form.cleaned_data["judge"],
                team=form.cleaned_data["team"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Conflict recorded."))
    else:
        messages.error(request, _("Choose a judge and a team."))
    return _page(track)


@require_POST
def conflict_unset(request, event_slug, challenge_slug, conflict_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    conflict = get_object_or_404(Conflict, pk=conflict_id, team__challenge=track.challenge)
    with service_call(request):
        assignment_svc.conflict_withdraw(conflict=conflict, track=track, actor=request.user)
        messages.success(request, _("Conflict withdrawn."))
    return _page(track)


@require_POST
def screen(request, event_slug, challenge_slug, project_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    project = get_object_or_404(Project, pk=project_id, track=track)
    form = ScreenForm(request.POST, prefix=f"screen-{project.pk}")
    if form.is_valid():
        with service_call(request):
            project_screen(
                project=project,
                actor=request.user,
                eligible=form.cleaned_data["decision"] == "eligible",
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("Screening of “%(project)s” saved.") % {"project": project.title}
            )
    else:
        messages.error(request, _("Choose eligible or not eligible."))
    return redirect(_manage_url(event_slug, challenge_slug) + "#handins")


@require_POST
def assign(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    with service_call(request):
        report = assignment_svc.assignments_make(track=track, actor=request.user)
        messages.success(request, _("%(n)d new assignments.") % {"n": report.created})
        if report.short:
            messages.warning(
                request,
                _("Too few judges without a conflict for: %(teams)s.")
                % {"teams": ", ".join(report.short)},
            )
    return _page(track)


@require_POST
def lock(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    with service_call(request):
        track_svc.track_lock_judging(track=track, actor=request.user)
        messages.success(request, _("Judging is locked: scores and projects no longer change."))
    return _page(track)


@require_POST
def unlock(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    form = UnlockForm(request.POST)
    if form.is_valid():
        with service_call(request):
            track_svc.track_unlock_judging(
                track=track, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Judging is open again."))
    else:
        messages.error(request, _("Say why judging opens again."))
    return _page(track)


def scores(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "judging.view_scores")
    order = "project" if request.GET.get("order") == "project" else "judge"
    criteria, rows = score_table(track, order=order)
    return render(
        request,
        "judging/manage/scores.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "criteria": criteria,
            "rows": rows,
            "order": order,
            "has_panels": track.panels.exists(),
        },
    )


def scores_csv(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "judging.view_scores")
    order = "project" if request.GET.get("order") == "project" else "judge"
    criteria, rows = score_table(track, order=order)
    header = [
        "judge", "team", "project", "state", *[c.name for c in criteria], "score_0_100",
        "z_score", "comment", "submitted_at", "round", "panel", "feedback_to_team",
    ]  # fmt: skip
    body = [
        [
            r.judge,
            r.team,
            r.project,
            r.state,
            *r.values,
            None if r.score is None else round(r.score, 4),
            None if r.z is None else round(r.z, 4),
            r.comment,
            r.submitted_at.isoformat() if r.submitted_at else "",
            r.round,
            r.panel,
            r.feedback,
        ]  # fmt: skip
        for r in rows
    ]
    name = f"{track.event.slug}-{track.challenge.slug}-scores-by-{order}.csv"
    return csv_response(name, header, body)


def standings_csv(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "judging.view_scores")
    standings = track_standings(track)
    panels = [p.name for p in track.panels.all()]
    header = [
        "position", "team", "project", "leaderboard_score", "leaderboard_rank",
        "judges_score_0_100", "judges_z_mean", "judges_count", "judges_rank", "blended",
        "ranking", "leaderboard_weight", "normalised", "round_reached", "shortlist_score",
        "shortlist_rank", *[f"panel:{name}" for name in panels],
    ]  # fmt: skip
    body = [
        [
            r.position,
            r.team_name,
            r.project.title if r.project else "",
            r.leaderboard_score,
            r.leaderboard_rank,
            None if r.judges_score is None else round(r.judges_score, 4),
            None if r.judges_normalised is None else round(r.judges_normalised, 4),
            r.judges_count,
            r.judges_rank,
            r.blended,
            track.ranking,
            track.leaderboard_weight if track.ranking == Track.Ranking.BLEND else "",
            track.normalise,
            r.round_reached,
            None if r.shortlist_score is None else round(r.shortlist_score, 4),
            r.project.shortlist_rank if r.project else None,
            *[
                None if r.panel_scores.get(name) is None else round(r.panel_scores[name], 4)
                for name in panels
            ],
        ]  # fmt: skip
        for r in standings.rows
    ]
    return csv_response(f"{track.event.slug}-{track.challenge.slug}-standings.csv", header, body)


def prize_edit(request, event_slug, challenge_slug, prize_id=None):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    prize = None
    if prize_id is not None:
        prize = get_object_or_404(Prize, pk=prize_id, track=track)
    form = PrizeForm(request.POST or None, instance=prize)
    if request.method == "POST" and form.is_valid():
        with service_call(request, form) as call:
            if prize is None:
                prize_svc.prize_create(track=track, actor=request.user, data=form.cleaned_data)
            else:
                prize_svc.prize_update(prize=prize, actor=request.user, data=form.cleaned_data)
        if call.ok:
            messages.success(request, _("Prize saved."))
            return _page(track)
    title = _("New prize") if prize is None else _("Edit prize")
    return _form_page(request, form, title, _manage_url(event_slug, challenge_slug))


@require_POST
def prize_delete(request, event_slug, challenge_slug, prize_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    prize = get_object_or_404(Prize, pk=prize_id, track=track)
    with service_call(request):
        prize_svc.prize_delete(prize=prize, actor=request.user)
        messages.success(request, _("Prize removed."))
    return _page(track)


@require_POST
def prize_award(request, event_slug, challenge_slug, prize_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    prize = get_object_or_404(Prize, pk=prize_id, track=track)
    form = AwardForm(request.POST, challenge=track.challenge, prefix=f"prize-{prize.pk}")
    if form.is_valid():
        with service_call(request):
            prize_svc.prize_award(
                prize=prize,
                actor=request.user,
                team=form.cleaned_data["team"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Winner of “%(prize)s” saved.") % {"prize": prize.name})
    else:
        messages.error(request, _("Choose a team of this challenge."))
    return redirect(reverse("judging:manage_track", args=[event_slug, challenge_slug]) + "#prizes")


def results_manage(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    tracks = event_tracks(event)
    rows = []
    for track in tracks:
        prizes = prizes_in_order(track)
        rows.append(
            {
                "track": track,
                "prizes": prizes,
                "missing": [p for p in prizes if p.winner_id is None],
            }
        )
    published = publication(event)
    if request.method == "POST":
        with service_call(request) as call:
            results_publish(event=event, actor=request.user)
        if call.ok:
            messages.success(
                request,
                _("The results are published; every team has been told."),
            )
            return redirect("judging:results", event.slug)
    return render(
        request,
        "judging/manage/results.html",
        {
            "event": event,
            "rows": rows,
            "published": published if published and published.state == "published" else None,
            "unpublish_form": UnpublishForm(),
        },
    )


@require_POST
def results_unpublish_view(request, event_slug):
    event = get_event(request, event_slug, action="event.manage")
    form = UnpublishForm(request.POST)
    if form.is_valid():
        with service_call(request) as call:
            results_unpublish(event=event, actor=request.user, reason=form.cleaned_data["reason"])
        if call.ok:
            messages.success(
                request, _("The results are hidden again; only organisers can see them.")
            )
    else:
        messages.error(request, _("Say why the results are taken back."))
    return redirect("judging:manage_results", event.slug)
