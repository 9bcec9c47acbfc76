"""Whether an event is ready to be published: the checklist shown on its manage page.

``event_publish`` refuses while an item is open, with the same words, so the page and the
service never disagree.
"""

from dataclasses import dataclass, field

from allauth.mfa.utils import is_mfa_enabled
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Challenge, Event, EventRole


@dataclass(frozen=True)
class Check:
    text: str
    ok: bool
    link: str = ""


@dataclass
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


def _challenge_checks(event: Event, challenge: Challenge) -> list[Check]:
    manage = reverse("competitions:manage_challenge", args=[event.slug, challenge.slug])
    phases = list(challenge.phases.all())
    name = challenge.title
    checks = [
        Check(_("“%(challenge)s” has a phase with dates") % {"challenge": name}, bool(phases),
              reverse("competitions:manage_phase_new", args=[event.slug, challenge.slug])),
        Check(_("“%(challenge)s” has data files for participants") % {"challenge": name},
              bool(challenge.data_files.all()), manage),
        Check(_("“%(challenge)s” has rules for participants to accept") % {"challenge": name},
              bool(challenge.rules.strip()),
              reverse("competitions:manage_challenge_edit", args=[event.slug, challenge.slug])),
    ]  # fmt: skip
    for phase in phases:
        checks.append(
            Check(
                _("Phase “%(phase)s” of “%(challenge)s” has a validated ground truth")
                % {"phase": phase.name, "challenge": name},
                bool(phase.truth_file),
                reverse("competitions:manage_phase_truth", args=[phase.pk]),
            )
        )
    return checks


def event_readiness(event: Event) -> Readiness:
    """Every item that must hold before participants see the event."""
    challenges = list(event.challenges.prefetch_related("phases", "data_files"))
    checks = [
        Check(
            _("The event has at least one challenge"),
            bool(challenges),
            reverse("competitions:manage_challenge_new", args=[event.slug]),
        )
    ]
    for challenge in challenges:
        checks.extend(_challenge_checks(event, challenge))
    if event.require_mfa:
        organisers = [
            role.user
            for role in event.roles.filter(role=EventRole.Role.ORGANISER).select_related("user")
        ]
        checks.append(
            Check(
                _("At least one organiser has two-factor authentication on"),
                any(is_mfa_enabled(user) for user in organisers),
                reverse("accounts:profile"),
            )
        )
    return Readiness(checks)
