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


def reference_boards(subs, higher, limit):
    """The leaderboards computed the obvious way, in Python, for comparison."""

    def better_key(score_index):
        def key(s):
            score = s[score_index]
            return (score is None, 0 if score is None else (-score if higher else score), s[4])

        return key

    public, private = {}, {}
    by_team = {}
    for s in subs:
        by_team.setdefault(s[0], []).append(s)
    for team, rows in by_team.items():
        best = sorted(rows, key=better_key(1))[0]
        public[team] = (best[1], len(rows))
        chosen = [s for s in rows if s[3]] or sorted(rows, key=better_key(1))[:limit]
        pick = sorted(chosen, key=better_key(2))[0]
        private[team] = (pick[2], len(rows))
    return public, private


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("higher", [True, False])
def test_selectors_match_a_python_reference(db, seed, higher):
    import datetime as dt
    import random

    from django.utils import timezone

    rng = random.Random(seed)
    challenge = factories.ChallengeFactory(
        task="ad-linkage" if higher else "regression",
        primary_metric="pairwise_f1" if higher else "rmse",
        final_selection_limit=rng.choice([1, 2, 3]),
    )
    phase = factories.PhaseFactory(challenge=challenge)
    teams = [factories.TeamFactory(challenge=challenge) for _ in range(5)]
    start = timezone.now() - dt.timedelta(days=1)
    subs = []
    for i in range(40):
        team = rng.choice(teams)
        public = rng.choice([None, round(rng.random(), 1)])  # ties and missing scores on purpose
        private = rng.choice([None, round(rng.random(), 1)])
        finals_so_far = sum(1 for s in subs if s[0] == team.pk and s[3])
        final = public is not None and finals_so_far < challenge.final_selection_limit
        final = final and rng.random() < 0.2
        submission = scored(phase, team, public, private, final=final)
        created = start + dt.timedelta(minutes=i)
        Submission.objects.filter(pk=submission.pk).update(created_at=created)
        subs.append((team.pk, public, private, final, created))
    expected_public, expected_private = reference_boards(
        subs, higher, challenge.final_selection_limit
    )
    assert {r.team_id: (r.score, r.entries) for r in public_leaderboard(phase)} == expected_public
    assert {r.team_id: (r.score, r.entries) for r in private_leaderboard(phase)} == expected_private
