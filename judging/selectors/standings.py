"""A track's final standings, with every input shown so anyone can recompute them.

- **Leaderboard**: the private leaderboard over final submissions
  (``competitions.selectors.leaderboards.private_leaderboard``) of the track's phase, without
  the organisers' baseline; ranks as there (equal scores share a rank).
- **A sheet's score**: each criterion's score placed on 0–1 within its scale
  ((score − lowest) / (highest − lowest)), weighted by the criteria's weights, times 100.
  Only submitted sheets of current judges without a conflict count, on projects judges may
  see (screened eligible, or not screened when the track does not require screening).
- **Normalisation** (optional): each judge's sheet scores in the track are centred on that
  judge's mean and divided by their standard deviation (population; a judge whose scores are
  all equal, or who scored one project, gives 0), so a harsh and a generous judge weigh the same.
- **Panels**: a sheet of a panel is scored on that panel's criteria only (without panels, on
  every criterion); normalisation is within each judge's sheets of one panel and round. A
  project's score in a panel is the mean of that panel's sheets (or of their z-scores).
- **Judges' score** of a project: the weighted mean of its panels' scores by the panels'
  weights, over the panels that scored it (without panels: the mean of its sheets);
  judges' ranks: highest first, equal scores share a rank.
- **Rounds**: with a shortlist round only final-round sheets make the judges' score. The
  shortlist round scores every criterion; its score is always normalised (the mean of the
  project's z-scores within each shortlisting judge); the top K go on (all teams tied with
  the Kth too). Finalists take the judges' ranks first, by their final score; the projects
  that did not go on follow, by their shortlist score.
- **Final position**:
  leaderboard only: the leaderboard rank;
  judges only: the judges' rank, ties broken by the leaderboard rank;
  blend: w × leaderboard rank + (1 − w) × judges' rank (lower is better), ties broken by the
  leaderboard rank. A team missing from one input counts as one place below the last team
  ranked there. Teams equal on both share a position.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction

from competitions.models import EventRole, Phase
from competitions.selectors.leaderboards import private_leaderboard

from ..models import Conflict, Criterion, CriterionScore, Project, ScoreSheet, Track

# Judges' scores equal to this many decimals are a tie (float sums in another order differ
# in the last bits).
TIE_DECIMALS = 9


@dataclass
class StandingRow:
    team_id: int
    team_name: str
    project: Project | None = None
    leaderboard_score: float | None = None
    leaderboard_rank: int | None = None
    judges_score: float | None = None  # mean of sheet scores, 0–100
    judges_normalised: float | None = None  # mean of z-scores, when normalising
    judges_count: int = 0
    judges_rank: int | None = None
    panel_scores: dict = field(default_factory=dict)  # panel name → score (or z mean)
    round_reached: str = ""
    shortlist_score: float | None = None
    panel_values: list = field(default_factory=list)  # as ``Standings.panels``
    blended: float | None = None
    position: int | None = None


@dataclass
class Standings:
    track: Track
    phase: Phase | None
    metric_label: str
    rows: list[StandingRow] = field(default_factory=list)
    panels: list[str] = field(default_factory=list)

    @property
    def ranked(self) -> list[StandingRow]:
        return [row for row in self.rows if row.position is not None]


@dataclass
class SheetScore:
    sheet_id: int
    judge_id: int
    project_id: int
    score: float  # 0–100
    z: float | None = None
    round: str = ScoreSheet.Round.FINAL
    panel_id: int | None = None


def track_phase(track: Track) -> Phase | None:
    """The phase whose leaderboard counts: the chosen one, else the challenge's last."""
    if track.phase_id is not None:
        return track.phase
    return track.challenge.phases.order_by("order", "starts_at").last()


@dataclass
class BoardEntry:
    team_name: str
    score: float | None
    rank: int | None


def leaderboard_ranks(phase: Phase | None) -> dict[int, BoardEntry]:
    """``{team_id: entry}`` of the phase's private leaderboard without the organisers'
    baseline, in the leaderboard's order, ranked again without it."""
    if phase is None:
        return {}
    result: dict[int, BoardEntry] = {}
    position, previous, rank = 0, None, None
    for row in private_leaderboard(phase):
        if row.is_baseline:
            continue
        position += 1
        if row.score is None:
            result[row.team_id] = BoardEntry(row.team_name, None, None)
            continue
        if previous is None or row.score != previous:
            rank = position
        previous = row.score
        result[row.team_id] = BoardEntry(row.team_name, row.score, rank)
    return result


def sheet_value(values: dict[int, int], criteria: list[Criterion]) -> float | None:
    """A sheet's weighted score on 0–100; None if a criterion has no score."""
    total_weight = sum(float(c.weight) for c in criteria)
    if not criteria or total_weight <= 0:
        return None
    total = 0.0
    for criterion in criteria:
        if criterion.pk not in values:
            return None
        span = criterion.scale_max - criterion.scale_min
        total += float(criterion.weight) * (values[criterion.pk] - criterion.scale_min) / span
    return 100.0 * total / total_weight


def z_scores(scores: list[float]) -> list[float]:
    """Centred on the mean, divided by the population standard deviation (0 when it is 0)."""
    if not scores:
        return []
    mean = sum(scores) / len(scores)
    spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
    if spread == 0:
        return [0.0 for _ in scores]
    return [(s - mean) / spread for s in scores]


def sheet_criteria(track: Track, round_: str, panel_id: int | None, criteria=None) -> list:
    """The criteria a sheet is scored on: every criterion in the shortlist round (and without
    panels), the panel's own in the final round."""
    criteria = list(track.criteria.all()) if criteria is None else criteria
    if round_ == ScoreSheet.Round.SHORTLIST or panel_id is None:
        return criteria
    return [c for c in criteria if c.panel_id == panel_id]


def counted_sheets(track: Track, round_: str | None = None) -> list[SheetScore]:
    """Submitted sheets of the event's current judges, never a conflicted pair, on judgeable
    projects, with their scores and z-scores (within each judge, round and panel). All rounds
    unless ``round_`` is given."""
    criteria = list(track.criteria.all())
    judges = EventRole.objects.filter(event=track.event, role=EventRole.Role.JUDGE).values(
        "user_id"
    )
    query = ScoreSheet.objects.filter(
        track.judgeable_filter("project__"),
        project__track=track,
        project__team__is_baseline=False,
        state=ScoreSheet.State.SUBMITTED,
        judge_id__in=judges,
    )
    if round_ is not None:
        query = query.filter(round=round_)
    sheets = list(
        query.values_list("pk", "judge_id", "project_id", "project__team_id", "round", "panel_id")
    )
    conflicts = set(
        Conflict.objects.filter(team__challenge=track.challenge).values_list("judge_id", "team_id")
    )
    values: dict[int, dict[int, int]] = {}
    for sheet_id, criterion_id, value in CriterionScore.objects.filter(
        sheet_id__in=[s[0] for s in sheets]
    ).values_list("sheet_id", "criterion_id", "value"):
        values.setdefault(sheet_id, {})[criterion_id] = value
    scored = []
    for sheet_id, judge_id, project_id, team_id, round_name, panel_id in sheets:
        if (judge_id, team_id) in conflicts:
            continue
        own = sheet_criteria(track, round_name, panel_id, criteria)
        score = sheet_value(values.get(sheet_id, {}), own)
        if score is not None:
            scored.append(
                SheetScore(sheet_id, judge_id, project_id, score, None, round_name, panel_id)
            )
    groups: dict[tuple, list[SheetScore]] = {}
    for item in scored:
        groups.setdefault((item.judge_id, item.round, item.panel_id), []).append(item)
    for items in groups.values():
        for item, z in zip(items, z_scores([i.score for i in items]), strict=True):
            item.z = z
    return scored


def shortlist_scores(track: Track) -> dict[int, float]:
    """``{project_id: mean z-score}`` of the shortlist round (always normalised)."""
    by_project: dict[int, list[float]] = {}
    for item in counted_sheets(track, ScoreSheet.Round.SHORTLIST):
        by_project.setdefault(item.project_id, []).append(item.z)
    return {pid: sum(zs) / len(zs) for pid, zs in by_project.items()}


def competition_ranks(values: dict[int, float], *, higher_is_better: bool = True) -> dict:
    """``{key: rank}``, best first; equal values share a rank ("1, 2, 2, 4")."""
    ordered = sorted(values.items(), key=lambda kv: -kv[1] if higher_is_better else kv[1])
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if previous is None or value != previous:
            rank = position
        previous = value
        ranks[key] = rank
    return ranks


def _positions(rows: list[StandingRow], key) -> None:
    """Give positions by ``key`` (None: unranked), equal keys sharing one."""
    ranked = sorted((r for r in rows if key(r) is not None), key=key)
    previous, position = None, 0
    for index, row in enumerate(ranked, start=1):
        if key(row) != previous:
            position = index
        previous = key(row)
        row.position = position


def track_standings(track: Track) -> Standings:
    phase = track_phase(track)
    spec = track.challenge.task_spec
    standings = Standings(
        track=track,
        phase=phase,
        metric_label=spec.metric_labels.get(track.challenge.primary_metric, ""),
    )
    board = leaderboard_ranks(phase)  # judges only: it still breaks ties
    projects = {
        p.team_id: p
        for p in Project.objects.filter(track=track, team__is_baseline=False).select_related("team")
    }
    team_names = {p.team_id: p.team.name for p in projects.values()}
    for team_id, entry in board.items():
        team_names.setdefault(team_id, entry.team_name)

    if track.ranking == Track.Ranking.LEADERBOARD:
        team_ids = list(board)
    elif track.ranking == Track.Ranking.JUDGES:
        team_ids = list(projects)
    else:
        team_ids = list(dict.fromkeys([*board, *projects]))

    rows = {
        team_id: StandingRow(team_id=team_id, team_name=team_names[team_id]) for team_id in team_ids
    }
    for team_id, row in rows.items():
        row.project = projects.get(team_id)
        entry = board.get(team_id)
        if entry is not None:
            row.leaderboard_score, row.leaderboard_rank = entry.score, entry.rank

    if track.uses_judges:
        _judges_columns(track, rows, projects)
        standings.panels = [p.name for p in track.panels.all()]
        for row in rows.values():
            row.panel_values = [row.panel_scores.get(name) for name in standings.panels]

    ordered = list(rows.values())
    worst = math.inf
    if track.ranking == Track.Ranking.LEADERBOARD:
        _positions(ordered, lambda r: r.leaderboard_rank)
    elif track.ranking == Track.Ranking.JUDGES:
        _positions(
            ordered,
            lambda r: (
                None
                if r.judges_rank is None
                else (r.judges_rank, r.leaderboard_rank if r.leaderboard_rank else worst)
            ),
        )
    else:
        _blend(track, ordered)
    ordered.sort(
        key=lambda r: (r.position is None, r.position or 0, r.team_name.lower(), r.team_id)
    )
    standings.rows = ordered
    return standings


def _judges_columns(track: Track, rows: dict[int, StandingRow], projects: dict) -> None:
    sheets = counted_sheets(track, ScoreSheet.Round.FINAL)
    panels = {p.pk: p for p in track.panels.all()}
    by_project: dict[int, list[SheetScore]] = {}
    for item in sheets:
        by_project.setdefault(item.project_id, []).append(item)
    judged, later = {}, {}
    for team_id, row in rows.items():
        project = projects.get(team_id)
        if project is not None:
            row.round_reached = project.round_reached
            row.shortlist_score = project.shortlist_score
        items = by_project.get(project.pk, []) if project else []
        if track.shortlist and project is not None and not project.finalist:
            items = []  # a sheet of the final round for a project that did not go on
            if project.shortlist_score is not None:
                later[team_id] = round(project.shortlist_score, TIE_DECIMALS)
        row.judges_count = len(items)
        if not items:
            continue
        by_panel: dict[int | None, list[SheetScore]] = {}
        for item in items:
            by_panel.setdefault(item.panel_id, []).append(item)
        raw_total = z_total = weight_total = 0.0
        for panel_id, group in by_panel.items():
            panel = panels.get(panel_id)
            weight = float(panel.weight) if panel is not None else 1.0
            raw = sum(i.score for i in group) / len(group)
            z = sum(i.z for i in group) / len(group)
            if panel is not None:
                row.panel_scores[panel.name] = z if track.normalise else raw
            raw_total += weight * raw
            z_total += weight * z
            weight_total += weight
        row.judges_score = raw_total / weight_total
        if track.normalise:
            row.judges_normalised = z_total / weight_total
        value = row.judges_normalised if track.normalise else row.judges_score
        judged[team_id] = round(value, TIE_DECIMALS)
    for team_id, rank in competition_ranks(judged).items():
        rows[team_id].judges_rank = rank
    for team_id, rank in competition_ranks(later).items():
        rows[team_id].judges_rank = len(judged) + rank


def _blend(track: Track, rows: list[StandingRow]) -> None:
    weight = Fraction(track.leaderboard_weight, 100)
    board_last = sum(1 for r in rows if r.leaderboard_rank is not None) + 1
    judged_last = sum(1 for r in rows if r.judges_rank is not None) + 1
    keys = {}
    for row in rows:
        board = row.leaderboard_rank or board_last
        judges = row.judges_rank or judged_last
        blended = weight * board + (1 - weight) * judges
        row.blended = float(blended)
        keys[row.team_id] = (blended, board)
    _positions(rows, lambda r: keys[r.team_id])
