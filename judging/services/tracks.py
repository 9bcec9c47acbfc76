"""Tracks (how a challenge ends), their criteria, and locking the judging.

- A track that uses judges needs a hand-in deadline; one that uses the leaderboard needs a
  phase (the challenge's last one unless the organiser picks another).
- A blend states the leaderboard's weight in percent (1–99; 0 or 100 is "judges only" or
  "leaderboard only", so choose those instead).
- Nothing of a track changes once the event's results are published; criteria and scores do
  not change once its judging is locked.
- Adding a criterion reopens the sheets judges had submitted (they lack a score for it), so a
  submitted sheet always has a score for every criterion.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.inputs import check_model_text, check_text
from competitions.models import Challenge
from competitions.permissions import require
from competitions.services.audit import apply_changes, log_action

from ..models import Criterion, CriterionScore, ScoreSheet, Track
from ..permissions import results_published
from . import JudgingRefused

TRACK_FIELDS = (
    "ranking", "leaderboard_weight", "phase", "handin_deadline", "normalise", "assignment",
    "judges_per_project", "require_screening", "feedback_shows_judges", "shortlist",
    "shortlist_judges_per_project", "shortlist_size", "vote_opens_at", "vote_closes_at",
)  # fmt: skip
CRITERION_FIELDS = ("name", "description", "weight", "scale_min", "scale_max", "order", "panel")


def check_not_published(track: Track) -> None:
    if results_published(track.event):
        raise JudgingRefused(_("The results are published: the judging can no longer change."))


def check_judging_open(track: Track) -> None:
    check_not_published(track)
    if track.is_locked:
        raise JudgingRefused(
            _("Judging of this track is locked: criteria and scores can no longer change.")
        )


def _check_track(track: Track) -> None:
    check_model_text(track)
    if track.ranking not in Track.Ranking.values:
        raise JudgingRefused(_("Choose how the final ranking is made."), field="ranking")
    if track.uses_judges and track.handin_deadline is None:
        raise JudgingRefused(
            _("Judges score handed-in projects: set the hand-in deadline."),
            field="handin_deadline",
        )
    if track.phase is not None and track.phase.challenge_id != track.challenge_id:
        raise JudgingRefused(_("Choose a phase of this challenge."), field="phase")
    if track.uses_leaderboard and not track.challenge.phases.exists():
        raise JudgingRefused(
            _(
                "This challenge has no phase, so no leaderboard: add a phase or rank by judges only."
            ),
            field="ranking",
        )
    if track.ranking == Track.Ranking.BLEND and not 1 <= track.leaderboard_weight <= 99:
        raise JudgingRefused(
            _(
                "A blend gives the leaderboard a weight from 1 to 99 %; for 0 or 100 % choose "
                "judges only or leaderboard only."
            ),
            field="leaderboard_weight",
        )
    if track.judges_per_project < 1:
        raise JudgingRefused(
            _("Each project needs at least one judge."), field="judges_per_project"
        )
    if track.shortlist and (track.shortlist_judges_per_project or 0) < 1:
        raise JudgingRefused(
            _("Each project needs at least one judge."), field="shortlist_judges_per_project"
        )
    if (track.vote_opens_at is None) != (track.vote_closes_at is None):
        raise JudgingRefused(
            _("A community vote needs both its opening and its closing time (or neither)."),
            field="vote_closes_at",
        )
    if track.has_vote and track.vote_closes_at <= track.vote_opens_at:
        raise JudgingRefused(
            _("The community vote must close after it opens."), field="vote_closes_at"
        )
    if track.shortlist and (track.shortlist_size or 0) < 1:
        raise JudgingRefused(
            _("At least one project goes on to the final round."), field="shortlist_size"
        )


@transaction.atomic
def track_create(*, challenge: Challenge, actor, data: dict) -> Track:
    require(actor, "challenge.manage", challenge)
    if Track.objects.filter(challenge=challenge).exists():
        raise JudgingRefused(_("This challenge already has its final ranking set up."))
    track = Track(challenge=challenge, **{k: v for k, v in data.items() if k in TRACK_FIELDS})
    _check_track(track)
    track.save()
    log_action(
        event=challenge.event,
        actor=actor,
        action="track.create",
        target=track,
        data={"ranking": track.ranking, "leaderboard_weight": track.leaderboard_weight},
    )
    return track


@transaction.atomic
def track_update(*, track: Track, actor, data: dict) -> Track:
    """Change a track's settings; the audit log keeps each old and new value. A new hand-in
    deadline gets its own 24-hour reminder."""
    require(actor, "track.manage", track)
    track = Track.objects.select_for_update().select_related("challenge__event").get(pk=track.pk)
    check_not_published(track)
    changes = apply_changes(track, {k: v for k, v in data.items() if k in TRACK_FIELDS})
    if not changes:
        return track
    _check_track(track)
    if "shortlist" in changes and ScoreSheet.objects.filter(project__track=track).exists():
        raise JudgingRefused(
            _("Judges have score sheets already: the rounds can no longer change."),
            field="shortlist",
        )
    if track.shortlist_closed_at is not None and (
        "shortlist_size" in changes or "shortlist_judges_per_project" in changes
    ):
        raise JudgingRefused(
            _("The shortlist round is closed: its settings no longer change."),
            field="shortlist_size",
        )
    fields = list(changes)
    if ("vote_opens_at" in changes or "vote_closes_at" in changes) and track.vote_reviewed_at:
        track.vote_reviewed_at = None  # a new window needs a new review
        fields.append("vote_reviewed_at")
    if "handin_deadline" in changes and track.handin_reminder_sent_at is not None:
        track.handin_reminder_sent_at = None
        fields.append("handin_reminder_sent_at")
    track.save(update_fields=fields)
    log_action(
        event=track.event, actor=actor, action="track.edit", target=track, data={"changed": changes}
    )
    return track


def _check_criterion(criterion: Criterion) -> None:
    check_model_text(criterion)
    if not (criterion.name or "").strip():
        raise JudgingRefused(_("Give the criterion a name."), field="name")
    others = Criterion.objects.filter(track=criterion.track, name__iexact=criterion.name.strip())
    if others.exclude(pk=criterion.pk).exists():
        raise JudgingRefused(_("This track already has a criterion of that name."), field="name")
    if criterion.weight is None or Decimal(criterion.weight) <= 0:
        raise JudgingRefused(_("A weight must be above 0."), field="weight")
    if criterion.scale_min is None or criterion.scale_max is None:
        raise JudgingRefused(_("Give the lowest and highest score."), field="scale_max")
    if criterion.scale_max <= criterion.scale_min:
        raise JudgingRefused(
            _("The highest score must be above the lowest (e.g. 1 to 5)."), field="scale_max"
        )
    if criterion.panel is not None and criterion.panel.track_id != criterion.track_id:
        raise JudgingRefused(_("Choose a panel of this track."), field="panel")


@transaction.atomic
def criterion_create(*, track: Track, actor, data: dict) -> Criterion:
    require(actor, "track.manage", track)
    check_judging_open(track)
    criterion = Criterion(track=track, **{k: v for k, v in data.items() if k in CRITERION_FIELDS})
    _check_criterion(criterion)
    criterion.save()
    # Sheets already submitted that score it have no score for it: back to the judges.
    scoring_it = Q(round=ScoreSheet.Round.SHORTLIST) | Q(panel__isnull=True)
    if criterion.panel_id is not None:
        scoring_it |= Q(panel_id=criterion.panel_id)
    reopened = ScoreSheet.objects.filter(
        scoring_it, project__track=track, state=ScoreSheet.State.SUBMITTED
    ).update(state=ScoreSheet.State.DRAFT, submitted_at=None)
    log_action(
        event=track.event,
        actor=actor,
        action="criterion.create",
        target=criterion,
        data={
            "weight": str(criterion.weight),
            "scale": [criterion.scale_min, criterion.scale_max],
            "sheets_reopened": reopened,
        },
    )
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, actor, data: dict) -> Criterion:
    track = criterion.track
    require(actor, "track.manage", track)
    check_judging_open(track)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    changes = apply_changes(criterion, {k: v for k, v in data.items() if k in CRITERION_FIELDS})
    if not changes:
        return criterion
    _check_criterion(criterion)
    if "panel" in changes and criterion.scores.exists():
        raise JudgingRefused(
            _("Judges have scored this criterion, so it stays in its panel."), field="panel"
        )
    outside = CriterionScore.objects.filter(criterion=criterion).exclude(
        value__gte=criterion.scale_min, value__lte=criterion.scale_max
    )
    if outside.exists():
        raise JudgingRefused(
            _(
                "Judges gave scores outside %(low)s–%(high)s for this criterion; keep a scale "
                "that holds them."
            )
            % {"low": criterion.scale_min, "high": criterion.scale_max},
            field="scale_max",
        )
    criterion.save(update_fields=list(changes))
    log_action(
        event=track.event,
        actor=actor,
        action="criterion.edit",
        target=criterion,
        data={"changed": changes},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor) -> None:
    track = criterion.track
    require(actor, "track.manage", track)
    check_judging_open(track)
    if criterion.scores.exists():
        raise JudgingRefused(
            _("Judges have scored “%(name)s”, so it stays; change its weight instead.")
            % {"name": criterion.name}
        )
    log_action(event=track.event, actor=actor, action="criterion.delete", target=criterion)
    criterion.delete()


@transaction.atomic
def track_lock_judging(*, track: Track, actor) -> Track:
    """Judging open → locked: scores, conflicts of judges and projects stop changing; the
    event's judges may read the standings."""
    require(actor, "track.manage", track)
    if Track.objects.get(pk=track.pk).in_shortlist_round:
        raise JudgingRefused(
            _("Close the shortlist round first: the final round decides the standings.")
        )
    updated = Track.objects.filter(pk=track.pk, judging=Track.Judging.OPEN).update(
        judging=Track.Judging.LOCKED, judging_locked_at=timezone.now()
    )
    if not updated:
        raise JudgingRefused(_("Judging of this track is already locked."))
    track.refresh_from_db()
    drafts = ScoreSheet.objects.filter(project__track=track, state=ScoreSheet.State.DRAFT).count()
    log_action(
        event=track.event,
        actor=actor,
        action="judging.lock",
        target=track,
        data={"sheets_not_submitted": drafts},
    )
    return track


@transaction.atomic
def track_unlock_judging(*, track: Track, actor, reason: str = "") -> Track:
    """Judging locked → open again (before publication only), with a reason."""
    require(actor, "track.manage", track)
    check_not_published(track)
    check_text(reason, field="reason", max_length=300, label=_("The reason"))
    if not reason.strip():
        raise JudgingRefused(_("Say why judging opens again."), field="reason")
    updated = Track.objects.filter(pk=track.pk, judging=Track.Judging.LOCKED).update(
        judging=Track.Judging.OPEN, judging_locked_at=None
    )
    if not updated:
        raise JudgingRefused(_("Judging of this track is not locked."))
    track.refresh_from_db()
    log_action(event=track.event, actor=actor, action="judging.unlock", target=track, reason=reason)
    return track
