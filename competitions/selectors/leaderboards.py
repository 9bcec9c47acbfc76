"""Leaderboards: the database picks each team's rows with window functions, so a phase with
tens of thousands of submissions sends one row (public) or at most N rows (private) per team."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Max, Q, Window
from django.db.models.functions import Cast, RowNumber

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


ROW_FIELDS = ("team_id", "team__name", "team__is_baseline", "id", "created_at", "entries")


def _visible_scored(phase: Phase):
    return Submission.objects.filter(
        phase=phase,
        state=Submission.State.SCORED,
        is_hidden=False,
        is_disqualified=False,
    )


def _best_first(field: str, higher_is_better: bool) -> list:
    """Best score first (missing scores last), then the earliest submission."""
    score = F(field).desc(nulls_last=True) if higher_is_better else F(field).asc(nulls_last=True)
    return [score, F("created_at").asc(), F("id").asc()]


def _per_team(phase: Phase, order: list):
    team = [F("team_id")]
    return _visible_scored(phase).annotate(
        position=Window(RowNumber(), partition_by=team, order_by=order),
        entries=Window(Count("id"), partition_by=team),
    )


def _rank(rows: list[LeaderboardRow], higher_is_better: bool) -> list[LeaderboardRow]:
    """Best score first; a tie goes to the team that reached it first (as on Kaggle), and tied
    teams share a rank."""

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


def _row(values: tuple, score: float | None) -> LeaderboardRow:
    team_id, name, baseline, sub_id, created, entries = values
    return LeaderboardRow(0, team_id, name, baseline, score, str(sub_id), created, entries)


def public_leaderboard(phase: Phase) -> list[LeaderboardRow]:
    higher = phase.challenge.higher_is_better
    rows = (
        _per_team(phase, _best_first("public_score", higher))
        .filter(position=1)
        .values_list(*ROW_FIELDS, "public_score")
    )
    return _rank([_row(values[:-1], values[-1]) for values in rows], higher)


def private_leaderboard(phase: Phase) -> list[LeaderboardRow]:
    """Each team's best private score among its final choices (or, if it chose none, among its
    best N by public score, N being the challenge's final-selection limit)."""
    higher = phase.challenge.higher_is_better
    limit = phase.challenge.final_selection_limit
    rows = (
        _per_team(phase, _best_first("public_score", higher))
        .annotate(finals=Window(Max(Cast("is_final", IntegerField())), partition_by=[F("team_id")]))
        .filter(Q(finals=1, is_final=True) | Q(finals=0, position__lte=limit))
        .order_by(*_best_first("private_score", higher))
        .values_list(*ROW_FIELDS, "private_score")
    )
    best: dict[int, LeaderboardRow] = {}
    for values in rows:  # best private first: the first row of each team is its pick
        if values[0] not in best:
            best[values[0]] = _row(values[:-1], values[-1])
    return _rank(list(best.values()), higher)
