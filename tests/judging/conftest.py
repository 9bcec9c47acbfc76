"""A judged track ready to use: an event with an organiser, two judges, two teams with members
and scored submissions, two criteria, and a project from each team."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from competitions.models import EventRole, Submission
from competitions.services.standings import standings_rebuild
from judging.models import Criterion, Project, ScoreSheet, Track
from tests import factories


def make_role(event, role: str, user=None):
    user = user or factories.UserFactory()
    EventRole.objects.create(event=event, user=user, role=role)
    return user


def make_team(challenge, name: str, members: int = 2, baseline: bool = False):
    team = factories.TeamFactory(challenge=challenge, name=name, is_baseline=baseline)
    people = [factories.UserFactory() for _ in range(members)]
    for index, person in enumerate(people):
        factories.add_member(team, person, role="leader" if index == 0 else "member")
    return team, people


def scored(phase, team, public: float | None, private: float | None, *, final=False):
    submission = Submission.objects.create(
        phase=phase,
        team=team,
        file="x.csv",
        original_name=f"{team.name}.csv",
        state=Submission.State.SCORED,
        public_score=public,
        private_score=private,
        is_final=final,
    )
    standings_rebuild(phase=phase)  # as if the worker had written it (with its standing)
    return submission


def make_project(track, team, title=None):
    return Project.objects.create(track=track, team=team, title=title or f"{team.name} app")


def score(sheet: ScoreSheet, values: dict, *, submit: bool = True) -> ScoreSheet:
    """Write a sheet's scores directly (the services are tested on their own)."""
    for criterion, value in values.items():
        sheet.scores.update_or_create(criterion=criterion, defaults={"value": value})
    sheet.state = ScoreSheet.State.SUBMITTED if submit else ScoreSheet.State.DRAFT
    sheet.submitted_at = timezone.now() if submit else None
    sheet.save()
    return sheet


@pytest.fixture
def judged(phase):
    challenge = phase.challenge
    event = challenge.event
    organiser = make_role(event, "organiser")
    judge = make_role(event, "judge")
    judge2 = make_role(event, "judge")
    red, red_people = make_team(challenge, "Red")
    blue, blue_people = make_team(challenge, "Blue")
    scored(phase, red, 0.9, 0.8)
    scored(phase, blue, 0.7, 0.6)
    track = Track.objects.create(
        challenge=challenge,
        ranking=Track.Ranking.BLEND,
        leaderboard_weight=50,
        handin_deadline=timezone.now() + dt.timedelta(days=2),
    )
    impact = Criterion.objects.create(
        track=track, name="Impact", weight=Decimal(2), scale_min=1, scale_max=5, order=1
    )
    craft = Criterion.objects.create(
        track=track, name="Craft", weight=Decimal(1), scale_min=0, scale_max=10, order=2
    )
    return SimpleNamespace(
        event=event, challenge=challenge, phase=phase, track=track, organiser=organiser,
        judge=judge, judge2=judge2, red=red, blue=blue, red_people=red_people,
        blue_people=blue_people, impact=impact, craft=craft,
        red_project=make_project(track, red), blue_project=make_project(track, blue),
    )  # fmt: skip
