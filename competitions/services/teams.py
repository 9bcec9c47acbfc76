"""Joining a challenge and forming teams."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Challenge, Membership, RulesAcceptance, Team
from . import ServiceError


class TeamError(ServiceError):
    pass


def rules_accept(*, challenge: Challenge, user) -> RulesAcceptance:
    """Record that the user accepted the rules (once; the first time stands)."""
    acceptance, _created = RulesAcceptance.objects.get_or_create(challenge=challenge, user=user)
    return acceptance


def _require_rules(challenge: Challenge, user) -> None:
    if not challenge.acceptances.filter(user=user).exists():
        raise TeamError(_("Accept the challenge rules first."))


def team_create(*, challenge: Challenge, user, name: str, is_baseline: bool = False) -> Team:
    name = name.strip()
    if not name:
        raise TeamError(_("Give your team a name."))
    _require_rules(challenge, user)
    if Membership.objects.filter(challenge=challenge, user=user).exists():
        raise TeamError(_("You are already in a team for this challenge."))
    if Team.objects.filter(challenge=challenge, name__iexact=name).exists():
        raise TeamError(_("A team called “%(name)s” already exists.") % {"name": name})
    try:
        with transaction.atomic():
            team = Team.objects.create(challenge=challenge, name=name, is_baseline=is_baseline)
            Membership.objects.create(
                team=team, user=user, challenge=challenge, role=Membership.Role.LEADER
            )
    except IntegrityError:
        raise TeamError(_("You are already in a team, or that name was just taken.")) from None
    return team


def team_join(*, team: Team, user) -> Membership:
    """Join by the team's invite link."""
    challenge = team.challenge
    _require_rules(challenge, user)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        if Membership.objects.filter(challenge=challenge, user=user).exists():
            raise TeamError(_("You are already in a team for this challenge."))
        if team.memberships.count() >= challenge.max_team_size:
            raise TeamError(
                _("%(team)s is full (at most %(n)d members).")
                % {"team": team.name, "n": challenge.max_team_size}
            )
        try:
            return Membership.objects.create(team=team, user=user, challenge=challenge)
        except IntegrityError:
            raise TeamError(_("You are already in a team for this challenge.")) from None
