"""A judge's score sheet: save as a draft (any scores so far), then submit (every criterion
scored). Beside the scores, a comment for the organisers and feedback for the team (which the
team reads once the results are published). Both transitions are open until the organisers lock the track's judging; saving a
draft of a submitted sheet takes it back to draft, so it stops counting until submitted again.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.inputs import check_model_text
from competitions.permissions import can, require
from competitions.services.audit import log_action

from ..models import CriterionScore, ScoreSheet
from ..selectors.standings import sheet_criteria
from . import JudgingRefused
from .tracks import check_judging_open


def _locked_sheet(sheet: ScoreSheet) -> ScoreSheet:
    """The sheet with its project and track rows locked: a lock of the judging waits for a
    save in progress, and a save after it sees the track locked."""
    return (
        ScoreSheet.objects.select_for_update()
        .select_related("project__track__challenge__event")
        .get(pk=sheet.pk)
    )


def _check_editable(sheet: ScoreSheet, actor) -> None:
    track = sheet.project.track
    if sheet.judge_id != getattr(actor, "pk", None):
        require(actor, "scoresheet.edit", sheet)  # someone else's sheet: refused
    check_judging_open(track)
    if sheet.round == ScoreSheet.Round.SHORTLIST and not track.in_shortlist_round:
        raise JudgingRefused(_("The shortlist round is closed: its scores no longer change."))
    if not can(actor, "scoresheet.edit", sheet):
        raise JudgingRefused(
            _("You can no longer score this project (you declared a conflict with this team, "
              "or you no longer judge this event).")
        )  # fmt: skip


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _clean_scores(sheet: ScoreSheet, scores: dict, *, complete: bool) -> dict:
    """``{criterion_id: value or None}`` checked against each criterion's scale."""
    clean = {}
    missing = []
    track = sheet.project.track
    for criterion in sheet_criteria(track, sheet.round, sheet.panel_id):
        value = scores.get(criterion.pk)
        if value is None or value == "":
            missing.append(criterion.name)
            continue
        number = _whole_number(value)
        if number is None:
            raise JudgingRefused(
                _("Give %(name)s a whole number.") % {"name": criterion.name},
                field=f"criterion_{criterion.pk}",
            )
        if not criterion.scale_min <= number <= criterion.scale_max:
            raise JudgingRefused(
                _("%(name)s is scored from %(low)s to %(high)s.")
                % {"name": criterion.name, "low": criterion.scale_min, "high": criterion.scale_max},
                field=f"criterion_{criterion.pk}",
            )
        clean[criterion.pk] = number
    if complete and missing:
        raise JudgingRefused(
            _("Score every criterion before submitting; missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return clean


def _write(sheet: ScoreSheet, values: dict, comment: str, feedback: str) -> None:
    CriterionScore.objects.filter(sheet=sheet).exclude(criterion_id__in=values).delete()
    for criterion_id, value in values.items():
        CriterionScore.objects.update_or_create(
            sheet=sheet, criterion_id=criterion_id, defaults={"value": value}
        )
    sheet.comment = (comment or "").strip()
    sheet.feedback = (feedback or "").strip()
    check_model_text(sheet, fields=["comment", "feedback"])


@transaction.atomic
def scoresheet_save_draft(
    *, sheet: ScoreSheet, actor, scores: dict, comment: str, feedback: str = ""
) -> ScoreSheet:
    """Keep what the judge has so far; a submitted sheet goes back to draft."""
    sheet = _locked_sheet(sheet)
    _check_editable(sheet, actor)
    values = _clean_scores(sheet, scores, complete=False)
    reopened = sheet.state == ScoreSheet.State.SUBMITTED
    _write(sheet, values, comment, feedback)
    sheet.state = ScoreSheet.State.DRAFT
    sheet.submitted_at = None
    sheet.save()
    if reopened:
        log_action(
            event=sheet.project.track.event,
            actor=actor,
            action="scoresheet.reopen",
            target=sheet,
        )
    return sheet


@transaction.atomic
def scoresheet_submit(
    *, sheet: ScoreSheet, actor, scores: dict, comment: str, feedback: str = ""
) -> ScoreSheet:
    """Every criterion scored: the sheet counts in the standings."""
    sheet = _locked_sheet(sheet)
    _check_editable(sheet, actor)
    values = _clean_scores(sheet, scores, complete=True)
    if not values:
        raise JudgingRefused(_("This track has no criteria yet; the organisers add them."))
    _write(sheet, values, comment, feedback)
    sheet.state = ScoreSheet.State.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save()
    log_action(
        event=sheet.project.track.event,
        actor=actor,
        action="scoresheet.submit",
        target=sheet,
        data={"scores": {str(k): v for k, v in values.items()}},
    )
    return sheet
