"""Joining a challenge, teams, invitations, merges and final choices: thin views over services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..inputs import is_token
from ..models import MergeRequest, Submission, Team, TeamInvite
from ..permissions import can
from ..selectors.participation import has_accepted_rules, team_of
from ..selectors.teams import invite_expires_at, team_overview
from ..services.final_selection import submission_set_final
from ..services.merges import (
    merge_request_accept,
    merge_request_cancel,
    merge_request_create,
    merge_request_refuse,
)
from ..services.teams import (
    TeamError,
    rules_accept,
    team_create,
    team_disband,
    team_invite_accept,
    team_invite_decline,
    team_invite_link_regenerate,
    team_invite_send,
    team_invite_withdraw,
    team_join,
    team_leave,
)
from .helpers import get_challenge, service_call
from .leaderboards import team_history_context


def _back(challenge):
    return redirect("competitions:challenge", challenge.event.slug, challenge.slug)


def _team_page(team: Team):
    return redirect("competitions:team", team.challenge.event.slug, team.challenge.slug)


def _my_team(request, team_id: int) -> Team:
    """A team the user belongs to; 404 otherwise, so team ids reveal nothing."""
    team = get_object_or_404(Team.objects.select_related("challenge__event"), pk=team_id)
    if not can(request.user, "team.member", team):
        raise Http404
    return team


@login_required
@require_POST
def accept_rules(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    if request.POST.get("accept") != "yes":
        messages.error(request, _("Tick the box to accept the rules."))
        return _back(challenge)
    with service_call(request):
        rules_accept(challenge=challenge, user=request.user)
        messages.success(request, _("You accepted the rules. You can now download the data."))
    return _back(challenge)


@login_required
@require_POST
def create_team(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    with service_call(request):
        team = team_create(
            challenge=challenge, user=request.user, name=request.POST.get("name", "")
        )
        messages.success(
            request,
            _("Team %(name)s created. Share its invite link to add members.") % {"name": team.name},
        )
    return _back(challenge)


def _invite_url(request, team: Team) -> str:
    return request.build_absolute_uri(reverse("competitions:join_team", args=[team.invite_token]))


@login_required
def team_detail(request, event_slug, challenge_slug):
    challenge = get_challenge(request, event_slug, challenge_slug)
    team = team_of(request.user, challenge)
    if team is None:
        messages.info(request, _("You are not in a team for this challenge yet."))
        return _back(challenge)
    return render(
        request,
        "competitions/teams/team.html",
        {
            "challenge": challenge,
            "event": challenge.event,
            "team": team,
            "overview": team_overview(team=team),
            "is_leader": can(request.user, "team.manage", team),
            "invite_url": _invite_url(request, team),
            **team_history_context(request, challenge, team),
        },
    )


@login_required
def join_team(request, token):
    """The team's invite link: accept the rules if needed, then join."""
    if not is_token(token):
        raise Http404
    team = get_object_or_404(Team.objects.select_related("challenge__event"), invite_token=token)
    challenge = team.challenge
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    if request.method == "POST":
        with service_call(request) as call:
            if (
                not has_accepted_rules(request.user, challenge)
                and request.POST.get("accept") == "yes"
            ):
                rules_accept(challenge=challenge, user=request.user)
            team_join(team=team, user=request.user)
        if call.ok:
            messages.success(request, _("You joined %(name)s.") % {"name": team.name})
            return _back(challenge)
    return render(
        request,
        "competitions/join_team.html",
        {
            "team": team,
            "challenge": challenge,
            "accepted": has_accepted_rules(request.user, challenge),
            "current_team": team_of(request.user, challenge),
            "members": team.memberships.count(),
        },
    )


@login_required
def invite_detail(request, token):
    """An e-mail invitation: the invitee accepts (with the rules, if not yet) or declines."""
    if not is_token(token):
        raise Http404
    invite = get_object_or_404(
        TeamInvite.objects.select_related("team__challenge__event", "invited_by"), token=token
    )
    team = invite.team
    challenge = team.challenge
    if not can(request.user, "challenge.view", challenge):
        raise Http404
    if request.method == "POST":
        with service_call(request) as call:
            if request.POST.get("action") == "decline":
                team_invite_decline(invite=invite, user=request.user)
                messages.info(
                    request, _("You declined the invitation to %(team)s.") % {"team": team.name}
                )
                return _back(challenge)
            if not has_accepted_rules(request.user, challenge):
                if request.POST.get("accept") != "yes":
                    raise TeamError(_("Tick the box to accept the challenge rules first."))
                rules_accept(challenge=challenge, user=request.user)
            team_invite_accept(invite=invite, user=request.user)
        if call.ok:
            messages.success(request, _("You joined %(name)s.") % {"name": team.name})
            return _back(challenge)
    return render(
        request,
        "competitions/teams/invite.html",
        {
            "invite": invite,
            "team": team,
            "challenge": challenge,
            "accepted": has_accepted_rules(request.user, challenge),
            "current_team": team_of(request.user, challenge),
            "expires_at": invite_expires_at(invite),
            "members": team.memberships.count(),
        },
    )


@login_required
@require_POST
def invite_send(request, team_id):
    team = _my_team(request, team_id)
    email = request.POST.get("email", "")
    with service_call(request):
        team_invite_send(
            team=team, user=request.user, email=email, site_url=request.build_absolute_uri("/")
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s. It works once and expires in 14 days.")
            % {"email": email.strip()},
        )
    return _team_page(team)


@login_required
@require_POST
def invite_withdraw(request, team_id, invite_id):
    team = _my_team(request, team_id)
    invite = get_object_or_404(TeamInvite, pk=invite_id, team=team)
    with service_call(request):
        team_invite_withdraw(invite=invite, user=request.user)
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invite.email})
    return _team_page(team)


@login_required
@require_POST
def invite_link_regenerate(request, team_id):
    team = _my_team(request, team_id)
    with service_call(request):
        team_invite_link_regenerate(team=team, user=request.user)
        messages.success(request, _("New invite link made; the old one no longer works."))
    return _team_page(team)


@login_required
@require_POST
def leave(request, team_id):
    team = _my_team(request, team_id)
    challenge = team.challenge
    with service_call(request) as call:
        remaining = team_leave(team=team, user=request.user)
    if not call.ok:
        return _team_page(team)
    if remaining is None:
        messages.success(
            request,
            _("You left %(team)s. It had no other members, so it was deleted.")
            % {"team": team.name},
        )
    else:
        messages.success(request, _("You left %(team)s.") % {"team": team.name})
    return _back(challenge)


@login_required
@require_POST
def disband(request, team_id):
    team = _my_team(request, team_id)
    with service_call(request) as call:
        team_disband(team=team, user=request.user)
    if not call.ok:
        return _team_page(team)
    messages.success(request, _("%(team)s was disbanded.") % {"team": team.name})
    return _back(team.challenge)


@login_required
@require_POST
def merge_request(request, team_id):
    team = _my_team(request, team_id)
    target_id = request.POST.get("to_team", "")
    target = None
    if target_id.isascii() and target_id.isdigit() and len(target_id) < 19:
        target = Team.objects.filter(pk=int(target_id), challenge=team.challenge).first()
    if target is None:
        messages.error(request, _("Choose the team you want to merge into."))
        return _team_page(team)
    with service_call(request):
        merge_request_create(from_team=team, to_team=target, user=request.user)
        messages.success(
            request,
            _("Merge request sent to %(team)s. Its leader decides.") % {"team": target.name},
        )
    return _team_page(team)


def _merge_for(request, merge_id) -> MergeRequest:
    """A merge request one of whose teams the user belongs to; 404 otherwise."""
    merge = get_object_or_404(
        MergeRequest.objects.select_related("from_team__challenge__event", "to_team"),
        pk=merge_id,
    )
    if not (
        can(request.user, "team.member", merge.from_team)
        or can(request.user, "team.member", merge.to_team)
    ):
        raise Http404
    return merge


@login_required
@require_POST
def merge_decide(request, merge_id, decision):
    merge = _merge_for(request, merge_id)
    challenge = merge.from_team.challenge
    back = redirect("competitions:team", challenge.event.slug, challenge.slug)
    with service_call(request):
        if decision == "accept":
            team = merge_request_accept(merge_request=merge, user=request.user)
            messages.success(
                request,
                _("%(absorbed)s merged into %(team)s.")
                % {"absorbed": merge.from_team.name, "team": team.name},
            )
        elif decision == "refuse":
            merge_request_refuse(
                merge_request=merge, user=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Merge request refused."))
        else:
            merge_request_cancel(merge_request=merge, user=request.user)
            messages.success(request, _("Merge request withdrawn."))
    return back


@login_required
@require_POST
def submission_final(request, submission_id):
    submission = get_object_or_404(
        Submission.objects.select_related("phase__challenge__event", "team"), pk=submission_id
    )
    # Not your team's submission: the same 404 as a missing one.
    if not can(request.user, "submission.view", submission):
        raise Http404
    final = request.POST.get("final") == "yes"
    with service_call(request):
        submission_set_final(submission=submission, user=request.user, final=final)
        if final:
            messages.success(
                request,
                _("%(name)s is now one of your final submissions.")
                % {"name": submission.original_name},
            )
        else:
            messages.success(
                request,
                _("%(name)s is no longer a final submission.") % {"name": submission.original_name},
            )
    return _back(submission.phase.challenge)
