"""One function decides every access: ``can(user, action, obj)``.

Views, the API and templates (``{% can "action" obj as ok %}``) all ask it. It only reads.
"""

from collections.abc import Callable

from django.utils import timezone

from .models import Challenge, Event, EventRole, Membership, Phase, Submission, Team


def _roles(user, event: Event) -> set[str]:
    """The user's roles in an event, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_datajam_roles", {})
    if event.pk not in cache:
        cache[event.pk] = set(
            EventRole.objects.filter(event=event, user=user).values_list("role", flat=True)
        )
    return cache[event.pk]


def is_organiser(user, event: Event) -> bool:
    return user.is_authenticated and (
        user.is_superuser or EventRole.Role.ORGANISER in _roles(user, event)
    )


def is_judge(user, event: Event) -> bool:
    return user.is_authenticated and EventRole.Role.JUDGE in _roles(user, event)


def team_of(user, challenge: Challenge) -> Team | None:
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_datajam_teams", {})
    if challenge.pk not in cache:
        membership = (
            Membership.objects.filter(challenge=challenge, user=user).select_related("team").first()
        )
        cache[challenge.pk] = membership.team if membership else None
    return cache[challenge.pk]


def has_accepted_rules(user, challenge: Challenge) -> bool:
    return user.is_authenticated and challenge.acceptances.filter(user=user).exists()


def _event_visible(user, event: Event) -> bool:
    return event.is_published or is_organiser(user, event) or is_judge(user, event)


def _challenge_download(user, challenge: Challenge) -> bool:
    return is_organiser(user, challenge.event) or has_accepted_rules(user, challenge)


def _submission_view(user, submission: Submission) -> bool:
    event = submission.phase.challenge.event
    if is_organiser(user, event):
        return True
    team = team_of(user, submission.phase.challenge)
    return team is not None and team.pk == submission.team_id


def _private_leaderboard(user, phase: Phase) -> bool:
    event = phase.challenge.event
    if is_organiser(user, event) or is_judge(user, event):
        return True
    return phase.private_revealed_at is not None and phase.private_revealed_at <= timezone.now()


def _team_manage(user, team: Team) -> bool:
    return (
        user.is_authenticated
        and team.memberships.filter(user=user, role=Membership.Role.LEADER).exists()
    )


def _team_member(user, team: Team) -> bool:
    return user.is_authenticated and team.memberships.filter(user=user).exists()


def _submission_select_final(user, submission: Submission) -> bool:
    """Only the team chooses its final submissions; organisers moderate instead."""
    return _team_member(user, submission.team)


RULES: dict[str, Callable] = {
    "event.view": _event_visible,
    "event.manage": is_organiser,
    "event.judge": lambda user, event: is_judge(user, event) or is_organiser(user, event),
    "challenge.view": lambda user, challenge: _event_visible(user, challenge.event),
    "challenge.manage": lambda user, challenge: is_organiser(user, challenge.event),
    "challenge.download": _challenge_download,
    "datafile.download": lambda user, f: _challenge_download(user, f.challenge),
    "phase.manage": lambda user, phase: is_organiser(user, phase.challenge.event),
    "phase.view_private": _private_leaderboard,
    "submission.view": _submission_view,
    "submission.download": _submission_view,
    "submission.moderate": lambda user, s: is_organiser(user, s.phase.challenge.event),
    "submission.select_final": _submission_select_final,
    "team.manage": _team_manage,
    "team.member": _team_member,
    # Any member may share the team: invite by e-mail or pass on the link. Only the leader
    # regenerates the link, disbands, and asks for or accepts merges ("team.manage").
    "team.invite": _team_member,
}


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` on ``obj``; unknown actions are refused loudly."""
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown permission action {action!r}") from None
    if obj is None:
        return False
    return bool(rule(user, obj))


__all__ = [
    "can",
    "has_accepted_rules",
    "is_judge",
    "is_organiser",
    "team_of",
]
