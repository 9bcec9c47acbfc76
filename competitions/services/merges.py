"""Team merging, as Kaggle does it.

The leader of one team asks to merge it into another; the other team's leader accepts (or
refuses). On acceptance the requesting team's members and submissions move into the other team
and the requesting team is deleted. Refused, with the reason:

- after the challenge's merger deadline;
- when the two teams together would have more members than ``max_team_size``;
- when, in any phase that has started, the two teams together have made more counted
  submissions than the daily limit × the days the phase has been open (or its total limit), so
  merging never gives a team more attempts than it could have had on its own;
- when either team has a submission the organisers disqualified (that needs their review), or is
  an organisers' baseline entry.

Every rule is checked again at acceptance with both team rows locked, so nothing a member does
in the meantime (submitting, joining) can slip past it.

Apps built on this one keep what belongs to a team through a merge with
``register_merge_hook`` (``judging`` moves the absorbed team's project, or refuses when both
teams handed one in): this module imports none of them.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..inputs import check_text
from ..models import Membership, MergeRequest, QuotaOverride, Submission, Team
from ..permissions import can
from ..selectors.teams import merge_budgets
from .audit import log_action
from .notifications import notify
from .standings import standings_after_merge
from .teams import TeamError, check_merger_deadline, team_page_path


class MergeError(TeamError):
    pass


@dataclass(frozen=True)
class MergeHook:
    """``check(absorbed, target)`` raises ``MergeError`` (with a message for people) when the
    teams cannot merge; ``apply(absorbed, target)`` moves what must survive the absorbed team
    and returns what it did, for the audit log. Both run inside the merge's transaction."""

    name: str
    check: Callable[[Team, Team], None]
    apply: Callable[[Team, Team], dict]


MERGE_HOOKS: list[MergeHook] = []


def register_merge_hook(hook: MergeHook) -> None:
    """From another app's ``AppConfig.ready()``; registering the same name twice is a no-op."""
    if all(existing.name != hook.name for existing in MERGE_HOOKS):
        MERGE_HOOKS.append(hook)


def _leaders(team: Team) -> list:
    return [
        m.user for m in team.memberships.filter(role=Membership.Role.LEADER).select_related("user")
    ]


def _check_merge(*, from_team: Team, to_team: Team, now: dt.datetime) -> None:
    challenge = to_team.challenge
    try:
        check_merger_deadline(challenge=challenge, now=now, joining=False)
    except TeamError as error:
        raise MergeError(str(error)) from None
    for team in (from_team, to_team):
        if team.is_baseline:
            raise MergeError(
                _("%(team)s is the organisers' baseline entry; it cannot merge.")
                % {"team": team.name}
            )
        if Submission.objects.filter(team=team, is_disqualified=True).exists():
            raise MergeError(
                _(
                    "%(team)s has a submission the organisers disqualified, so it cannot merge "
                    "without their review. Contact the organisers."
                )
                % {"team": team.name}
            )
    for hook in MERGE_HOOKS:
        hook.check(from_team, to_team)
    members = Membership.objects.filter(team__in=[from_team, to_team]).count()
    if members > challenge.max_team_size:
        raise MergeError(
            _(
                "Together the teams would have %(n)d members; the limit is %(max)d. A member "
                "who has not submitted could leave first."
            )
            % {"n": members, "max": challenge.max_team_size}
        )
    for budget in merge_budgets(teams=[from_team, to_team], challenge=challenge, now=now):
        if not budget.exceeded:
            continue
        phase = budget.phase
        if phase.total_limit is not None and budget.used > phase.total_limit:
            raise MergeError(
                _(
                    "Together the teams have made %(used)d submissions in %(phase)s, more than "
                    "its total limit of %(total)d. These teams cannot merge."
                )
                % {"used": budget.used, "phase": phase.name, "total": phase.total_limit}
            )
        message = _(
            "Together the teams have made %(used)d submissions in %(phase)s, more than one team "
            "could have made so far (%(limit)d a day × %(days)d days = %(allowed)d)."
        ) % {
            "used": budget.used,
            "phase": phase.name,
            "limit": phase.daily_limit,
            "days": budget.days,
            "allowed": budget.allowed,
        }
        if budget.allowed_tomorrow is None:
            message += " " + _("The phase ends before the allowance grows again.")
        elif budget.allowed_tomorrow >= budget.used:
            message += " " + _("Try again tomorrow (UTC), when the allowance grows.")
        else:
            message += " " + _(
                "The allowance grows by %(limit)d each day (UTC); try again once it covers "
                "both teams' submissions."
            ) % {"limit": phase.daily_limit}
        raise MergeError(message)


def merge_request_create(
    *, from_team: Team, to_team: Team, user, now: dt.datetime | None = None
) -> MergeRequest:
    """The leader of ``from_team`` asks to merge it into ``to_team``."""
    now = now or timezone.now()
    if not can(user, "team.manage", from_team):
        raise MergeError(
            _("Only the leader of %(team)s can ask to merge it into another team.")
            % {"team": from_team.name}
        )
    if from_team.challenge_id != to_team.challenge_id:
        raise MergeError(_("Teams can only merge within the same challenge."))
    if from_team.pk == to_team.pk:
        raise MergeError(_("Choose another team: a team cannot merge with itself."))
    _check_merge(from_team=from_team, to_team=to_team, now=now)
    pending = MergeRequest.objects.filter(state=MergeRequest.State.PENDING)
    if pending.filter(from_team=from_team, to_team=to_team).exists():
        raise MergeError(
            _("You already asked to merge into %(team)s; wait for its leader's answer.")
            % {"team": to_team.name}
        )
    if pending.filter(from_team=to_team, to_team=from_team).exists():
        raise MergeError(
            _(
                "%(team)s has already asked to merge into your team: accept or refuse its "
                "request on your team page."
            )
            % {"team": to_team.name}
        )
    merge_request = MergeRequest.objects.create(
        from_team=from_team, to_team=to_team, requested_by=user
    )
    notify(
        users=_leaders(to_team),
        message=gettext_noop(
            "%(team)s asks to merge into your team %(target)s. Accept or refuse it."
        ),
        params={"team": from_team.name, "target": to_team.name},
        link=team_page_path(to_team),
    )
    return merge_request


def _lock_pair(merge_request: MergeRequest) -> tuple[MergeRequest, Team, Team]:
    """Lock both teams (in id order, so two merges never deadlock) and the request."""
    ids = sorted([merge_request.from_team_id, merge_request.to_team_id])
    teams = {
        t.pk: t
        for t in Team.objects.select_for_update(of=("self",))
        .select_related("challenge__event")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    locked = MergeRequest.objects.select_for_update().filter(pk=merge_request.pk).first()
    if locked is None or len(teams) != 2:
        raise MergeError(
            _("This merge request no longer applies: one of the teams has merged or disbanded.")
        )
    if locked.state != MergeRequest.State.PENDING:
        raise MergeError(
            _("This merge request was already %(state)s.")
            % {"state": locked.get_state_display().lower()}
        )
    return locked, teams[locked.from_team_id], teams[locked.to_team_id]


def _keep_final_choices_within_limit(*, absorbed: Team, target: Team) -> int:
    """Final marks of both teams together may exceed the limit; the target's choices win."""
    cleared = 0
    limit = target.challenge.final_selection_limit
    phase_ids = (
        Submission.objects.filter(team=absorbed, is_final=True)
        .values_list("phase_id", flat=True)
        .distinct()
    )
    for phase_id in phase_ids:
        finals = Submission.objects.filter(team__in=[absorbed, target], phase_id=phase_id)
        if finals.filter(is_final=True).count() > limit:
            cleared += Submission.objects.filter(
                team=absorbed, phase_id=phase_id, is_final=True
            ).update(is_final=False)
    return cleared


def merge_request_accept(
    *, merge_request: MergeRequest, user, now: dt.datetime | None = None
) -> Team:
    """The target team's leader accepts: members and submissions move, the other team goes."""
    now = now or timezone.now()
    if not can(user, "team.manage", merge_request.to_team):
        raise MergeError(
            _("Only the leader of %(team)s can accept a request to merge into it.")
            % {"team": merge_request.to_team.name}
        )
    with transaction.atomic():
        merge_request, absorbed, target = _lock_pair(merge_request)
        _check_merge(from_team=absorbed, to_team=target, now=now)
        absorbed_members = list(absorbed.memberships.select_related("user"))
        target_members = list(target.memberships.select_related("user"))
        finals_cleared = _keep_final_choices_within_limit(absorbed=absorbed, target=target)
        moved_submissions = Submission.objects.filter(team=absorbed).update(team=target)
        # Longest-standing means in this team: people who merge in start counting now.
        absorbed.memberships.update(team=target, role=Membership.Role.MEMBER, joined_at=now)
        kept = {hook.name: hook.apply(absorbed, target) for hook in MERGE_HOOKS}
        overrides = list(
            QuotaOverride.objects.filter(team=absorbed).values(
                "phase_id", "daily_limit", "total_limit", "reason"
            )
        )
        log_action(
            event=target.challenge.event,
            actor=user,
            action="team.merge",
            target=target,
            data={
                "absorbed_team": absorbed.name,
                "absorbed_team_id": absorbed.pk,
                "requested_by": str(merge_request.requested_by),
                "members_moved": [str(m.user) for m in absorbed_members],
                "submissions_moved": moved_submissions,
                "final_marks_cleared": finals_cleared,
                "quota_overrides_dropped": overrides,
                **{name: data for name, data in kept.items() if data},
            },
        )
        standings_after_merge(
            absorbed_id=absorbed.pk, target_id=target.pk, challenge_id=target.challenge_id
        )
        # Deleting the absorbed team also deletes its requests (this one included), its
        # invitations and its quota overrides; the audit entry above keeps the record.
        absorbed_name = absorbed.name
        absorbed.delete()
        notify(
            users=[m.user for m in absorbed_members + target_members],
            message=gettext_noop("%(absorbed)s merged into %(team)s. You are all in %(team)s now."),
            params={"absorbed": absorbed_name, "team": target.name},
            link=team_page_path(target),
        )
    return target


def merge_request_refuse(*, merge_request: MergeRequest, user, note: str = "") -> MergeRequest:
    if not can(user, "team.manage", merge_request.to_team):
        raise MergeError(
            _("Only the leader of %(team)s can refuse a request to merge into it.")
            % {"team": merge_request.to_team.name}
        )
    return _decide(merge_request, user, MergeRequest.State.REFUSED, note)


def merge_request_cancel(*, merge_request: MergeRequest, user) -> MergeRequest:
    if not can(user, "team.manage", merge_request.from_team):
        raise MergeError(
            _("Only the leader of %(team)s can withdraw its merge request.")
            % {"team": merge_request.from_team.name}
        )
    return _decide(merge_request, user, MergeRequest.State.CANCELLED, "")


def _decide(merge_request: MergeRequest, user, state: str, note: str) -> MergeRequest:
    check_text(note, field="note", max_length=300, multiline=True, label=_("The note"))
    with transaction.atomic():
        merge_request, from_team, to_team = _lock_pair(merge_request)
        merge_request.state = state
        merge_request.decided_at = timezone.now()
        merge_request.decision_note = note.strip()
        merge_request.save(update_fields=["state", "decided_at", "decision_note"])
    if state == MergeRequest.State.REFUSED:
        params = {"team": to_team.name, "from": from_team.name}
        message = gettext_noop("%(team)s refused to merge with %(from)s.")
        if merge_request.decision_note:
            message = gettext_noop("%(team)s refused to merge with %(from)s. Their note: %(note)s")
            params["note"] = merge_request.decision_note
        notify(
            users=_leaders(from_team), message=message, params=params,
            link=team_page_path(from_team),
        )  # fmt: skip
    else:
        notify(
            users=_leaders(to_team),
            message=gettext_noop("%(from)s withdrew its request to merge into %(team)s."),
            params={"from": from_team.name, "team": to_team.name},
            link=team_page_path(to_team),
        )
    return merge_request
