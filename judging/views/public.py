"""The results page, a track's standings, projects and write-ups, and a team's hand-in page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from competitions.markdown import render_markdown
from competitions.permissions import can
from competitions.selectors.participation import team_of
from competitions.views.helpers import get_event, service_call

from ..forms import ProjectForm
from ..models import Project
from ..selectors.judging import project_scores, team_feedback
from ..selectors.results import event_results, publication
from ..selectors.standings import track_standings
from ..services.projects import handin_closed_reason, project_save
from .helpers import get_project, get_track, track_for_project_page


def _feedback(user, project):
    """The judges' feedback when this person may read it (the team once published,
    organisers), else None (the page shows nothing of it)."""
    if project is None or not can(user, "project.view_feedback", project):
        return None
    return team_feedback(project)


def results(request, event_slug):
    """``/e/<event>/results/``: 404 before publication to all but organisers (and judges once
    every track's judging is locked)."""
    event = get_event(request, event_slug)
    if not can(request.user, "results.view", event):
        raise Http404
    published = publication(event)
    return render(
        request,
        "judging/results.html",
        {
            "event": event,
            "tracks": event_results(event),
            "publication": published if published and published.published_at else None,
        },
    )


def standings(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "standings.view", hide=True)
    return render(
        request,
        "judging/standings.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "standings": track_standings(track),
            "criteria": list(track.criteria.select_related("panel")) if track.uses_judges else [],
            "panels": list(track.panels.all()) if track.uses_judges else [],
        },
    )


def project_detail(request, event_slug, challenge_slug, project_id):
    track = track_for_project_page(request, event_slug, challenge_slug)
    project = get_project(request, track, project_id)
    return render(
        request,
        "judging/project_detail.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "project": project,
            "scores": project_scores(project, request.user),
            "feedback": _feedback(request.user, project),
        },
    )


def writeup(request, event_slug, challenge_slug, project_id):
    """The write-up, only to the team, its judges and the organisers: a PDF as a download, a
    Markdown file rendered (sanitised) or, with ``?download=1``, as it was handed in."""
    track = track_for_project_page(request, event_slug, challenge_slug)
    project = get_project(request, track, project_id, action="project.view_writeup")
    if not project.writeup:
        raise Http404
    if project.writeup_is_pdf or request.GET.get("download"):
        response = FileResponse(
            project.writeup.open("rb"),
            as_attachment=True,
            filename=project.writeup_name or "writeup",
            content_type="application/pdf" if project.writeup_is_pdf else "text/markdown",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    with project.writeup.open("rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    return render(
        request,
        "judging/writeup.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "project": project,
            "html": render_markdown(text),
        },
    )


@login_required
def project_handin(request, event_slug, challenge_slug):
    """The team's project: a form while hand-in is open, read-only after."""
    track = track_for_project_page(request, event_slug, challenge_slug)
    challenge = track.challenge
    team = team_of(request.user, challenge)
    if team is None or team.is_baseline or not track.uses_judges:
        raise Http404
    project = Project.objects.filter(track=track, team=team).first()
    editable = can(request.user, "track.handin", track)
    form = None
    if editable:
        initial = {}
        if project is not None:
            initial = {
                "title": project.title,
                "summary": project.summary,
                "repository_url": project.repository_url,
                "demo_url": project.demo_url,
                "submissions": list(project.submissions.all()),
            }
        form = ProjectForm(
            request.POST or None,
            request.FILES or None,
            initial=initial,
            team=team,
            max_bytes=settings.PROJECT_WRITEUP_MAX_BYTES,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with service_call(request, form) as call:
                project_save(
                    track=track,
                    actor=request.user,
                    data=data,
                    writeup=data.get("writeup") or None,
                    remove_writeup=data.get("remove_writeup", False),
                )
            if call.ok:
                messages.success(
                    request,
                    _("Project saved. You can change it until the hand-in deadline."),
                )
                return redirect("judging:project", challenge.event.slug, challenge.slug)
    closed = None if editable else handin_closed_reason(track)
    if request.method == "POST" and not editable:
        messages.error(request, closed or _("You cannot hand in a project here."))
        return redirect("judging:project", challenge.event.slug, challenge.slug)
    return render(
        request,
        "judging/project_handin.html",
        {
            "track": track,
            "challenge": challenge,
            "event": challenge.event,
            "team": team,
            "project": project,
            "form": form,
            "editable": editable,
            "closed": closed,
            "feedback": _feedback(request.user, project),
        },
    )
