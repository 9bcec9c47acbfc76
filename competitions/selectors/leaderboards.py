"""Leaderboards: each team's best score in a phase, ranked in one query and one pass."""

import datetime as dt
from dataclasses import dataclass

from ..models import Phase, Submission


@dataclass
class LeaderboardRow:
    rank: int
    team_id: int
    team_name: str
    is_baseline: bool
    score: float | None
    submission_id: str
    submitted_at: dt.datetime
    entries: int


def _visible_scored(phase: Phase):
    return Submission.objects.filter(
        phase=phase,
        state=Submission.State.SCORED,
        is_hidden=False,
        is_disqualified=False,
    )


def _rank(rows: list[LeaderboardRow], higher_is_better: bool) -> list[LeaderboardRow]:
    """Best score first; a tie goes to the team that reached it first (as on Kaggle)."""

    def key(row: LeaderboardRow):
        missing = row.score is None
        value = 0.0 if missing else (-row.score if higher_is_better else row.score)
        return (missing, value, row.submitted_at)

    rows.sort(key=key)
    previous = None
    for position, row in enumerate(rows, start=1):
        if previous is not None and row.score == previous.score:
            row.rank = previous.rank
        else:
            row.rank = position
        previous = row
    return rows


def _better(a: float | None, b: float | None, higher_is_better: bool) -> bool:
    if a is None:
        return False
    if b is None:
        return True
    return a > b if higher_is_better else a < b


def public_leaderboard(phase: Phase) -> list[LeaderboardRow]:
    higher = phase.challenge.higher_is_better
    best: dict[int, LeaderboardRow] = {}
    rows = (
        _visible_scored(phase)
        .values_list(
            "team_id",
            "team__name",
            "team__is_baseline",
            "id",
            "public_score",
            "created_at",
        )
        .order_by("created_at")
    )
    for team_id, name, baseline, sub_id, score, created in rows:
        row = best.get(team_id)
        if row is None:
            best[team_id] = LeaderboardRow(
                0, team_id, name, baseline, score, str(sub_id), created, 1
            )
            continue
        row.entries += 1
        if _better(score, row.score, higher):
            row.score, row.submission_id, row.submitted_at = score, str(sub_id), created
    return _rank(list(best.values()), higher)


def private_leaderboard(phase: Phase) -> list[LeaderboardRow]:
    """Each team's best private score among its final choices (or, if it chose none, among its
    best N by public score, N being the challenge's final-selection limit)."""
    higher = phase.challenge.higher_is_better
    limit = phase.challenge.final_selection_limit
    by_team: dict[int, list[tuple]] = {}
    rows = (
        _visible_scored(phase)
        .values_list(
            "team_id",
            "team__name",
            "team__is_baseline",
            "id",
            "public_score",
            "private_score",
            "created_at",
            "is_final",
        )
        .order_by("created_at")
    )
    for row in rows:
        by_team.setdefault(row[0], []).append(row)
    board = []
    for team_id, subs in by_team.items():
        chosen = [s for s in subs if s[7]]
        if not chosen:
            ranked = sorted(
                subs,
                key=lambda s: (s[4] is None, -(s[4] or 0) if higher else (s[4] or 0), s[6]),
            )
            chosen = ranked[:limit]
        pick = None
        for s in chosen:
            if pick is None or _better(s[5], pick[5], higher):
                pick = s
        board.append(
            LeaderboardRow(0, team_id, pick[1], pick[2], pick[5], str(pick[3]), pick[6], len(subs))
        )
    return _rank(board, higher)
