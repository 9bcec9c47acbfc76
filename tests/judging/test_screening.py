"""Screening: organisers mark each project eligible or not (with a reason, audit-logged), the
team reads the decision, and judges only ever see eligible projects."""

import pytest
from django.urls import reverse

from competitions.models import AuditLog, Notification
from competitions.selectors.notifications import notification_text
from competitions.services import PermissionRefused
from judging.models import Project, ScoreSheet
from judging.selectors.judging import judge_sheets
from judging.selectors.standings import track_standings
from judging.services import JudgingRefused
from judging.services.assignments import assignments_make
from judging.services.screening import project_screen
from judging.services.tracks import track_lock_judging
from tests.judging.conftest import score

pytestmark = pytest.mark.django_db


def test_not_eligible_needs_a_reason_and_is_audit_logged(
    judged, django_capture_on_commit_callbacks
):
    project = judged.red_project
    with pytest.raises(JudgingRefused, match="Say why") as refusal:
        project_screen(project=project, actor=judged.organiser, eligible=False, reason="  ")
    assert refusal.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        project_screen(
            project=project, actor=judged.organiser, eligible=False, reason="Empty repository"
        )
    project.refresh_from_db()
    assert project.eligibility == Project.Eligibility.INELIGIBLE
    assert project.eligibility_reason == "Empty repository"
    assert project.screened_by == judged.organiser
    entry = AuditLog.objects.get(action="project.screen")
    assert entry.reason == "Empty repository"
    assert entry.data == {"team": "Red", "previous": "pending", "decision": "ineligible"}
    for person in judged.red_people:
        note = Notification.objects.get(user=person)
        assert "not eligible" in notification_text(note)
        assert "Empty repository" in notification_text(note)
    assert not Notification.objects.filter(user__in=judged.blue_people).exists()


def test_only_organisers_screen_and_only_while_judging_is_open(judged):
    for person in [judged.judge, judged.red_people[0]]:
        with pytest.raises(PermissionRefused):
            project_screen(project=judged.red_project, actor=person, eligible=True)
    track_lock_judging(track=judged.track, actor=judged.organiser)
    with pytest.raises(JudgingRefused, match="locked"):
        project_screen(project=judged.red_project, actor=judged.organiser, eligible=True)


def test_judges_never_see_an_ineligible_project(judged):
    red_sheet = ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)
    score(red_sheet, {judged.impact: 5, judged.craft: 10})
    blue_sheet = ScoreSheet.objects.create(project=judged.blue_project, judge=judged.judge)
    score(blue_sheet, {judged.impact: 1, judged.craft: 1})
    project_screen(
        project=judged.red_project, actor=judged.organiser, eligible=False, reason="Plagiarised"
    )
    assert [s.project for s in judge_sheets(judged.track, judged.judge)] == [judged.blue_project]
    rows = {r.team_name: r for r in track_standings(judged.track).rows}
    assert rows["Red"].judges_count == 0 and rows["Red"].judges_score is None
    assert rows["Blue"].judges_count == 1
    # Taking the decision back restores the kept sheet.
    project_screen(project=judged.red_project, actor=judged.organiser, eligible=True)
    rows = {r.team_name: r for r in track_standings(judged.track).rows}
    assert rows["Red"].judges_count == 1


def test_assignment_takes_only_judgeable_projects(judged):
    judged.track.require_screening = True
    judged.track.save()
    with pytest.raises(JudgingRefused, match="screen the hand-ins first"):
        assignments_make(track=judged.track, actor=judged.organiser)
    project_screen(project=judged.blue_project, actor=judged.organiser, eligible=True)
    report = assignments_make(track=judged.track, actor=judged.organiser)
    assert report.created == 2
    assert set(ScoreSheet.objects.values_list("project_id", flat=True)) == {judged.blue_project.pk}


def test_screening_pages(client, judged):
    slug, c = judged.event.slug, judged.challenge.slug
    url = reverse("judging:manage_screen", args=[slug, c, judged.red_project.pk])
    prefix = f"screen-{judged.red_project.pk}"
    client.force_login(judged.judge)
    assert client.post(url, {f"{prefix}-decision": "eligible"}).status_code == 403
    client.force_login(judged.organiser)
    response = client.post(url, {f"{prefix}-decision": "ineligible"}, follow=True)
    assert "Say why the project is not eligible" in response.content.decode()
    judged.red_project.refresh_from_db()
    assert judged.red_project.eligibility == Project.Eligibility.PENDING  # nothing saved
    response = client.post(
        url, {f"{prefix}-decision": "nonsense", f"{prefix}-reason": "x"}, follow=True
    )
    assert "Choose eligible or not eligible" in response.content.decode()
    client.post(url, {f"{prefix}-decision": "ineligible", f"{prefix}-reason": "Off topic"})
    page = client.get(reverse("judging:manage_track", args=[slug, c])).content.decode()
    assert "Off topic" in page
    # The team reads the decision and its reason; the other team and the judges do not.
    client.force_login(judged.red_people[1])
    page = client.get(reverse("judging:project", args=[slug, c])).content.decode()
    assert 'id="screening"' in page and "Reason: Off topic" in page
    client.force_login(judged.judge)
    detail = reverse("judging:project_detail", args=[slug, c, judged.red_project.pk])
    assert client.get(detail).status_code == 404
    sheet_url = reverse("judging:score_sheet", args=[slug, c, judged.red_project.pk])
    ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)
    assert client.get(sheet_url).status_code == 404
    page = client.get(reverse("judging:judge_track", args=[slug, c])).content.decode()
    assert "Red app" not in page
