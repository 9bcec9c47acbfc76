from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Team
from ..permissions import has_accepted_rules
from ..services.teams import TeamError, rules_accept, team_create, team_join
from .helpers import get_challenge


def _back(challenge):
    return redirect("competitions:challenge", challenge.event.slug, challenge.slug)


@login_required
@require_POST
def accept_rules(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    if request.POST.get("accept") != "yes":
        messages.error(request, _("Tick the box to accept the rules."))
        return _back(challenge)
    rules_accept(challenge=challenge, user=request.user)
    messages.success(request, _("You accepted the rules. You can now download the data."))
    return _back(challenge)


@login_required
@require_POST
def create_team(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    try:
        team = team_create(
            challenge=challenge, user=request.user, name=request.POST.get("name", "")
        )
    except TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Team %(name)s created. Share its invite link to add members.") % {"name": team.name},
        )
    return _back(challenge)


@login_required
def join_team(request, token):
    team = get_object_or_404(Team.objects.select_related("challenge__event"), invite_token=token)
    challenge = team.challenge
    if request.method == "POST":
        if not has_accepted_rules(request.user, challenge) and request.POST.get("accept") == "yes":
            rules_accept(challenge=challenge, user=request.user)
        try:
            team_join(team=team, user=request.user)
        except TeamError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You joined %(name)s.") % {"name": team.name})
            return _back(challenge)
    return render(
        request,
        "competitions/join_team.html",
        {
            "team": team,
            "challenge": challenge,
            "accepted": has_accepted_rules(request.user, challenge),
        },
    )
