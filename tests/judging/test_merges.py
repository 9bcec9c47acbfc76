"""Merging two teams never deletes a project silently: the absorbed team's project moves to
the merged team (with its sheets and screening), or the merge is refused when both teams
handed one in."""

import pytest

from competitions.models import AuditLog, MergeRequest, Team
from competitions.services.merges import (
    MergeError,
    merge_request_accept,
    merge_request_create,
)
from judging.models import Conflict, Project, ScoreSheet
from tests.judging.conftest import make_team

pytestmark = pytest.mark.django_db


def _roomy(challenge):
    challenge.max_team_size = 10
    challenge.save()


def test_the_absorbed_teams_project_moves_to_the_merged_team(judged):
    _roomy(judged.challenge)
    green, green_people = make_team(judged.challenge, "Green")
    project = Project.objects.create(track=judged.track, team=green, title="Green app")
    sheet = ScoreSheet.objects.create(project=project, judge=judged.judge)
    Conflict.objects.create(judge=judged.judge2, team=green)
    judged.blue_project.delete()  # Blue has no project: Green's can move in
    request = merge_request_create(from_team=green, to_team=judged.blue, user=green_people[0])
    merge_request_accept(merge_request=request, user=judged.blue_people[0])
    assert not Team.objects.filter(pk=green.pk).exists()
    project.refresh_from_db()
    assert project.team == judged.blue and project.title == "Green app"
    assert ScoreSheet.objects.filter(pk=sheet.pk, project=project).exists()
    assert Conflict.objects.filter(judge=judged.judge2, team=judged.blue).exists()
    entry = AuditLog.objects.get(action="team.merge")
    assert entry.data["judging"]["projects_moved"] == ["Green app"]


def test_two_projects_in_one_track_refuse_the_merge_with_a_clear_message(judged):
    _roomy(judged.challenge)
    message = "Both teams handed in a project for judging .*“Blue app” and “Red app”"
    with pytest.raises(MergeError, match=message):
        merge_request_create(from_team=judged.blue, to_team=judged.red, user=judged.blue_people[0])
    # A request made before the second hand-in is refused at acceptance, nothing deleted.
    judged.red_project.delete()
    request = merge_request_create(
        from_team=judged.blue, to_team=judged.red, user=judged.blue_people[0]
    )
    Project.objects.create(track=judged.track, team=judged.red, title="Red again")
    with pytest.raises(MergeError, match="Both teams handed in a project"):
        merge_request_accept(merge_request=request, user=judged.red_people[0])
    assert Project.objects.filter(team=judged.blue, title="Blue app").exists()
    assert MergeRequest.objects.get(pk=request.pk).state == MergeRequest.State.PENDING
