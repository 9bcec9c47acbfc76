"""Every judging action for every role (the ten of the competitions matrix and a judge with a
conflict of interest with the team), before and after the hand-in deadline, the judging lock
and publication, and while the event is unpublished. Built from ``RULES``: an action
registered without expectations here fails ``test_every_judging_action_has_expectations``."""

import datetime as dt

import pytest
from django.utils import timezone

from competitions.models import EventRole
from competitions.permissions import RULES, can
from judging.models import Conflict, EventResults, Project, ScoreSheet, Track
from judging.permissions import RULES as JUDGING_RULES
from tests import factories
from tests.competitions.test_permissions import EXPECTED as COMPETITIONS_EXPECTED
from tests.competitions.test_permissions import ROLES as BASE_ROLES
from tests.competitions.test_permissions import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ROLES = [*BASE_ROLES, "conflicted_judge"]
EVERYONE = set(ROLES)
TEAM = {"leader", "member"}
JUDGES = {"judge", "conflicted_judge"}


@pytest.fixture
def judging_world(world):  # noqa: F811
    people, objects = world
    event = objects["event"]
    people["conflicted_judge"] = factories.UserFactory()
    EventRole.objects.create(event=event, user=people["conflicted_judge"], role="judge")
    track = Track.objects.create(
        challenge=objects["challenge"],
        ranking=Track.Ranking.BLEND,
        handin_deadline=timezone.now() + dt.timedelta(days=2),
    )
    project = Project.objects.create(track=track, team=objects["team"], title="Linker")
    sheet = ScoreSheet.objects.create(project=project, judge=people["judge"])
    Conflict.objects.create(judge=people["conflicted_judge"], team=objects["team"])
    objects = {**objects, "track": track, "project": project, "sheet": sheet}
    return people, objects


# action: (object, roles allowed) with hand-in open, judging open, results not published.
EXPECTED = {
    "track.manage": ("track", {"organiser"}),
    "track.handin": ("track", TEAM | {"other_team"}),
    "track.judge": ("track", JUDGES),
    "project.view": ("project", TEAM | {"organiser", "judge"}),
    "project.edit": ("project", TEAM),
    "project.view_writeup": ("project", TEAM | {"organiser", "judge"}),
    "project.view_screening": ("project", TEAM | {"organiser"}),
    "project.view_feedback": ("project", {"organiser"}),
    "scoresheet.view": ("sheet", {"organiser", "judge"}),
    "scoresheet.edit": ("sheet", {"judge"}),
    "judging.view_scores": ("track", {"organiser"}),
    # No community vote on this track: nobody votes, nobody sees tallies.
    "track.vote": ("track", set()),
    "track.vote_results": ("track", set()),
    "standings.view": ("track", {"organiser"}),
    "results.view": ("event", {"organiser"}),
}

AFTER_DEADLINE = {"track.handin": set(), "project.edit": set()}
AFTER_LOCK = {
    **AFTER_DEADLINE,
    "scoresheet.edit": set(),
    # Judges read the standings and the results page once judging is locked; read-only.
    "standings.view": {"organiser"} | JUDGES,
    "results.view": {"organiser"} | JUDGES,
}
AFTER_PUBLICATION = {
    **AFTER_LOCK,
    "project.view": EVERYONE,
    "project.view_feedback": TEAM | {"organiser"},
    "standings.view": EVERYONE,
    "results.view": EVERYONE,
}
UNPUBLISHED_EVENT = {
    "track.handin": set(),
    "project.view": {"organiser", "judge"},
    "project.edit": set(),
    "project.view_writeup": {"organiser", "judge"},
    "project.view_screening": {"organiser"},
}
LEADERBOARD_ONLY = {
    "track.handin": set(),
    "project.edit": set(),
    "track.judge": set(),
    "project.view": TEAM | {"organiser"},
    "project.view_writeup": TEAM | {"organiser"},
    "scoresheet.view": {"organiser"},
    "scoresheet.edit": set(),
}


def allowed(setup, action: str) -> set[str]:
    people, objects = setup
    key = EXPECTED[action][0]
    return {role for role in ROLES if can(people[role], action, objects[key])}


def _lock(track):
    track.judging = Track.Judging.LOCKED
    track.judging_locked_at = timezone.now()
    track.save()


def test_every_judging_action_has_expectations():
    assert set(EXPECTED) == set(JUDGING_RULES)
    assert set(EXPECTED) == set(RULES) - set(COMPETITIONS_EXPECTED)


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role(judging_world, action):
    assert allowed(judging_world, action) == EXPECTED[action][1]


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role_after_the_handin_deadline(judging_world, action):
    track = judging_world[1]["track"]
    track.handin_deadline = timezone.now() - dt.timedelta(minutes=1)
    track.save()
    assert allowed(judging_world, action) == AFTER_DEADLINE.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role_once_judging_is_locked(judging_world, action):
    _lock(judging_world[1]["track"])
    assert allowed(judging_world, action) == AFTER_LOCK.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role_after_publication(judging_world, action):
    track = judging_world[1]["track"]
    _lock(track)
    EventResults.objects.create(
        event=track.challenge.event, state="published", published_at=timezone.now()
    )
    assert allowed(judging_world, action) == AFTER_PUBLICATION.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role_while_the_event_is_unpublished(judging_world, action):
    event = judging_world[1]["event"]
    event.is_published = False
    event.save()
    assert allowed(judging_world, action) == UNPUBLISHED_EVENT.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("action", sorted(JUDGING_RULES))
def test_every_role_on_a_leaderboard_only_track(judging_world, action):
    track = judging_world[1]["track"]
    track.ranking = Track.Ranking.LEADERBOARD
    track.save()
    assert allowed(judging_world, action) == LEADERBOARD_ONLY.get(action, EXPECTED[action][1])


def test_a_draft_results_row_publishes_nothing(judging_world):
    track = judging_world[1]["track"]
    EventResults.objects.create(event=track.challenge.event)  # draft
    assert allowed(judging_world, "results.view") == {"organiser"}


def test_results_stay_closed_to_judges_until_every_judged_track_is_locked(judging_world):
    people, objects = judging_world
    _lock(objects["track"])
    other = factories.ChallengeFactory(event=objects["event"])
    second = Track.objects.create(
        challenge=other, ranking=Track.Ranking.JUDGES, handin_deadline=timezone.now()
    )
    assert not can(people["judge"], "results.view", objects["event"])
    _lock(second)
    assert can(people["judge"], "results.view", objects["event"])


def test_a_conflict_declared_now_counts_at_once(judging_world):
    people, objects = judging_world
    judge = people["judge"]
    assert can(judge, "project.view", objects["project"])
    Conflict.objects.create(judge=judge, team=objects["team"])
    assert not can(judge, "project.view", objects["project"])
    assert not can(judge, "scoresheet.edit", objects["sheet"])


JUDGE_ACTIONS = ["project.view", "project.view_writeup", "scoresheet.view", "scoresheet.edit"]


def test_a_project_screened_out_is_hidden_from_every_judge(judging_world):
    people, objects = judging_world
    project = objects["project"]
    project.eligibility = Project.Eligibility.INELIGIBLE
    project.save()
    for action in JUDGE_ACTIONS:
        key = "sheet" if action.startswith("scoresheet") else "project"
        assert not can(people["judge"], action, objects[key]), action
    # The team and the organisers still see it, with the decision.
    assert can(people["leader"], "project.view_screening", project)
    assert can(people["organiser"], "project.view", project)


def test_with_screening_required_judges_see_only_eligible_projects(judging_world):
    people, objects = judging_world
    track, project = objects["track"], objects["project"]
    track.require_screening = True
    track.save()
    project.refresh_from_db()
    assert not can(people["judge"], "project.view", project)  # not screened yet
    project.eligibility = Project.Eligibility.ELIGIBLE
    project.save()
    assert can(people["judge"], "project.view", project)
    assert can(people["judge"], "scoresheet.edit", objects["sheet"])


def test_the_community_vote_window(judging_world):
    people, objects = judging_world
    track = objects["track"]
    now = timezone.now()
    track.vote_opens_at, track.vote_closes_at = (
        now - dt.timedelta(hours=1),
        now + dt.timedelta(hours=1),
    )
    track.save()
    # Everyone signed in, except the event's organisers and judges (the service also asks
    # for a verified e-mail and refuses one's own team's project).
    assert allowed(judging_world, "track.vote") == {
        "stranger", "participant", "leader", "member", "other_team", "other_judge",
        "other_organiser",
    }  # fmt: skip
    assert allowed(judging_world, "track.vote_results") == set()  # hidden while it runs
    track.vote_closes_at = now - dt.timedelta(minutes=1)
    track.save()
    assert allowed(judging_world, "track.vote") == set()
    assert allowed(judging_world, "track.vote_results") == {"organiser"}
    track.vote_reviewed_at = now
    track.save()
    _lock(track)
    EventResults.objects.create(event=objects["event"], state="published", published_at=now)
    assert allowed(judging_world, "track.vote_results") == EVERYONE
