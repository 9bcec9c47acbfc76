"""One function decides every access: ``can(user, action, obj)``.

Views, services, the API and templates (``{% can "action" obj as ok %}``) all ask it; services
call ``require`` so no caller can skip a rule. A check only reads. The actions and who gets
them are listed in ``competitions/README.md`` and checked for every role by
``tests/competitions/test_permissions.py``, which is built from ``RULES`` itself. Other apps
add their actions with ``register_rules`` (``judging`` does, in ``JudgingConfig.ready``).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import page_cache
from .errors import PermissionRefused, TwoFactorRequired
from .models import Challenge, Event, EventRole, Membership, Phase, Submission, Team
from .selectors.participation import has_accepted_rules, team_of


def _roles(user, event: Event) -> set[str]:
    """The user's roles in an event, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_datajam_roles", {})
    if event.pk not in cache:
        cache[event.pk] = _stored_roles(user.pk, event.pk)
    return cache[event.pk]


def _stored_roles(user_id: int, event_id: int) -> set[str]:
    """From the shared cache, under the event's content version: every role granted or taken
    away (by any path: ``signals``) renews it, so a kept answer is never an old one."""
    key = f"roles:{event_id}:{user_id}:{page_cache.content_version(event_id)}"
    roles = shared_cache.get(key)
    if roles is None:
        roles = list(
            EventRole.objects.filter(event_id=event_id, user_id=user_id).values_list(
                "role", flat=True
            )
        )
        shared_cache.set(key, roles, settings.PAGE_CACHE_SECONDS or 1)
    return set(roles)


def _organiser(user, event: Event) -> bool:
    return user.is_authenticated and (
        user.is_superuser or EventRole.Role.ORGANISER in _roles(user, event)
    )


def _judge(user, event: Event) -> bool:
    return user.is_authenticated and EventRole.Role.JUDGE in _roles(user, event)


def _event_create(user, _obj=None) -> bool:
    if not user.is_authenticated:
        return False
    return settings.DATAJAM_EVENT_CREATORS == "anyone" or user.is_staff or user.is_superuser


def _event_view(user, event: Event) -> bool:
    return event.is_published or _organiser(user, event) or _judge(user, event)


def _event_staff(user, event: Event) -> bool:
    """Organisers and judges: both leaderboards at any time."""
    return _organiser(user, event) or _judge(user, event)


def _staff_reads(user, event: Event, *, organisers_only: bool = False) -> bool:
    """Organisers (or, unless ``organisers_only``, judges) reading what only they see: scores
    and submissions of other teams, the private board before its reveal. Under the event's
    two-factor requirement, only once they have set it up: every read, page or API, asks this
    rule, so none of them leaks what ``require_two_factor`` guards on the actions."""
    staff = _organiser(user, event) if organisers_only else _event_staff(user, event)
    return staff and not (event.require_mfa and not has_two_factor(user))


def _challenge_participate(user, challenge: Challenge) -> bool:
    """Accept the rules, form or join a team, submit. Judges never compete where they judge."""
    event = challenge.event
    return user.is_authenticated and _event_view(user, event) and not _judge(user, event)


def _challenge_download(user, challenge: Challenge) -> bool:
    event = challenge.event
    if not _event_view(user, event):
        return False
    return _event_staff(user, event) or has_accepted_rules(user, challenge)


def _own_team(user, submission: Submission) -> bool:
    team = team_of(user, submission.phase.challenge)
    return team is not None and team.pk == submission.team_id


def _submission_view(user, submission: Submission) -> bool:
    return _staff_reads(user, submission.phase.challenge.event, organisers_only=True) or _own_team(
        user, submission
    )


def _private_revealed(phase: Phase) -> bool:
    return phase.private_revealed_at is not None and phase.private_revealed_at <= timezone.now()


def _phase_view_private(user, phase: Phase) -> bool:
    event = phase.challenge.event
    return _event_view(user, event) and (_staff_reads(user, event) or _private_revealed(phase))


def _ladder_on(phase: Phase) -> bool:
    return phase.ladder != Phase.Ladder.OFF


def _phase_view_raw_scores(user, phase: Phase) -> bool:
    """Raw public scores: everyone who sees the board without a Ladder; under the Ladder only
    organisers and judges (participants see released values, on every page and export)."""
    event = phase.challenge.event
    if not _event_view(user, event):
        return False
    return not _ladder_on(phase) or _staff_reads(user, event)


def _submission_view_raw_score(user, submission: Submission) -> bool:
    """A submission's own public score and metrics: its team sees them unless its phase uses
    the Ladder (then the released value only); organisers always."""
    if _staff_reads(user, submission.phase.challenge.event, organisers_only=True):
        return True
    return _own_team(user, submission) and not _ladder_on(submission.phase)


def _submission_view_private_score(user, submission: Submission) -> bool:
    if _staff_reads(user, submission.phase.challenge.event, organisers_only=True):
        return True
    return _own_team(user, submission) and _private_revealed(submission.phase)


def _team_member(user, team: Team) -> bool:
    return user.is_authenticated and team.memberships.filter(user=user).exists()


def _team_leader(user, team: Team) -> bool:
    return (
        user.is_authenticated
        and team.memberships.filter(user=user, role=Membership.Role.LEADER).exists()
    )


def _challenge_organiser(user, challenge: Challenge) -> bool:
    return _organiser(user, challenge.event)


def _phase_organiser(user, phase: Phase) -> bool:
    return _organiser(user, phase.challenge.event)


def _submission_organiser(user, submission: Submission) -> bool:
    return _organiser(user, submission.phase.challenge.event)


# Actions whose object may be None (they are about the site, not one thing).
OBJECTLESS = {"event.create"}

RULES: dict[str, Callable] = {
    "event.create": _event_create,
    "event.view": _event_view,
    "event.manage": _organiser,
    # Organisers and judges: the private leaderboard before it is revealed.
    "event.judge": _event_staff,
    "challenge.view": lambda user, challenge: _event_view(user, challenge.event),
    "challenge.manage": _challenge_organiser,
    "challenge.participate": _challenge_participate,
    "challenge.download": _challenge_download,
    "phase.manage": _phase_organiser,
    "phase.view_private": _phase_view_private,
    # Under the Ladder, raw public scores are for organisers and judges only.
    "phase.view_raw_scores": _phase_view_raw_scores,
    "submission.view": _submission_view,
    "submission.download": _submission_view,
    "submission.view_private_score": _submission_view_private_score,
    "submission.view_raw_score": _submission_view_raw_score,
    "submission.moderate": _submission_organiser,
    # Only the team chooses its final submissions; organisers moderate instead.
    "submission.select_final": _own_team,
    # Any member may share the team (invite by e-mail, pass on the link) or leave it. Only the
    # leader regenerates the link, disbands, and asks for or accepts merges.
    "team.member": _team_member,
    "team.manage": _team_leader,
}


# Actions only an event's organisers or judges are given: under the event's "require
# two-factor authentication" setting, ``require`` refuses them to anyone who has not set it up.
STAFF_ACTIONS = {
    "event.manage", "event.judge", "challenge.manage", "phase.manage", "submission.moderate",
}  # fmt: skip


def register_rules(
    rules: dict[str, Callable],
    *,
    objectless: set[str] | None = None,
    staff: set[str] | None = None,
) -> None:
    """Let another app (``judging``) add its actions to the one permission function, from its
    ``AppConfig.ready()``: this module imports no app that builds on it, so no import cycle.
    ``staff``: its actions for organisers and judges only (see ``STAFF_ACTIONS``)."""
    clashes = {action for action, rule in rules.items() if RULES.get(action, rule) is not rule}
    if clashes:
        raise ValueError(f"permission actions registered twice: {sorted(clashes)}")
    RULES.update(rules)
    OBJECTLESS.update(objectless or ())
    STAFF_ACTIONS.update(staff or ())


def has_two_factor(user) -> bool:
    """Whether the person has an authenticator app set up (asked afresh: it changes while a
    user object lives, and only events that require it ask)."""
    if not user.is_authenticated:
        return False
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def event_of(obj) -> Event | None:
    """The event an object belongs to (an event, challenge, phase, submission, track, ...)."""
    paths = ("", "event", "challenge.event", "phase.challenge.event", "track.challenge.event",
             "project.track.challenge.event")  # fmt: skip
    for path in paths:
        target = obj
        for name in path.split(".") if path else ():
            target = getattr(target, name, None)
        if isinstance(target, Event):
            return target
    return None


def two_factor_missing(user, event: Event | None) -> bool:
    """The event asks its organisers and judges for two-factor authentication, the person is
    one of them, and has not set it up."""
    return (
        event is not None
        and event.require_mfa
        and (_organiser(user, event) or _judge(user, event))
        and not has_two_factor(user)
    )


def require_two_factor(user, action: str, obj) -> None:
    """Refuse an organiser's or judge's action on an event that requires two-factor
    authentication to someone who has not set it up (``TwoFactorRequired``)."""
    if action in STAFF_ACTIONS:
        event = event_of(obj)
        if two_factor_missing(user, event):
            raise TwoFactorRequired(
                _(
                    "%(event)s asks its organisers and judges to use two-factor "
                    "authentication. Set it up on your profile page, then try again."
                )
                % {"event": event.name},
                event=event,
            )


# For the rules of other apps: the same questions this module asks.
is_organiser = _organiser
is_judge = _judge
may_view_event = _event_view


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` on ``obj``; unknown actions are refused loudly."""
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown permission action {action!r}") from None
    if obj is None and action not in OBJECTLESS:
        return False
    return bool(rule(user, obj))


def require(user, action: str, obj=None) -> None:
    """For services: refuse with ``PermissionRefused`` unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionRefused(_("You are not allowed to do this."))
    require_two_factor(user, action, obj)


__all__ = [
    "OBJECTLESS",
    "RULES",
    "STAFF_ACTIONS",
    "can",
    "event_of",
    "has_two_factor",
    "is_judge",
    "is_organiser",
    "may_view_event",
    "register_rules",
    "require",
    "require_two_factor",
    "two_factor_missing",
]
