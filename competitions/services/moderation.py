"""Organisers hide, disqualify or rescore one submission, always with a reason the team sees."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Submission
from ..permissions import require
from . import ServiceError
from .audit import log_action
from .phases import FINAL_STATES
from .scoring import submission_requeue
from .standings import lock_submission_team, standing_refresh

FLAGS = {
    "hide": {"is_hidden": True},
    "unhide": {"is_hidden": False},
    "disqualify": {"is_disqualified": True},
    "requalify": {"is_disqualified": False},
}


class ModerationRefused(ServiceError):
    pass


@transaction.atomic
def submission_moderate(*, submission: Submission, action: str, reason: str, actor) -> None:
    require(actor, "submission.moderate", submission)
    if not reason.strip():
        raise ModerationRefused(_("Give a reason; the team sees it."), field="reason")
    if action != "rescore" and action not in FLAGS:
        raise ModerationRefused(_("Unknown action."), field="action")
    # The team first, then its submission: the order every standings writer follows.
    team_id = lock_submission_team(submission.pk)
    if action == "rescore":
        if not submission_requeue(submission=submission, from_states=FINAL_STATES):
            raise ModerationRefused(_("This submission is still being scored."))
    else:
        Submission.objects.filter(pk=submission.pk).update(
            moderation_reason=reason, **FLAGS[action]
        )
        standing_refresh(phase_id=submission.phase_id, team_id=team_id)
    log_action(
        event=submission.phase.challenge.event,
        actor=actor,
        action=f"submission.{action}",
        target=submission,
        reason=reason,
    )
