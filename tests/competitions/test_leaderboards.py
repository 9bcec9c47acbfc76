import pytest

from competitions.models import Submission
from competitions.selectors.leaderboards import private_leaderboard, public_leaderboard
from tests import factories

pytestmark = pytest.mark.django_db


def scored(phase, team, public, private, final=False, hidden=False):
    return Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
        public_score=public, private_score=private, is_final=final, is_hidden=hidden,
    )  # fmt: skip


def test_best_public_score_per_team_ranked(phase):
    a = factories.TeamFactory(challenge=phase.challenge, name="A")
    b = factories.TeamFactory(challenge=phase.challenge, name="B")
    scored(phase, a, 0.5, 0.4)
    scored(phase, a, 0.7, 0.2)
    scored(phase, b, 0.6, 0.9)
    scored(phase, b, 0.99, 0.99, hidden=True)
    board = public_leaderboard(phase)
    assert [(r.team_name, r.rank, r.score, r.entries) for r in board] == [
        ("A", 1, 0.7, 2),
        ("B", 2, 0.6, 1),
    ]


def test_ties_share_a_rank_and_earlier_first(phase):
    a = factories.TeamFactory(challenge=phase.challenge, name="A")
    b = factories.TeamFactory(challenge=phase.challenge, name="B")
    scored(phase, b, 0.5, 0.5)
    scored(phase, a, 0.5, 0.5)
    board = public_leaderboard(phase)
    assert [(r.team_name, r.rank) for r in board] == [("B", 1), ("A", 1)]


def test_private_uses_final_choice_or_best_n_public(phase):
    phase.challenge.final_selection_limit = 1
    phase.challenge.save()
    a = factories.TeamFactory(challenge=phase.challenge, name="A")
    b = factories.TeamFactory(challenge=phase.challenge, name="B")
    scored(phase, a, 0.9, 0.1)  # A's best public: counts by default
    scored(phase, a, 0.2, 0.95)  # not chosen: its private score must not count
    scored(phase, b, 0.3, 0.5, final=True)
    scored(phase, b, 0.8, 0.2)
    board = private_leaderboard(phase)
    assert [(r.team_name, r.score) for r in board] == [("B", 0.5), ("A", 0.1)]


def test_lower_is_better_metric_sorts_ascending(db):
    phase = factories.PhaseFactory(
        challenge=factories.ChallengeFactory(task="regression", primary_metric="rmse")
    )
    a = factories.TeamFactory(challenge=phase.challenge, name="A")
    b = factories.TeamFactory(challenge=phase.challenge, name="B")
    scored(phase, a, 2.0, 2.0)
    scored(phase, b, 1.0, 1.0)
    assert [r.team_name for r in public_leaderboard(phase)] == ["B", "A"]
