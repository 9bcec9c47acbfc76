"""Judges never compete; conflicts of interest; assigning projects to judges."""

from collections import Counter

import pytest
from django.urls import reverse

from competitions.models import AuditLog
from competitions.services import PermissionRefused
from competitions.services.events import EventRefused, role_grant
from competitions.services.teams import TeamError, team_create, team_join
from judging.models import Conflict, ScoreSheet, Track
from judging.services import JudgingRefused
from judging.services.assignments import assignments_make, conflict_declare, conflict_withdraw
from judging.services.tracks import track_lock_judging
from tests import factories
from tests.judging.conftest import make_project, make_role, make_team, score

pytestmark = pytest.mark.django_db


def test_a_judge_can_neither_create_nor_join_a_team(judged):
    with pytest.raises(TeamError, match="You judge this event"):
        team_create(challenge=judged.challenge, user=judged.judge, name="Judges United")
    with pytest.raises(TeamError, match="You judge this event"):
        team_join(team=judged.red, user=judged.judge)
    assert not judged.red.memberships.filter(user=judged.judge).exists()


def test_a_team_member_cannot_be_made_a_judge(judged):
    member = judged.blue_people[1]
    with pytest.raises(EventRefused, match="cannot compete in the event they judge"):
        role_grant(event=judged.event, email=member.email, role="judge", actor=judged.organiser)


def test_a_judge_declares_a_conflict_and_loses_the_sheet(judged):
    sheet = ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)
    score(sheet, {judged.impact: 5, judged.craft: 10})
    conflict = conflict_declare(
        track=judged.track, judge=judged.judge, team=judged.red, actor=judged.judge,
        reason="my former student",
    )  # fmt: skip
    assert conflict.declared_by == judged.judge
    assert not ScoreSheet.objects.filter(pk=sheet.pk).exists()
    entry = AuditLog.objects.get(action="conflict.declare")
    assert entry.data["sheets_withdrawn"] == 1 and entry.reason == "my former student"


def test_organisers_set_conflicts_for_judges_but_judges_only_their_own(judged):
    conflict_declare(
        track=judged.track, judge=judged.judge2, team=judged.blue, actor=judged.organiser
    )
    assert Conflict.objects.filter(judge=judged.judge2, team=judged.blue).exists()
    with pytest.raises(PermissionRefused):
        conflict_declare(
            track=judged.track, judge=judged.judge2, team=judged.red, actor=judged.judge
        )
    with pytest.raises(PermissionRefused):
        conflict_declare(
            track=judged.track, judge=judged.judge, team=judged.red, actor=judged.red_people[0]
        )


def test_a_conflict_needs_a_judge_of_the_event_and_a_team_of_the_challenge(judged):
    outsider = factories.UserFactory()
    with pytest.raises(JudgingRefused, match="does not judge"):
        conflict_declare(
            track=judged.track, judge=outsider, team=judged.red, actor=judged.organiser
        )
    elsewhere = factories.TeamFactory()
    with pytest.raises(JudgingRefused, match="team of this challenge"):
        conflict_declare(
            track=judged.track, judge=judged.judge, team=elsewhere, actor=judged.organiser
        )


def test_after_the_lock_only_organisers_record_conflicts(judged):
    track_lock_judging(track=judged.track, actor=judged.organiser)
    judged.track.refresh_from_db()
    with pytest.raises(JudgingRefused, match="ask an organiser"):
        conflict_declare(
            track=judged.track, judge=judged.judge, team=judged.red, actor=judged.judge
        )
    conflict_declare(
        track=judged.track, judge=judged.judge, team=judged.red, actor=judged.organiser
    )


def test_withdrawing_a_conflict(judged):
    conflict = conflict_declare(
        track=judged.track, judge=judged.judge, team=judged.red, actor=judged.judge
    )
    conflict_withdraw(conflict=conflict, track=judged.track, actor=judged.judge)
    assert not Conflict.objects.exists()
    assert AuditLog.objects.filter(action="conflict.withdraw").count() == 1


def test_everyone_judges_everything_except_conflicts(judged):
    conflict_declare(track=judged.track, judge=judged.judge, team=judged.red, actor=judged.judge)
    report = assignments_make(track=judged.track, actor=judged.organiser)
    pairs = set(ScoreSheet.objects.values_list("judge_id", "project_id"))
    assert pairs == {
        (judged.judge.pk, judged.blue_project.pk),
        (judged.judge2.pk, judged.red_project.pk),
        (judged.judge2.pk, judged.blue_project.pk),
    }
    assert report.created == 3
    assert assignments_make(track=judged.track, actor=judged.organiser).created == 0


def test_balanced_assignment_gives_n_judges_per_project_and_even_loads(judged):
    judges = [judged.judge, judged.judge2] + [make_role(judged.event, "judge") for _ in range(2)]
    for name in ["Green", "Gold", "Grey"]:
        team, _people = make_team(judged.challenge, name)
        make_project(judged.track, team)
    judged.track.assignment = Track.Assignment.BALANCED
    judged.track.judges_per_project = 2
    judged.track.save()
    report = assignments_make(track=judged.track, actor=judged.organiser)
    assert report.created == 10 and report.short == []
    per_project = Counter(ScoreSheet.objects.values_list("project_id", flat=True))
    assert set(per_project.values()) == {2} and len(per_project) == 5
    load = Counter(ScoreSheet.objects.values_list("judge_id", flat=True))
    assert sorted(load[j.pk] for j in judges) == [2, 2, 3, 3]


def test_balanced_assignment_skips_conflicts_and_says_where_judges_are_short(judged):
    third = make_role(judged.event, "judge")
    judged.track.assignment = Track.Assignment.BALANCED
    judged.track.judges_per_project = 2
    judged.track.save()
    for judge in [judged.judge, judged.judge2]:
        conflict_declare(track=judged.track, judge=judge, team=judged.red, actor=judged.organiser)
    report = assignments_make(track=judged.track, actor=judged.organiser)
    red_judges = set(
        ScoreSheet.objects.filter(project=judged.red_project).values_list("judge_id", flat=True)
    )
    assert red_judges == {third.pk}
    assert report.short == ["Red"]
    assert ScoreSheet.objects.filter(project=judged.blue_project).count() == 2
    conflicted = Conflict.objects.values_list("judge_id", "team_id")
    sheets = ScoreSheet.objects.values_list("judge_id", "project__team_id")
    assert not set(conflicted) & set(sheets)


def test_assigning_again_keeps_work_and_picks_up_new_projects(judged):
    judged.track.assignment = Track.Assignment.BALANCED
    judged.track.judges_per_project = 1
    judged.track.save()
    assignments_make(track=judged.track, actor=judged.organiser)
    first = ScoreSheet.objects.get(project=judged.red_project)
    score(first, {judged.impact: 4, judged.craft: 7})
    team, _people = make_team(judged.challenge, "Late")
    late = make_project(judged.track, team)
    report = assignments_make(track=judged.track, actor=judged.organiser)
    assert report.created == 1
    first.refresh_from_db()
    assert first.state == ScoreSheet.State.SUBMITTED
    assert ScoreSheet.objects.filter(project=late).count() == 1


def test_assignment_needs_judges_projects_and_open_judging(judged):
    track_lock_judging(track=judged.track, actor=judged.organiser)
    with pytest.raises(JudgingRefused, match="locked"):
        assignments_make(track=judged.track, actor=judged.organiser)
    with pytest.raises(PermissionRefused):
        assignments_make(track=judged.track, actor=judged.judge)


def test_the_judges_page_never_lists_a_conflicted_team(client, judged):
    assignments_make(track=judged.track, actor=judged.organiser)
    client.force_login(judged.judge)
    url = reverse("judging:judge_track", args=[judged.event.slug, judged.challenge.slug])
    assert "Red app" in client.get(url).content.decode()
    response = client.post(
        reverse("judging:conflict_add", args=[judged.event.slug, judged.challenge.slug]),
        {"team": judged.red.pk, "reason": "friend"},
        follow=True,
    )
    page = response.content.decode()
    assert "you will not see or score Red" in page
    assert "Red app" not in page
    sheet_url = reverse(
        "judging:score_sheet",
        args=[judged.event.slug, judged.challenge.slug, judged.red_project.pk],
    )
    assert client.get(sheet_url).status_code == 404
    detail = reverse(
        "judging:project_detail",
        args=[judged.event.slug, judged.challenge.slug, judged.red_project.pk],
    )
    assert client.get(detail).status_code == 404
