"""Reads about teams: their page, pending invitations, merge budgets and final choices."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from ..models import Challenge, MergeRequest, Phase, Submission, Team, TeamInvite
from .quotas import utc_day_bounds

INVITE_VALID_DAYS = 14


def counted_submissions(*, team: Team):
    """Submissions that cost the team quota: the ones that reveal (or will reveal) a score.

    Files that failed validation and platform failures never count, so they neither block
    leaving or disbanding nor weigh on a merge.
    """
    return Submission.objects.filter(team=team, counts_for_quota=True)


def invite_expires_at(invite: TeamInvite) -> dt.datetime:
    return invite.created_at + dt.timedelta(days=INVITE_VALID_DAYS)


def pending_invites(*, team: Team, now: dt.datetime | None = None):
    now = now or timezone.now()
    return team.invites.filter(
        accepted_at__isnull=True,
        created_at__gt=now - dt.timedelta(days=INVITE_VALID_DAYS),
    ).order_by("created_at")


def invites_for_user(*, user, challenge: Challenge, now: dt.datetime | None = None):
    """Open e-mail invitations to any of the user's addresses for teams of this challenge."""
    if not user.is_authenticated:
        return TeamInvite.objects.none()
    now = now or timezone.now()
    addresses = {user.email.lower()} if user.email else set()
    addresses |= {e.lower() for e in user.emailaddress_set.values_list("email", flat=True)}
    if not addresses:
        return TeamInvite.objects.none()
    match = Q()
    for address in addresses:
        match |= Q(email__iexact=address)
    return (
        TeamInvite.objects.filter(
            match,
            team__challenge=challenge,
            accepted_at__isnull=True,
            created_at__gt=now - dt.timedelta(days=INVITE_VALID_DAYS),
        )
        .exclude(team__memberships__user=user)
        .select_related("team", "invited_by")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class PhaseBudget:
    """How many counted submissions teams merging together may already have in a phase.

    As on Kaggle: no more than the daily limit times the number of days the phase has been open
    (counting the current day, days as the quota counts them in UTC), and never above the
    phase's total limit. Otherwise merging would hand a team more attempts than any team could
    have made on its own.
    """

    phase: Phase
    used: int
    days: int
    allowed: int
    # The allowance a day later, or None if the phase is over by then.
    allowed_tomorrow: int | None

    @property
    def exceeded(self) -> bool:
        return self.used > self.allowed


def _allowance(phase: Phase, days: int) -> int:
    allowed = phase.daily_limit * days
    if phase.total_limit is not None:
        allowed = min(allowed, phase.total_limit)
    return allowed


def merge_budgets(
    *, teams: list[Team], challenge: Challenge, now: dt.datetime
) -> list[PhaseBudget]:
    """One budget per phase that has started, for the given teams taken together."""
    budgets = []
    team_ids = [team.pk for team in teams]
    for phase in challenge.phases.filter(starts_at__lte=now):
        last_moment = min(now, phase.ends_at - dt.timedelta(microseconds=1))
        first_day, _ = utc_day_bounds(phase.starts_at)
        last_day, _ = utc_day_bounds(last_moment)
        days = (last_day - first_day).days + 1
        used = Submission.objects.filter(
            team_id__in=team_ids, phase=phase, counts_for_quota=True
        ).count()
        _today, tomorrow = utc_day_bounds(now)
        budgets.append(
            PhaseBudget(
                phase=phase,
                used=used,
                days=days,
                allowed=_allowance(phase, days),
                allowed_tomorrow=_allowance(phase, days + 1) if tomorrow < phase.ends_at else None,
            )
        )
    return budgets


@dataclass(frozen=True)
class FinalSelection:
    chosen: int
    limit: int

    @property
    def left(self) -> int:
        return max(self.limit - self.chosen, 0)


@dataclass(frozen=True)
class TeamOverview:
    team: Team
    members: list
    invites: list
    merges_received: list
    merges_sent: list
    merge_candidates: list
    has_counted_submissions: bool


def team_overview(*, team: Team, now: dt.datetime | None = None) -> TeamOverview:
    """Everything the team page shows, in a handful of queries."""
    now = now or timezone.now()
    pending = MergeRequest.State.PENDING
    return TeamOverview(
        team=team,
        members=list(team.memberships.select_related("user").order_by("joined_at", "pk")),
        invites=list(pending_invites(team=team, now=now).select_related("invited_by")),
        merges_received=list(
            team.merges_received.filter(state=pending).select_related("from_team", "requested_by")
        ),
        merges_sent=list(team.merges_sent.filter(state=pending).select_related("to_team")),
        merge_candidates=list(
            Team.objects.filter(challenge_id=team.challenge_id, is_baseline=False)
            .exclude(pk=team.pk)
            .order_by("name")
        ),
        has_counted_submissions=counted_submissions(team=team).exists(),
    )
