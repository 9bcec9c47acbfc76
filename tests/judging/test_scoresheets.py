"""Score sheets: draft, submit, scales, the lock, and criteria changing under them."""

import pytest
from django.urls import reverse

from competitions.models import AuditLog
from competitions.services import PermissionRefused
from judging.models import Conflict, ScoreSheet
from judging.services import JudgingRefused
from judging.services.scoresheets import scoresheet_save_draft, scoresheet_submit
from judging.services.tracks import (
    criterion_create,
    criterion_delete,
    criterion_update,
    track_lock_judging,
    track_unlock_judging,
)
from tests.judging.conftest import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(judged):
    return ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)


def values(sheet):
    return dict(sheet.scores.values_list("criterion__name", "value"))


def test_draft_then_submit(judged, sheet):
    scoresheet_save_draft(
        sheet=sheet, actor=judged.judge, scores={judged.impact.pk: 4}, comment="so far"
    )
    sheet.refresh_from_db()
    assert sheet.state == "draft" and values(sheet) == {"Impact": 4}
    assert sheet.comment == "so far"
    with pytest.raises(JudgingRefused, match="missing: Craft"):
        scoresheet_submit(sheet=sheet, actor=judged.judge, scores={judged.impact.pk: 4}, comment="")
    scoresheet_submit(
        sheet=sheet, actor=judged.judge, scores={judged.impact.pk: 4, judged.craft.pk: "7"},
        comment="good",
    )  # fmt: skip
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and sheet.submitted_at is not None
    assert values(sheet) == {"Impact": 4, "Craft": 7}
    assert AuditLog.objects.filter(action="scoresheet.submit").count() == 1


def test_saving_a_draft_of_a_submitted_sheet_reopens_it(judged, sheet):
    scoresheet_submit(
        sheet=sheet,
        actor=judged.judge,
        scores={judged.impact.pk: 4, judged.craft.pk: 7},
        comment="",
    )
    scoresheet_save_draft(
        sheet=sheet, actor=judged.judge, scores={judged.impact.pk: 2, judged.craft.pk: None},
        comment="",
    )  # fmt: skip
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.submitted_at is None
    assert values(sheet) == {"Impact": 2}
    assert AuditLog.objects.filter(action="scoresheet.reopen").count() == 1


@pytest.mark.parametrize("bad", [0, 6, "3.5", "four", 2.5, True])
def test_scores_must_be_whole_numbers_on_the_scale(judged, sheet, bad):
    with pytest.raises(JudgingRefused) as refusal:
        scoresheet_save_draft(
            sheet=sheet, actor=judged.judge, scores={judged.impact.pk: bad}, comment=""
        )
    assert refusal.value.field == f"criterion_{judged.impact.pk}"
    assert not sheet.scores.exists()


def test_only_the_sheets_judge_edits_it(judged, sheet):
    for person in [judged.judge2, judged.organiser, judged.red_people[0]]:
        with pytest.raises(PermissionRefused):
            scoresheet_save_draft(sheet=sheet, actor=person, scores={}, comment="")


def test_a_conflicted_judge_cannot_score(judged, sheet):
    Conflict.objects.create(judge=judged.judge, team=judged.red)
    with pytest.raises(JudgingRefused, match="conflict"):
        scoresheet_save_draft(sheet=sheet, actor=judged.judge, scores={}, comment="")


def test_the_lock_freezes_sheets_and_criteria(judged, sheet):
    track_lock_judging(track=judged.track, actor=judged.organiser)
    judged.track.refresh_from_db()
    with pytest.raises(JudgingRefused, match="locked"):
        scoresheet_submit(
            sheet=sheet, actor=judged.judge, scores={judged.impact.pk: 4, judged.craft.pk: 7},
            comment="",
        )  # fmt: skip
    with pytest.raises(JudgingRefused, match="locked"):
        criterion_create(track=judged.track, actor=judged.organiser, data={"name": "New"})
    with pytest.raises(JudgingRefused, match="already locked"):
        track_lock_judging(track=judged.track, actor=judged.organiser)
    with pytest.raises(JudgingRefused, match="why"):
        track_unlock_judging(track=judged.track, actor=judged.organiser, reason=" ")
    track_unlock_judging(track=judged.track, actor=judged.organiser, reason="a judge was ill")
    judged.track.refresh_from_db()
    scoresheet_submit(
        sheet=sheet,
        actor=judged.judge,
        scores={judged.impact.pk: 4, judged.craft.pk: 7},
        comment="",
    )
    assert AuditLog.objects.get(action="judging.unlock").reason == "a judge was ill"


def test_a_new_criterion_reopens_submitted_sheets(judged, sheet):
    score(sheet, {judged.impact: 4, judged.craft: 7})
    criterion_create(
        track=judged.track, actor=judged.organiser,
        data={"name": "French data", "weight": 1, "scale_min": 0, "scale_max": 3},
    )  # fmt: skip
    sheet.refresh_from_db()
    assert sheet.state == "draft"
    assert AuditLog.objects.get(action="criterion.create").data["sheets_reopened"] == 1


def test_criteria_rules(judged, sheet):
    make = {"name": "impact", "weight": 1, "scale_min": 1, "scale_max": 5}
    with pytest.raises(JudgingRefused, match="already has a criterion"):
        criterion_create(track=judged.track, actor=judged.organiser, data=make)
    with pytest.raises(JudgingRefused, match="above 0"):
        criterion_create(
            track=judged.track, actor=judged.organiser, data={**make, "name": "W", "weight": 0}
        )
    with pytest.raises(JudgingRefused, match="highest score must be above"):
        criterion_create(
            track=judged.track, actor=judged.organiser,
            data={**make, "name": "S", "scale_min": 5, "scale_max": 5},
        )  # fmt: skip
    score(sheet, {judged.impact: 5, judged.craft: 9})
    with pytest.raises(JudgingRefused, match="outside 1–4"):
        criterion_update(criterion=judged.impact, actor=judged.organiser, data={"scale_max": 4})
    criterion_update(criterion=judged.impact, actor=judged.organiser, data={"weight": 3})
    judged.impact.refresh_from_db()
    assert judged.impact.weight == 3
    with pytest.raises(JudgingRefused, match="stays"):
        criterion_delete(criterion=judged.impact, actor=judged.organiser)
    with pytest.raises(PermissionRefused):
        criterion_create(track=judged.track, actor=judged.judge, data={**make, "name": "J"})


def test_the_score_sheet_page(client, judged, sheet):
    client.force_login(judged.judge)
    url = reverse(
        "judging:score_sheet",
        args=[judged.event.slug, judged.challenge.slug, judged.red_project.pk],
    )
    page = client.get(url).content.decode()
    assert "Red app" in page and "Impact" in page
    assert "Public leaderboard: rank 1" in page
    assert "Private leaderboard: rank 1" in page  # judges see the private board at any time
    field = f"criterion_{judged.impact.pk}"
    response = client.post(url, {field: "9", "action": "submit"})
    page = response.content.decode()
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in page
    assert f'id="id_{field}_error"' in page
    response = client.post(
        url, {field: "4", f"criterion_{judged.craft.pk}": "8", "action": "submit", "comment": "ok"}
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "submitted"
    # Another judge has no sheet for it: 404, not the project.
    client.force_login(judged.judge2)
    assert client.get(url).status_code == 404
