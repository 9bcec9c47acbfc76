"""Leaderboard selectors over the standings table: ranking, ties, baselines, the private board
and its rank changes, secondary sorting, pages; checked against a plain Python reference."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from competitions.models import Submission
from competitions.selectors.leaderboards import (
    PRIVATE,
    PUBLIC,
    board_all,
    board_page,
    daily_submissions,
    rank_map,
    team_board_page,
    team_history,
    top_history,
)
from competitions.services.standings import standings_rebuild
from tests import factories

pytestmark = pytest.mark.django_db

START = timezone.now() - dt.timedelta(days=3)


def scored(phase, team, public, private, final=False, hidden=False, minute=None, **metrics):
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
        public_score=public, private_score=private, is_final=final, is_hidden=hidden,
        public_scores={phase.challenge.primary_metric: public, **metrics},
        private_scores={phase.challenge.primary_metric: private},
    )  # fmt: skip
    if minute is not None:
        Submission.objects.filter(pk=submission.pk).update(
            created_at=START + dt.timedelta(minutes=minute)
        )
    return submission


def teams(phase, *names, baseline=()):
    return [
        factories.TeamFactory(challenge=phase.challenge, name=n, is_baseline=n in baseline)
        for n in names
    ]


def public(phase, **kwargs):
    standings_rebuild(phase=phase)
    return board_page(phase, **kwargs).rows


def test_best_public_score_per_team_ranked(phase):
    a, b = teams(phase, "A", "B")
    scored(phase, a, 0.5, 0.4)
    scored(phase, a, 0.7, 0.2)
    scored(phase, b, 0.6, 0.9)
    scored(phase, b, 0.99, 0.99, hidden=True)
    assert [(r.team_name, r.rank, r.score, r.entries) for r in public(phase)] == [
        ("A", 1, 0.7, 2),
        ("B", 2, 0.6, 1),
    ]


def test_exact_ties_share_a_rank_the_earlier_first_and_the_next_rank_skips(phase):
    a, b, c = teams(phase, "A", "B", "C")
    scored(phase, b, 0.5, 0.5, minute=1)
    scored(phase, a, 0.5, 0.5, minute=2)
    scored(phase, c, 0.4, 0.5, minute=0)
    assert [(r.team_name, r.rank) for r in public(phase)] == [("B", 1), ("A", 1), ("C", 3)]


def test_a_tie_is_at_full_precision(phase):
    a, b = teams(phase, "A", "B")
    scored(phase, a, 0.5000001, 0.5, minute=2)
    scored(phase, b, 0.5, 0.5, minute=1)
    assert [(r.team_name, r.rank) for r in public(phase)] == [("A", 1), ("B", 2)]


def test_baselines_are_shown_in_place_without_a_rank(phase):
    base, a, b = teams(phase, "Organisers' baseline", "A", "B", baseline=("Organisers' baseline",))
    scored(phase, base, 0.9, 0.9, minute=0)
    scored(phase, a, 0.9, 0.8, minute=1)
    scored(phase, b, 0.8, 0.7, minute=2)
    rows = public(phase)
    assert [(r.team_name, r.rank, r.is_baseline) for r in rows] == [
        ("Organisers' baseline", None, True),
        ("A", 1, False),
        ("B", 2, False),
    ]
    assert rank_map(phase, PUBLIC) == {a.pk: 1, b.pk: 2}


def test_private_uses_final_choice_or_best_n_public(phase):
    phase.challenge.final_selection_limit = 1
    phase.challenge.save()
    a, b = teams(phase, "A", "B")
    scored(phase, a, 0.9, 0.1)  # A's best public: counts by default
    scored(phase, a, 0.2, 0.95)  # not chosen: its private score must not count
    scored(phase, b, 0.3, 0.5, final=True)
    scored(phase, b, 0.8, 0.2)
    standings_rebuild(phase=phase)
    board = board_page(phase, kind=PRIVATE)
    assert [(r.team_name, r.score, r.rank) for r in board.rows] == [("B", 0.5, 1), ("A", 0.1, 2)]


def test_without_final_selection_every_submission_counts_privately(phase):
    phase.challenge.final_selection_limit = 0
    phase.challenge.save()
    (a,) = teams(phase, "A")
    scored(phase, a, 0.9, 0.1)
    scored(phase, a, 0.2, 0.95)
    standings_rebuild(phase=phase)
    assert [r.score for r in board_page(phase, kind=PRIVATE).rows] == [0.95]


def test_private_board_shows_the_change_of_rank(phase):
    phase.challenge.final_selection_limit = 1
    phase.challenge.save()
    a, b, c, d = teams(phase, "A", "B", "C", "D")
    scored(phase, a, 0.9, 0.5, minute=0)  # public 1 → private 3: down 2
    scored(phase, b, 0.8, 0.9, minute=1)  # public 2 → private 1: up 1
    scored(phase, c, 0.7, 0.7, minute=2)  # public 3 → private 2: up 1
    scored(phase, d, None, 0.1, minute=3)  # no public score: new on the private board
    standings_rebuild(phase=phase)
    rows = board_page(phase, kind=PRIVATE).rows
    assert [(r.team_name, r.rank, r.public_rank, r.rank_change, r.is_new) for r in rows] == [
        ("B", 1, 2, 1, False),
        ("C", 2, 3, 1, False),
        ("A", 3, 1, -2, False),
        ("D", 4, None, None, True),
    ]


def test_lower_is_better_metric_sorts_ascending(db):
    phase = factories.PhaseFactory(
        challenge=factories.ChallengeFactory(task="regression", primary_metric="rmse")
    )
    a, b = teams(phase, "A", "B")
    scored(phase, a, 2.0, 2.0)
    scored(phase, b, 1.0, 1.0)
    assert [(r.team_name, r.rank) for r in public(phase)] == [("B", 1), ("A", 2)]


def test_sorting_by_a_secondary_metric_keeps_the_official_ranks(phase):
    phase.challenge.secondary_metrics = ["bcubed_f1", "coverage"]
    phase.challenge.save()
    a, b, c = teams(phase, "A", "B", "C")
    scored(phase, a, 0.9, 0.5, bcubed_f1=0.2, coverage=1.0)
    scored(phase, b, 0.8, 0.5, bcubed_f1=0.7, coverage=0.5)
    scored(phase, c, 0.7, 0.5, bcubed_f1=0.5)
    rows = public(phase, sort="bcubed_f1")
    assert [(r.team_name, r.rank, r.secondary_values) for r in rows] == [
        ("B", 2, [0.7, 0.5]),
        ("C", 3, [0.5, None]),
        ("A", 1, [0.2, 1.0]),
    ]
    assert [r.team_name for r in board_page(phase, sort="coverage").rows] == ["A", "B", "C"]
    assert [r.team_name for r in board_page(phase, sort="entries").rows] == ["A", "B", "C"]
    assert board_page(phase, sort="not-a-metric").sort == "rank"


def test_pages_of_a_hundred_continue_the_ranks_and_find_a_team(phase):
    many = teams(phase, *[f"T{i:03d}" for i in range(230)])
    for i, team in enumerate(many):
        scored(phase, team, 1 - i / 1000 if i != 150 else 1 - 149 / 1000, 0.5, minute=i)
    standings_rebuild(phase=phase)
    second = board_page(phase, page=2)
    assert (second.pages, second.total, len(second.rows)) == (3, 230, 100)
    assert [r.rank for r in second.rows[:2]] == [101, 102]
    assert [(r.team_name, r.rank) for r in second.rows[-1:]] == [("T199", 200)]
    tied = {r.team_name: r.rank for r in second.rows}
    assert tied["T149"] == tied["T150"] == 150 and tied["T151"] == 152
    assert len(board_page(phase, page=3).rows) == 30
    assert board_page(phase, page=99).page == 3
    assert team_board_page(phase, many[0].pk) == 1
    assert team_board_page(phase, many[100].pk) == 2
    assert team_board_page(phase, many[229].pk) == 3


def test_history_and_submissions_per_day(phase):
    a, b = teams(phase, "A", "B")
    for minute, score in [(0, 0.2), (60 * 24, 0.1), (60 * 24 + 5, 0.5), (60 * 48, 0.4)]:
        scored(phase, a, score, 0.1, minute=minute)
    scored(phase, b, 0.3, 0.3, minute=10)
    standings_rebuild(phase=phase)
    series = top_history(phase, raw=True)
    assert [s.label for s in series] == ["A", "B"]
    assert [v for _t, v in series[0].points] == [0.2, 0.5]  # where the best changed
    mine = team_history(phase, a, raw=True)
    assert [v for _t, v in mine.marks] == [0.2, 0.1, 0.5, 0.4]  # each submission
    assert [v for _t, v in team_history(phase, a, raw=False).points] == [0.2, 0.5]
    days = daily_submissions(phase)
    assert [n for _d, n in days] == [2, 2, 1] and days[1][0] - days[0][0] == dt.timedelta(days=1)


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


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("higher", [True, False])
def test_boards_match_a_python_reference(db, seed, higher):
    rng = random.Random(seed)
    challenge = factories.ChallengeFactory(
        task="ad-linkage" if higher else "regression",
        primary_metric="pairwise_f1" if higher else "rmse",
        final_selection_limit=rng.choice([1, 2, 3]),
    )
    phase = factories.PhaseFactory(challenge=challenge)
    team_list = [factories.TeamFactory(challenge=challenge) for _ in range(5)]
    subs = []
    for i in range(40):
        team = rng.choice(team_list)
        public = rng.choice([None, round(rng.random(), 1)])  # ties and missing scores on purpose
        private = rng.choice([None, round(rng.random(), 1)])
        finals_so_far = sum(1 for s in subs if s[0] == team.pk and s[3])
        final = public is not None and finals_so_far < challenge.final_selection_limit
        final = final and rng.random() < 0.2
        scored(phase, team, public, private, final=final, minute=i)
        subs.append((team.pk, public, private, final, START + dt.timedelta(minutes=i)))
    expected_public, expected_private = reference_boards(
        subs, higher, challenge.final_selection_limit
    )
    standings_rebuild(phase=phase)
    got_public = {r.team_id: (r.score, r.entries) for r in board_all(phase, kind=PUBLIC).rows}
    got_private = {r.team_id: (r.score, r.entries) for r in board_all(phase, kind=PRIVATE).rows}
    assert got_public == expected_public
    assert got_private == expected_private
    ranks = rank_map(phase, PUBLIC)
    for row in board_all(phase, kind=PUBLIC).rows:
        if row.score is not None:
            better = sum(
                1 for s, _n in expected_public.values()
                if s is not None and (s > row.score if higher else s < row.score)
            )  # fmt: skip
            assert ranks[row.team_id] == better + 1
