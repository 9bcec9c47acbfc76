"""Final selection: which submissions a team puts forward for the private leaderboard.

Each team may mark up to ``Challenge.final_selection_limit`` scored submissions per phase; if it
marks none, its best N by public score count (see ``selectors.leaderboards``). Choices lock when
the phase ends, because from then on the private scores may be revealed.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..formatting import local_datetime
from ..models import Submission, Team
from ..permissions import can
from . import ServiceError
from .audit import log_action
from .standings import standing_refresh


class FinalSelectionRefused(ServiceError):
    pass


def submission_set_final(
    *, submission: Submission, user, final: bool, now: dt.datetime | None = None
) -> Submission:
    """Mark (or unmark) a submission as one of its team's final choices for its phase."""
    now = now or timezone.now()
    if not can(user, "submission.select_final", submission):
        raise FinalSelectionRefused(
            _("Only members of %(team)s can choose its final submissions.")
            % {"team": submission.team.name}
        )
    phase = submission.phase
    if now >= phase.ends_at:
        raise FinalSelectionRefused(
            _("%(phase)s ended at %(t)s; final choices can no longer change.")
            % {"phase": phase.name, "t": local_datetime(phase.ends_at)}
        )
    limit = phase.challenge.final_selection_limit
    with transaction.atomic():
        # The team row is the lock every quota-like count of a team takes (see submissions).
        team = Team.objects.select_for_update().filter(pk=submission.team_id).order_by("pk").first()
        submission = Submission.objects.select_for_update().filter(pk=submission.pk).first()
        if team is None or submission is None or submission.team_id != team.pk:
            raise FinalSelectionRefused(
                _("This submission changed team while you chose (a merge). Reload and try again.")
            )
        if submission.is_final == final:
            return submission
        if final:
            _check_can_be_final(submission)
            if limit == 0:
                raise FinalSelectionRefused(
                    _("This challenge does not use final selection: every submission counts.")
                )
            chosen = Submission.objects.filter(team=team, phase=phase, is_final=True).count()
            if chosen >= limit:
                raise FinalSelectionRefused(
                    _(
                        "Your team has already marked %(n)d submissions as final, the limit for "
                        "this phase. Unmark one first."
                    )
                    % {"n": chosen}
                )
        submission.is_final = final
        submission.save(update_fields=["is_final"])
        standing_refresh(phase_id=phase.pk, team_id=team.pk)
        log_action(
            event=phase.challenge.event,
            actor=user,
            action="submission.final" if final else "submission.unfinal",
            target=submission,
            data={"team": team.name, "phase": phase.name},
        )
    return submission


def _check_can_be_final(submission: Submission) -> None:
    if submission.state != Submission.State.SCORED:
        raise FinalSelectionRefused(
            _(
                "Only scored submissions can be final; this one is %(state)s. Wait for its "
                "score, or choose another."
            )
            % {"state": submission.get_state_display().lower()}
        )
    if submission.is_disqualified or submission.is_hidden:
        raise FinalSelectionRefused(
            _(
                "The organisers removed this submission from the leaderboard (%(reason)s), so "
                "it cannot be final. Choose another."
            )
            % {"reason": submission.moderation_reason or _("no reason given")}
        )
