"""A board's pages and sorts made in Python from the whole board kept in a process
(``kept_board``, ``page_of_board``) are the pages the database gives (``board_page``): the same
rows, ranks, order, members and page counts, over ties, baselines, teams without a score, hidden
submissions, missing metrics and the Ladder. And the page says which version it shows when the
kept board is older than the standings (within ``BOARD_REFRESH_SECONDS``)."""

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions.models import Phase, Standing, Submission
from competitions.selectors.leaderboards import (
    PRIVATE,
    PUBLIC,
    board_all,
    board_page,
    kept_board,
    page_of_board,
    standings_version,
)
from competitions.services.standings import standings_rebuild
from tests import factories

pytestmark = pytest.mark.django_db

START = timezone.now() - dt.timedelta(days=2)
SECONDARY = ["bcubed_f1", "coverage"]


def _row(row) -> tuple:
    return (
        row.rank, row.team_id, row.team_name, row.is_baseline, row.score, row.raw, row.metrics,
        row.entries, row.last_submission_at, row.scored_at, row.members, row.public_rank,
        row.secondary_values,
    )  # fmt: skip


def _board(board) -> tuple:
    return (
        board.kind, board.page, board.pages, board.total, board.sort, board.show_raw,
        board.ladder_step, [c.name for c in board.secondary], [_row(r) for r in board.rows],
    )  # fmt: skip


def _crowd(phase: Phase, rng: random.Random) -> None:
    """Teams with ties on every sort key, baselines, teams without a score, members."""
    challenge = phase.challenge
    teams = [
        factories.TeamFactory(challenge=challenge, name=f"T{i:02d}", is_baseline=i % 11 == 3)
        for i in range(45)
    ]
    for team in teams[::4]:
        factories.add_member(team, factories.UserFactory(), role="leader")
        factories.add_member(team, factories.UserFactory())
    for i, team in enumerate(teams):
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            public = rng.choice([None, round(rng.random(), 1), round(rng.random(), 1)])
            private = rng.choice([None, round(rng.random(), 1)])
            # Missing sometimes, and few distinct values: ties on every metric column.
            metrics = {
                name: rng.choice([0.5, 1.0, round(rng.random(), 1)])
                for name in challenge.secondary_metrics
                if rng.random() < 0.7
            }
            submission = Submission.objects.create(
                phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
                public_score=public, private_score=private, is_final=rng.random() < 0.2,
                is_hidden=rng.random() < 0.05,
                public_scores={challenge.primary_metric: public, **metrics},
                private_scores={challenge.primary_metric: private},
            )  # fmt: skip
            # Few distinct times: teams tie on their last upload too.
            minute = rng.choice([0, 5, 10, 15, i])
            Submission.objects.filter(pk=submission.pk).update(
                created_at=START + dt.timedelta(minutes=minute)
            )
    standings_rebuild(phase=phase)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ladder", [Phase.Ladder.OFF, Phase.Ladder.FIXED])
@pytest.mark.parametrize("higher", [True, False])
def test_pages_made_from_the_whole_board_are_the_database_pages(db, seed, ladder, higher):
    rng = random.Random(seed)
    challenge = factories.ChallengeFactory(
        task="ad-linkage" if higher else "regression",
        primary_metric="pairwise_f1" if higher else "rmse",
        # Higher-is-better metric columns for the one, lower-is-better for the other.
        secondary_metrics=SECONDARY if higher else ["mae"],
        final_selection_limit=2,
    )
    phase = factories.PhaseFactory(challenge=challenge, ladder=ladder, ladder_step=0.15)
    _crowd(phase, rng)
    sorts = ["rank", "raw", "entries", "last", "not-a-sort", *challenge.secondary_metrics]
    compared = 0
    for kind in (PUBLIC, PRIVATE):
        for raw in (False, True):
            whole = board_all(phase, kind=kind, raw=raw, members=True)
            assert sum(1 for r in whole.rows if r.rank) > 5  # something to rank
            for sort in sorts:
                for page in (1, 2, 3, 7, 99):
                    expected = board_page(
                        phase, kind=kind, raw=raw, page=page, sort=sort, per_page=7
                    )
                    made = page_of_board(whole, raw=raw, page=page, sort=sort, per_page=7)
                    assert _board(made) == _board(expected), (kind, raw, sort, page)
                    compared += 1
    assert compared == 2 * 2 * len(sorts) * 5


def test_the_kept_board_knows_each_teams_place_in_the_boards_own_order(phase):
    _crowd(phase, random.Random(9))
    kept = kept_board(phase, kind=PUBLIC, raw=False, version=standings_version(phase))
    order = [r.team_id for r in board_page(phase, per_page=1000).rows]
    assert [kept.positions[team_id] for team_id in order] == list(range(len(order)))


def test_a_page_made_from_a_kept_board_does_not_change_it(phase):
    _crowd(phase, random.Random(4))
    kept = kept_board(phase, kind=PUBLIC, raw=False, version=standings_version(phase))
    page = page_of_board(kept.board, raw=False, page=1, per_page=10)
    page.rows[0].html = "<tr></tr>"
    assert not hasattr(kept.board.rows[0], "html")


def _board_fragment(client, challenge, phase, **params):
    url = f"/e/{challenge.event.slug}/{challenge.slug}/leaderboard/"
    return client.get(url, {"phase": phase.pk, **params}, HTTP_HX_REQUEST="true")


def test_a_kept_board_serves_newer_scores_within_the_refresh_window_and_says_its_version(
    client, phase, settings
):
    settings.BOARD_REFRESH_SECONDS = 60
    challenge = phase.challenge
    slow, fast = (factories.TeamFactory(challenge=challenge, name=n) for n in ("Slow", "Fast"))
    Submission.objects.create(
        phase=phase, team=slow, file="x.csv", original_name="x.csv", state="scored",
        public_score=0.5, public_scores={challenge.primary_metric: 0.5},
    )  # fmt: skip
    standings_rebuild(phase=phase)
    first = _board_fragment(client, challenge, phase)
    old_version = re.search(rb'data-version="(\w+)"', first.content).group(1).decode()
    assert b"Slow" in first.content and b"Fast" not in first.content

    Submission.objects.create(
        phase=phase, team=fast, file="x.csv", original_name="x.csv", state="scored",
        public_score=0.9, public_scores={challenge.primary_metric: 0.9},
    )  # fmt: skip
    standings_rebuild(phase=phase)
    new_version = standings_version(phase)
    assert new_version != old_version
    # Another sort, never rendered: made from the board this process kept, without a query of
    # the standings, and marked with that board's version (the page asks again).
    with CaptureQueriesContext(connection) as queries:
        other = _board_fragment(client, challenge, phase, sort="entries")
    assert not [q for q in queries if "competitions_standing" in q["sql"]]
    assert b"Fast" not in other.content
    assert f'data-version="{old_version}"'.encode() in other.content
    assert "ETag" not in other  # an older version's rendering: nothing for the browser to keep

    settings.BOARD_REFRESH_SECONDS = 0  # the window has passed
    latest = _board_fragment(client, challenge, phase, sort="last")
    assert b"Fast" in latest.content
    assert f'data-version="{new_version}"'.encode() in latest.content


def test_a_process_keeps_few_boards_and_drops_the_one_used_longest_ago(db, monkeypatch):
    from competitions.selectors import leaderboards

    phases = [factories.PhaseFactory() for _ in range(3)]
    for phase in phases:
        _crowd(phase, random.Random(phase.pk))
    # Room for the two boards kept at each step below, not for all three (a board has a row
    # per team with a submission: their number depends on the seed).
    rows = [Standing.objects.filter(phase=p).count() for p in phases]
    monkeypatch.setattr(leaderboards, "_KEPT_ROWS", max(rows[1] + rows[2], rows[0] + rows[1]))
    first, _second, _third = (
        kept_board(p, kind=PUBLIC, raw=False, version=standings_version(p)) for p in phases
    )
    kept_board(phases[1], kind=PUBLIC, raw=False, version=standings_version(phases[1]))
    assert [name[0] for name in leaderboards._KEPT] == [phases[2].pk, phases[1].pk]
    again = kept_board(phases[0], kind=PUBLIC, raw=False, version=standings_version(phases[0]))
    assert again is not first  # read again
    assert [name[0] for name in leaderboards._KEPT] == [phases[1].pk, phases[0].pk]
