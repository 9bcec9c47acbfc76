"""The community vote: the voting page of a track and the organisers' review of its ballots."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.permissions import can
from competitions.selectors.participation import team_of
from competitions.views.helpers import service_call

from ..forms import VoidForm
from ..models import Project, Vote
from ..permissions import results_published
from ..selectors.votes import vote_review, vote_tallies
from ..services import votes as vote_svc
from .helpers import get_track, track_for_project_page


def vote(request, event_slug, challenge_slug):
    """The projects to vote for, the person's current vote and why they cannot vote, if so.
    No tally is ever shown here while the vote runs."""
    track = track_for_project_page(request, event_slug, challenge_slug)
    if not track.has_vote:
        raise Http404
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        project = (
            Project.objects.filter(pk=_int(request.POST.get("project")), track=track)
            .select_related("team", "track")
            .first()
        )
        if project is None:
            messages.error(request, _("Choose one of the projects in this vote."))
        else:
            with service_call(request):
                vote_svc.vote_cast(
                    track=track, project=project, voter=user, ip=request.META.get("REMOTE_ADDR")
                )
                messages.success(
                    request,
                    _("Your vote for “%(project)s” is saved. You can change it until the vote "
                      "closes.") % {"project": project.title},
                )  # fmt: skip
        return redirect("judging:vote", event_slug, challenge_slug)
    own_team = team_of(user, track.challenge) if user.is_authenticated else None
    projects = list(
        Project.objects.filter(track=track, team__is_baseline=False)
        .filter(track.judgeable_filter())
        .select_related("team")
        .order_by("title")
    )
    current = (
        Vote.objects.filter(track=track, voter=user).select_related("project").first()
        if user.is_authenticated
        else None
    )
    return render(
        request,
        "judging/vote.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "projects": projects,
            "own_team_id": own_team.pk if own_team else None,
            "current": current,
            "refusal": vote_svc.vote_refusal(track, user),
            "now": timezone.now(),
            "tallies": vote_tallies(track) if can(user, "track.vote_results", track) else None,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def vote_manage(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    if not track.has_vote:
        raise Http404
    now = timezone.now()
    closed = track.vote_is_closed(now)
    ballots = vote_review(track) if closed else []
    return render(
        request,
        "judging/manage/votes.html",
        {
            "track": track,
            "challenge": track.challenge,
            "event": track.event,
            "closed": closed,
            "ballot_count": Vote.objects.filter(track=track).count(),
            "ballots": ballots,
            "suspicious": sum(1 for b in ballots if b.suspicious and not b.vote.is_void),
            "tallies": vote_tallies(track)
            if can(request.user, "track.vote_results", track)
            else None,
            "published": results_published(track.event),
        },
    )


def _back(track):
    return redirect(
        reverse("judging:manage_votes", args=[track.event.slug, track.challenge.slug]) + "#ballots"
    )


@require_POST
def vote_void(request, event_slug, challenge_slug, vote_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    ballot = get_object_or_404(Vote, pk=vote_id, track=track)
    form = VoidForm(request.POST, prefix=f"vote-{ballot.pk}")
    if form.is_valid():
        with service_call(request):
            vote_svc.vote_void(vote=ballot, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Vote voided."))
    else:
        messages.error(request, _("Say why the vote is voided."))
    return _back(track)


@require_POST
def vote_restore(request, event_slug, challenge_slug, vote_id):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    ballot = get_object_or_404(Vote, pk=vote_id, track=track)
    form = VoidForm(request.POST, prefix=f"vote-{ballot.pk}")
    if form.is_valid():
        with service_call(request):
            vote_svc.vote_restore(
                vote=ballot, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Vote counts again."))
    else:
        messages.error(request, _("Say why the vote counts again."))
    return _back(track)


@require_POST
def vote_reviewed(request, event_slug, challenge_slug):
    track = get_track(request, event_slug, challenge_slug, "track.manage")
    with service_call(request):
        vote_svc.vote_mark_reviewed(track=track, actor=request.user)
        messages.success(request, _("The community vote is reviewed; its result can be published."))
    return _back(track)
