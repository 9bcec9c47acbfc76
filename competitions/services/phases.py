"""Phases of a challenge: dates and limits, the hidden truth, rescoring, the private reveal,
and per-team limits. Every change is audit-logged with its old and new values."""

import os
import tempfile

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

import scoring

from ..inputs import check_model_text, check_text
from ..models import Challenge, Membership, Phase, QuotaOverride, Submission, Team
from ..permissions import require
from ..selectors.leaderboards import private_and_public_ranks
from . import ServiceError
from .audit import apply_changes, log_action
from .notifications import notify
from .scoring import submission_requeue
from .standings import lock_challenge_teams, standings_rebuild

PHASE_FIELDS = (
    "name", "order", "starts_at", "ends_at", "daily_limit", "total_limit", "failed_daily_limit",
    "time_limit_seconds", "ladder", "ladder_step",
)  # fmt: skip
# Settings the standings are computed with: changing one derives the phase's rows again.
LADDER_FIELDS = ("ladder", "ladder_step")
FINAL_STATES = (Submission.State.SCORED, Submission.State.FAILED)


class PhaseRefused(ServiceError):
    pass


class TruthRefused(PhaseRefused):
    pass


def _check_phase(phase: Phase) -> None:
    check_model_text(phase)
    if not (phase.name or "").strip():
        raise PhaseRefused(_("Give the phase a name."), field="name")
    if phase.starts_at is None or phase.ends_at is None:
        raise PhaseRefused(_("A phase needs a start and an end."), field="starts_at")
    if phase.ends_at <= phase.starts_at:
        raise PhaseRefused(_("The phase must end after it starts."), field="ends_at")
    if phase.time_limit_seconds is not None and phase.time_limit_seconds < 1:
        raise PhaseRefused(
            _("The time limit must be at least one second."), field="time_limit_seconds"
        )
    _check_ladder(phase)


def _check_ladder(phase: Phase) -> None:
    if phase.ladder not in Phase.Ladder.values:
        raise PhaseRefused(_("Choose one of the Ladder settings offered."), field="ladder")
    if phase.ladder == Phase.Ladder.FIXED:
        if phase.ladder_step is None or not phase.ladder_step > 0:
            raise PhaseRefused(
                _(
                    "With a fixed step, give the step: the least gain on the public score that "
                    "is shown, e.g. 0.01."
                ),
                field="ladder_step",
            )
        if phase.ladder_step >= 1e6:
            raise PhaseRefused(_("This step is too large to be useful."), field="ladder_step")
    elif phase.ladder == Phase.Ladder.AUTO:
        if not phase.challenge.higher_is_better:
            raise PhaseRefused(
                _(
                    "The parameter-free Ladder needs a score between 0 and 1 (higher is "
                    "better); %(metric)s is not. Choose a fixed step instead."
                )
                % {"metric": phase.challenge.metric_label(phase.challenge.primary_metric)},
                field="ladder",
            )
    if phase.ladder != Phase.Ladder.FIXED:
        phase.ladder_step = None


@transaction.atomic
def phase_create(*, challenge: Challenge, actor, data: dict) -> Phase:
    require(actor, "challenge.manage", challenge)
    phase = Phase(challenge=challenge, **{k: v for k, v in data.items() if k in PHASE_FIELDS})
    _check_phase(phase)
    phase.save()
    log_action(event=challenge.event, actor=actor, action="phase.create", target=phase)
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, actor, data: dict) -> Phase:
    """Change a phase's dates and limits; the audit log keeps each old and new value."""
    require(actor, "phase.manage", phase)
    phase = (
        Phase.objects.select_for_update(no_key=True)
        .select_related("challenge__event")
        .get(pk=phase.pk)
    )
    changes = apply_changes(phase, {k: v for k, v in data.items() if k in PHASE_FIELDS})
    if not changes:
        return phase
    _check_phase(phase)
    phase.save(update_fields=list({*changes, *LADDER_FIELDS}))
    if any(name in changes for name in LADDER_FIELDS):
        standings_rebuild(phase=phase)
    log_action(
        event=phase.challenge.event, actor=actor, action="phase.edit", target=phase,
        data={"changed": changes},
    )  # fmt: skip
    return phase


def phase_set_truth(*, phase: Phase, uploaded: File, actor) -> dict:
    """Validate and store a phase's ground truth; returns its summary.

    The previous truth (if any) is kept until the new one has passed validation, and the phase's
    ``truth_version`` goes up so submissions scored against the old truth can be found.
    """
    require(actor, "phase.manage", phase)
    suffix = ".csv.gz" if (uploaded.name or "").lower().endswith(".gz") else ".csv"
    fd, tmp = tempfile.mkstemp(prefix="truth-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(uploaded, "seek"):
                uploaded.seek(0)
            for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
                out.write(chunk)
        try:
            summary = scoring.validate_truth(phase.challenge.task, tmp)
        except scoring.InvalidTruth as error:
            raise TruthRefused(
                _("The ground truth was not accepted: %(error)s") % {"error": error},
                field="file",  # the uploaded file: the form marks that field invalid
            ) from None
        with transaction.atomic():
            phase = Phase.objects.select_for_update(no_key=True).get(pk=phase.pk)
            old_name = phase.truth_file.name if phase.truth_file else ""
            with open(tmp, "rb") as handle:
                phase.truth_file.save(os.path.basename(tmp), File(handle), save=False)
            phase.truth_summary = summary
            phase.truth_version += 1
            phase.save(update_fields=["truth_file", "truth_summary", "truth_version"])
            log_action(
                event=phase.challenge.event,
                actor=actor,
                action="truth.replace" if old_name else "truth.upload",
                target=phase,
                data={"summary": summary, "version": phase.truth_version},
            )
            if phase.ladder == Phase.Ladder.AUTO:
                # The parameter-free step depends on the size of the public part.
                standings_rebuild(phase=phase)
            if old_name:
                storage = phase.truth_file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
        return summary
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@transaction.atomic
def phase_rescore(*, phase: Phase, actor, reason: str = "") -> int:
    """Queue every finished submission of the phase again (after the truth was replaced)."""
    require(actor, "phase.manage", phase)
    check_text(reason, field="reason", max_length=300, label=_("The reason"))
    lock_challenge_teams(phase.challenge_id)
    count = 0
    for submission in phase.submissions.filter(state__in=FINAL_STATES).only(
        "pk", "task_id", "phase_id"
    ):
        count += submission_requeue(
            submission=submission, from_states=FINAL_STATES, refresh_standings=False
        )
    # Every scored submission left the board until its new result: one rebuild for them all.
    standings_rebuild(phase=phase)
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="phase.rescore",
        target=phase,
        reason=reason,
        data={"submissions": count, "truth_version": phase.truth_version},
    )
    return count


@transaction.atomic
def phase_reveal_private(*, phase: Phase, actor, reveal: bool = True) -> Phase:
    """Show (or hide again) the private leaderboard; a reveal tells every team its rank."""
    require(actor, "phase.manage", phase)
    phase.private_revealed_at = timezone.now() if reveal else None
    phase.save(update_fields=["private_revealed_at"])
    notified = phase_notify_private_ranks(phase=phase) if reveal else 0
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="phase.reveal_private" if reveal else "phase.hide_private",
        target=phase,
        data={"teams_notified": notified} if reveal else {},
    )
    return phase


RANK_MESSAGE = gettext_noop(
    "The private leaderboard of %(challenge)s · %(phase)s is out: %(team)s is ranked "
    "%(rank)s of %(ranked)s (%(public_rank)s on the public board)."
)
RANK_MESSAGE_NEW = gettext_noop(
    "The private leaderboard of %(challenge)s · %(phase)s is out: %(team)s is ranked "
    "%(rank)s of %(ranked)s (it had no public rank)."
)


def phase_notify_private_ranks(*, phase: Phase) -> int:
    """Tell every member of every ranked team its private rank and its public one; returns
    the number of teams told. Baselines and teams without a private score are not ranked."""
    ranks = private_and_public_ranks(phase)
    ranked = sum(1 for private, _public in ranks.values() if private is not None)
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(team_id__in=list(ranks)).select_related(
        "user", "team"
    ):
        members.setdefault(membership.team_id, []).append(membership)
    challenge = phase.challenge
    link = reverse("competitions:leaderboard", args=[challenge.event.slug, challenge.slug])
    link += f"?phase={phase.pk}&board=private"
    told = 0
    for team_id, (private, public) in sorted(ranks.items()):
        if private is None or team_id not in members:
            continue
        params = {
            "challenge": challenge.title,
            "phase": phase.name,
            "team": members[team_id][0].team.name,
            "rank": private,
            "ranked": ranked,
        }
        if public is not None:
            params["public_rank"] = public
        notify(
            users=[m.user for m in members[team_id]],
            message=RANK_MESSAGE if public is not None else RANK_MESSAGE_NEW,
            params=params,
            link=link,
        )
        told += 1
    return told


@transaction.atomic
def quota_override_set(
    *, team: Team, phase: Phase, daily_limit, total_limit, reason: str, actor
) -> QuotaOverride:
    require(actor, "phase.manage", phase)
    if team.challenge_id != phase.challenge_id:
        raise PhaseRefused(_("This team is not in this phase's challenge."))
    if not reason.strip():
        raise PhaseRefused(_("Give a reason for the change."), field="reason")
    override, _created = QuotaOverride.objects.update_or_create(
        team=team,
        phase=phase,
        defaults={
            "daily_limit": daily_limit,
            "total_limit": total_limit,
            "reason": reason,
            "created_by": actor,
        },
    )
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="quota.override",
        target=team,
        reason=reason,
        data={"phase": phase.name, "daily_limit": daily_limit, "total_limit": total_limit},
    )
    return override
