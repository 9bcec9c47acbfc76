"""Standings against hand-computed examples: sheet scores, z-score normalisation, the three
rankings, ties broken by the leaderboard, and what does not count."""

from decimal import Decimal

import pytest

from competitions.models import EventRole
from judging.models import Conflict, Criterion, ScoreSheet, Track
from judging.selectors.standings import sheet_value, track_standings, z_scores
from tests.judging.conftest import make_project, make_role, make_team, score, scored

pytestmark = pytest.mark.django_db


def sheet_for(judge, project, values, submit=True):
    return score(ScoreSheet.objects.create(judge=judge, project=project), values, submit=submit)


def rows_by_team(standings):
    return {row.team_name: row for row in standings.rows}


def test_a_sheet_score_puts_each_criterion_on_0_to_1_then_weights_it(judged):
    criteria = [judged.impact, judged.craft]  # weight 2 on 1–5, weight 1 on 0–10
    assert sheet_value({judged.impact.pk: 5, judged.craft.pk: 10}, criteria) == 100
    assert sheet_value({judged.impact.pk: 1, judged.craft.pk: 0}, criteria) == 0
    assert sheet_value({judged.impact.pk: 3, judged.craft.pk: 5}, criteria) == 50
    # (2 × 3/4 + 1 × 2/10) / 3 × 100 = 56.67
    assert sheet_value({judged.impact.pk: 4, judged.craft.pk: 2}, criteria) == pytest.approx(
        170 / 3
    )
    assert sheet_value({judged.impact.pk: 4}, criteria) is None  # incomplete


def test_z_scores_by_hand():
    # mean 60, population standard deviation √(800/3) = 16.3299
    assert z_scores([80, 60, 40]) == pytest.approx([1.224745, 0, -1.224745], abs=1e-6)
    assert z_scores([7, 7]) == [0, 0]  # no spread: no information
    assert z_scores([55]) == [0]


@pytest.fixture
def harsh_and_generous(judged):
    """One criterion 0–10 (a sheet's score is ten times the mark). Judge A (harsh, wide)
    scores three projects; judge B (generous, narrow) two of them."""
    judged.impact.delete()
    Criterion.objects.filter(pk=judged.craft.pk).update(weight=Decimal(1))
    green, _people = make_team(judged.challenge, "Green")
    green_project = make_project(judged.track, green)
    a, b = judged.judge, judged.judge2
    sheet_for(a, judged.red_project, {judged.craft: 8})  # 80
    sheet_for(a, judged.blue_project, {judged.craft: 6})  # 60
    sheet_for(a, green_project, {judged.craft: 4})  # 40
    sheet_for(b, judged.blue_project, {judged.craft: 10})  # 100
    sheet_for(b, green_project, {judged.craft: 9})  # 90
    judged.track.ranking = Track.Ranking.JUDGES
    judged.track.save()
    return judged


def test_raw_means(harsh_and_generous):
    rows = rows_by_team(track_standings(harsh_and_generous.track))
    assert rows["Red"].judges_score == pytest.approx(80)
    assert rows["Blue"].judges_score == pytest.approx(80)  # (60 + 100) / 2
    assert rows["Green"].judges_score == pytest.approx(65)  # (40 + 90) / 2
    assert rows["Blue"].judges_count == 2
    # Red and Blue tie on the judges' score: the leaderboard (Red 0.8, Blue 0.6) breaks it.
    assert (rows["Red"].judges_rank, rows["Blue"].judges_rank, rows["Green"].judges_rank) == (
        1,
        1,
        3,
    )
    assert (rows["Red"].position, rows["Blue"].position, rows["Green"].position) == (1, 2, 3)
    assert rows["Red"].judges_normalised is None


def test_normalised_by_hand(harsh_and_generous):
    track = harsh_and_generous.track
    track.normalise = True
    track.save()
    rows = rows_by_team(track_standings(track))
    # Judge A: mean 60, sd 16.3299 → Red +1.224745, Blue 0, Green −1.224745.
    # Judge B: mean 95, sd 5 → Blue +1, Green −1.
    assert rows["Red"].judges_normalised == pytest.approx(1.224745, abs=1e-6)
    assert rows["Blue"].judges_normalised == pytest.approx(0.5)
    assert rows["Green"].judges_normalised == pytest.approx(-1.112372, abs=1e-6)
    assert [r.team_name for r in track_standings(track).rows] == ["Red", "Blue", "Green"]
    assert (rows["Red"].judges_rank, rows["Blue"].judges_rank) == (1, 2)
    assert rows["Blue"].judges_score == pytest.approx(80)  # the raw mean is still shown


def test_blend_ties_are_broken_by_the_leaderboard(judged):
    # Leaderboard: Red 1st (0.8), Blue 2nd (0.6). Judges: Blue 1st, Red 2nd. 50/50 → 1.5 each.
    sheet_for(judged.judge, judged.red_project, {judged.impact: 2, judged.craft: 2})
    sheet_for(judged.judge, judged.blue_project, {judged.impact: 5, judged.craft: 9})
    standings = track_standings(judged.track)
    rows = rows_by_team(standings)
    assert (rows["Red"].leaderboard_rank, rows["Blue"].leaderboard_rank) == (1, 2)
    assert (rows["Red"].judges_rank, rows["Blue"].judges_rank) == (2, 1)
    assert rows["Red"].blended == rows["Blue"].blended == 1.5
    assert [(r.team_name, r.position) for r in standings.rows] == [("Red", 1), ("Blue", 2)]


def test_blend_weights_and_missing_inputs(judged):
    judged.track.leaderboard_weight = 25
    judged.track.save()
    green, _people = make_team(judged.challenge, "Green")  # a project, no leaderboard entry
    green_project = make_project(judged.track, green)
    sheet_for(judged.judge, judged.red_project, {judged.impact: 2, judged.craft: 2})
    sheet_for(judged.judge, judged.blue_project, {judged.impact: 3, judged.craft: 3})
    sheet_for(judged.judge, green_project, {judged.impact: 5, judged.craft: 10})
    rows = rows_by_team(track_standings(judged.track))
    # Judges: Green 1, Blue 2, Red 3. Leaderboard: Red 1, Blue 2, Green missing → 3.
    assert rows["Green"].leaderboard_rank is None
    assert rows["Red"].blended == pytest.approx(0.25 * 1 + 0.75 * 3)  # 2.5
    assert rows["Blue"].blended == pytest.approx(0.25 * 2 + 0.75 * 2)  # 2.0
    assert rows["Green"].blended == pytest.approx(0.25 * 3 + 0.75 * 1)  # 1.5
    assert [rows[t].position for t in ["Green", "Blue", "Red"]] == [1, 2, 3]


def test_equal_on_both_inputs_share_a_position(judged):
    scored(judged.phase, judged.blue, 0.9, 0.8)  # Blue now equals Red on the leaderboard
    sheet_for(judged.judge, judged.red_project, {judged.impact: 3, judged.craft: 3})
    sheet_for(judged.judge, judged.blue_project, {judged.impact: 3, judged.craft: 3})
    rows = rows_by_team(track_standings(judged.track))
    assert rows["Red"].leaderboard_rank == rows["Blue"].leaderboard_rank == 1
    assert rows["Red"].position == rows["Blue"].position == 1


def test_leaderboard_only_ignores_the_baseline_and_judges(judged):
    baseline, _people = make_team(judged.challenge, "Baseline", baseline=True)
    scored(judged.phase, baseline, 0.99, 0.99)
    judged.track.ranking = Track.Ranking.LEADERBOARD
    judged.track.save()
    standings = track_standings(judged.track)
    assert [(r.team_name, r.position, r.leaderboard_score) for r in standings.rows] == [
        ("Red", 1, 0.8),
        ("Blue", 2, 0.6),
    ]


def test_judges_only_ranks_teams_with_projects_and_leaves_unjudged_ones_unranked(judged):
    judged.track.ranking = Track.Ranking.JUDGES
    judged.track.save()
    sheet_for(judged.judge, judged.blue_project, {judged.impact: 3, judged.craft: 3})
    standings = track_standings(judged.track)
    assert [(r.team_name, r.position) for r in standings.rows] == [("Blue", 1), ("Red", None)]


def test_drafts_removed_judges_and_conflicts_do_not_count(judged):
    sheet_for(judged.judge, judged.red_project, {judged.impact: 5, judged.craft: 10})
    sheet_for(judged.judge2, judged.red_project, {judged.impact: 1, judged.craft: 0}, submit=False)
    rows = rows_by_team(track_standings(judged.track))
    assert rows["Red"].judges_score == 100 and rows["Red"].judges_count == 1
    third = make_role(judged.event, "judge")
    sheet_for(third, judged.red_project, {judged.impact: 1, judged.craft: 0})
    assert rows_by_team(track_standings(judged.track))["Red"].judges_score == 50
    EventRole.objects.filter(user=third).delete()  # no longer a judge: their sheet goes
    assert rows_by_team(track_standings(judged.track))["Red"].judges_score == 100
    Conflict.objects.create(judge=judged.judge, team=judged.red)  # set behind the service
    assert rows_by_team(track_standings(judged.track))["Red"].judges_score is None


def test_the_chosen_phase_is_the_leaderboard(judged):
    import datetime as dt

    from tests import factories

    final = factories.PhaseFactory(
        challenge=judged.challenge, name="Final", order=2,
        starts_at=judged.phase.ends_at, ends_at=judged.phase.ends_at + dt.timedelta(days=1),
    )  # fmt: skip
    scored(final, judged.blue, 0.5, 0.95)
    assert rows_by_team(track_standings(judged.track))["Blue"].leaderboard_rank == 1  # last phase
    judged.track.phase = judged.phase
    judged.track.save()
    assert rows_by_team(track_standings(judged.track))["Blue"].leaderboard_rank == 2
