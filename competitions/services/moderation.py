"""Organisers hide, disqualify or rescore one submission, always with a reason the team sees."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .. import page_cache
from ..inputs import check_text
from ..models import Membership, Submission
from ..permissions import require
from . import ServiceError
from .audit import log_action
from .notifications import notify
from .phases import FINAL_STATES
from .scoring import submission_requeue
from .standings import lock_submission_team, standing_refresh

# What the team is told, in each member's language (notification and e-mail).
TEAM_MESSAGES = {
    "hide": gettext_noop(
        "The organisers hid your submission %(file)s from the leaderboard. Reason: %(reason)s"
    ),
    "unhide": gettext_noop(
        "The organisers showed your submission %(file)s on the leaderboard again. "
        "Reason: %(reason)s"
    ),
    "disqualify": gettext_noop(
        "The organisers disqualified your submission %(file)s: it no longer counts on the "
        "leaderboard. Reason: %(reason)s"
    ),
    "requalify": gettext_noop(
        "The organisers lifted the disqualification of your submission %(file)s. Reason: %(reason)s"
    ),
    "rescore": gettext_noop(
        "The organisers are scoring your submission %(file)s again. Reason: %(reason)s"
    ),
}
SUBJECT = gettext_noop("Your submission %(file)s was moderated")

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
    check_text(reason, field="reason", max_length=300, label=_("The reason"))
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
        page_cache.submission_changed(submission.pk, submission.team_id)
        standing_refresh(phase_id=submission.phase_id, team_id=team_id)
    log_action(
        event=submission.phase.challenge.event,
        actor=actor,
        action=f"submission.{action}",
        target=submission,
        reason=reason,
    )
    members = [m.user for m in Membership.objects.filter(team_id=team_id).select_related("user")]
    notify(
        users=members,
        message=TEAM_MESSAGES[action],
        params={"file": submission.original_name, "reason": reason},
        link=reverse("competitions:submission", args=[submission.pk]),
        email_subject=SUBJECT if action in ("hide", "disqualify") else None,
    )
