"""Leaderboards read from the standings table (one row per team per phase, see
``services/standings.py``): a page of 100 rows costs the same few queries at 50 teams or 5,000.

Two boards per phase: *public* (ranked by the released public score: the Ladder's, or the best
raw one when the Ladder is off) and *private* (each team's best private score among its final
choices). Baselines are shown in place, unranked; teams share a rank only on an exact tie
(competition ranking: 1, 1, 3), the earlier submission listed first. What a viewer sees is
decided by ``can()``: ``phase.view_raw_scores`` (raw public scores under the Ladder) and
``phase.view_private``; the rows themselves never depend on who asks, so a rendered page of
a board can be cached per phase, language and those two answers.
"""

import copy
import datetime as dt
import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, FloatField, Max
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from .. import page_cache
from ..ladder import auto_step, replay
from ..models import Membership, Phase, Standing, StandingsDay, Submission, Team

PER_PAGE = 100
PUBLIC, PRIVATE = "public", "private"
# Sort orders other than the metrics: the rank (the board's own order), entries, last upload.
FIXED_SORTS = ("rank", "raw", "entries", "last")


def counted_submissions(phase_id: int):
    """The submissions that count on a phase's boards: scored, neither hidden nor disqualified."""
    return Submission.objects.filter(
        phase_id=phase_id,
        state=Submission.State.SCORED,
        is_hidden=False,
        is_disqualified=False,
    )


def ladder_step(phase: Phase) -> float | None:
    """The phase's Ladder step η, or None when the Ladder is off."""
    if phase.ladder == Phase.Ladder.FIXED:
        return phase.ladder_step
    if phase.ladder == Phase.Ladder.AUTO:
        return auto_step(int((phase.truth_summary or {}).get("n_public") or 0))
    return None


@dataclass
class BoardRow:
    rank: int | None  # None: a baseline, or no score
    team_id: int
    team_name: str
    is_baseline: bool
    score: float | None  # the board's score: released public, or best private
    raw: float | None  # the best raw public score (shown only to those who may see it)
    metrics: dict  # the secondary metrics of the submission behind ``score``
    entries: int
    last_submission_at: dt.datetime | None
    scored_at: dt.datetime | None  # when the submission behind ``score`` was made
    members: list[str] = field(default_factory=list)
    public_rank: int | None = None  # private board: the team's rank on the public board
    secondary_values: list = field(default_factory=list)  # in the board's column order
    # The best raw public score's sort key and time: the "raw" sort of a whole board kept in
    # memory (``page_of_board``); never shown.
    raw_key: float | None = None
    raw_at: dt.datetime | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost from the public board to the private one."""
        if self.rank is None or self.public_rank is None:
            return None
        return self.public_rank - self.rank

    @property
    def is_new(self) -> bool:
        return self.rank is not None and self.public_rank is None and not self.is_baseline


@dataclass
class Column:
    name: str
    label: str
    higher_is_better: bool


@dataclass
class Board:
    kind: str
    rows: list[BoardRow]
    page: int
    pages: int
    total: int
    sort: str
    metric: Column
    secondary: list[Column]
    show_raw: bool
    ladder_step: float | None
    per_page: int = PER_PAGE

    @property
    def first_position(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.rows) - 1

    @property
    def page_numbers(self) -> list[int]:
        """Pages worth a link: the first, the last and two on each side of this one."""
        near = range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)
        return sorted({1, self.pages, *near})


def _columns(phase: Phase) -> tuple[Column, list[Column]]:
    challenge = phase.challenge
    spec = challenge.task_spec

    def column(name: str) -> Column:
        return Column(name, spec.metric_labels.get(name, name), spec.higher_is_better[name])

    secondary = [column(m) for m in challenge.secondary_metrics or [] if m in spec.metrics]
    return column(challenge.primary_metric), secondary


# Which standings columns each board reads.
_KEYS = {
    PUBLIC: ("released_key", "released", "released_at", "released_metrics"),
    PRIVATE: ("best_private_key", "best_private", "best_private_at", "private_metrics"),
}


def _metrics_field(kind: str, raw: bool) -> str:
    if kind == PRIVATE:
        return "private_metrics"
    return "public_metrics" if raw else "released_metrics"


def rank_map(phase: Phase, kind: str, team_ids: list[int] | None = None) -> dict[int, int]:
    """``{team id: rank}`` of the ranked teams (not baselines, with a score) on one board.

    One query: a window over the phase's rows (thousands at most), filtered afterwards to
    ``team_ids`` when given. Competition ranking on the exact score.
    """
    key = _KEYS[kind][0]
    table = connection.ops.quote_name(Standing._meta.db_table)
    sql = (
        f"SELECT team_id, RANK() OVER (ORDER BY {key}) AS position FROM {table} "
        f"WHERE phase_id = %s AND is_baseline = %s AND {key} IS NOT NULL"
    )
    params: list = [phase.pk, False]
    if team_ids is not None:
        if not team_ids:
            return {}
        marks = ", ".join(["%s"] * len(team_ids))
        sql = f"SELECT team_id, position FROM ({sql}) ranked WHERE team_id IN ({marks})"
        params += list(team_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _order(kind: str, sort: str, raw: bool, columns: dict[str, Column]) -> list:
    key, _score, at, _metrics = _KEYS[kind]
    official = [F(key).asc(nulls_last=True), F(at).asc(nulls_last=True), F("team_id").asc()]
    if sort == "entries":
        return [F("entries").desc(), *official]
    if sort == "last":
        return [F("last_submission_at").desc(nulls_last=True), *official]
    if sort == "raw" and raw and kind == PUBLIC:
        return [F("best_public_key").asc(nulls_last=True), F("best_public_at").asc(), *official]
    if sort in columns:
        column = columns[sort]
        value = Cast(KT(f"{_metrics_field(kind, raw)}__{sort}"), FloatField())
        first = (
            value.desc(nulls_last=True) if column.higher_is_better else value.asc(nulls_last=True)
        )
        return [first, *official]
    return official


def _clean_sort(sort: str | None, secondary: list[Column], raw: bool, kind: str) -> str:
    allowed = {"rank", "entries", "last", *(c.name for c in secondary)}
    if raw and kind == PUBLIC:
        allowed.add("raw")
    return sort if sort in allowed else "rank"


def _members(team_ids: list[int] | None, challenge_id: int | None = None) -> dict[int, list[str]]:
    """``{team id: usernames}`` of these teams, or of every team of the challenge."""
    found: dict[int, list[str]] = {}
    members = Membership.objects.all()
    if team_ids is None:
        members = members.filter(challenge_id=challenge_id)
    else:
        members = members.filter(team_id__in=team_ids)
    for team_id, username in members.order_by("team_id", "joined_at", "pk").values_list(
        "team_id", "user__username"
    ):
        found.setdefault(team_id, []).append(username)
    return found


def _ranks_in_order(rows) -> dict[int, int]:
    """Competition ranking of ``(team id, is baseline, key)`` rows given in the board's own
    order (the key ascending, nulls last): what ``rank_map`` computes in the database, in one
    pass. Baselines and rows without a key are not ranked."""
    ranks: dict[int, int] = {}
    ranked = 0
    previous = rank = None
    for team_id, baseline, value in rows:
        if baseline or value is None:
            continue
        ranked += 1
        if value != previous:
            rank, previous = ranked, value
        ranks[team_id] = rank
    return ranks


ROW_COLUMNS = (
    "team_id", "team__name", "is_baseline", "entries", "last_submission_at", "best_public",
    "best_public_key", "best_public_at",
)  # fmt: skip


def _rows(
    phase: Phase,
    kind: str,
    raw: bool,
    queryset,
    members: bool,
    secondary: list[Column],
    whole: bool = False,
) -> list[BoardRow]:
    key, score, at, _metrics = _KEYS[kind]
    metrics_field = _metrics_field(kind, raw)
    values = list(queryset.values_list(*ROW_COLUMNS, score, at, metrics_field, key))
    team_ids = [v[0] for v in values]
    if whole:
        # The whole board, read in its own order: ranked in that order, without a query.
        ranks = _ranks_in_order((v[0], v[2], v[-1]) for v in values)
        public_ranks = rank_map(phase, PUBLIC) if kind == PRIVATE else {}
        names = _members(None, phase.challenge_id) if members else {}
    else:
        # A page: the window over the whole board, kept to the page's teams.
        ranks = rank_map(phase, kind, team_ids)
        public_ranks = rank_map(phase, PUBLIC, team_ids) if kind == PRIVATE else {}
        names = _members(team_ids) if members else {}
    rows = []
    for row in values:
        team_id, name, baseline, entries, last, best, raw_key, raw_at = row[:8]
        value, when, metrics = row[8:11]
        rows.append(
            BoardRow(
                rank=ranks.get(team_id),
                team_id=team_id,
                team_name=name,
                is_baseline=baseline,
                score=value,
                raw=best if raw else None,
                metrics=metrics or {},
                entries=entries,
                last_submission_at=last,
                scored_at=when,
                members=names.get(team_id, []),
                public_rank=public_ranks.get(team_id),
                secondary_values=[(metrics or {}).get(c.name) for c in secondary],
                raw_key=raw_key,
                raw_at=raw_at,
            )
        )
    return rows


def board_page(
    phase: Phase,
    *,
    kind: str = PUBLIC,
    raw: bool = False,
    page: int = 1,
    sort: str | None = None,
    per_page: int = PER_PAGE,
) -> Board:
    """One page of a board: the rows, their ranks and their members in five queries.

    ``raw``: whether the viewer may see raw public scores (``phase.view_raw_scores``); the
    caller has checked ``phase.view_private`` for the private board.
    """
    metric, secondary = _columns(phase)
    sort = _clean_sort(sort, secondary, raw, kind)
    standings = Standing.objects.filter(phase=phase)
    total = standings.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    order = _order(kind, sort, raw, {c.name: c for c in secondary})
    start = (page - 1) * per_page
    queryset = standings.order_by(*order)[start : start + per_page]
    return Board(
        kind=kind,
        rows=_rows(phase, kind, raw, queryset, members=True, secondary=secondary),
        page=page,
        pages=pages,
        total=total,
        sort=sort,
        metric=metric,
        secondary=secondary,
        show_raw=raw and kind == PUBLIC and ladder_step(phase) is not None,
        ladder_step=ladder_step(phase),
        per_page=per_page,
    )


def board_all(
    phase: Phase, *, kind: str = PUBLIC, raw: bool = False, members: bool = False
) -> Board:
    """Every row of a board in its own order (for the exports; with the teams' members, for
    ``kept_board``)."""
    metric, secondary = _columns(phase)
    queryset = (
        Standing.objects.filter(phase=phase)
        .select_related(None)
        .order_by(*_order(kind, "rank", raw, {}))
    )
    rows = _rows(phase, kind, raw, queryset, members=members, secondary=secondary, whole=True)
    return Board(
        kind=kind,
        rows=rows,
        page=1,
        pages=1,
        total=len(rows),
        sort="rank",
        metric=metric,
        secondary=secondary,
        show_raw=raw and kind == PUBLIC and ladder_step(phase) is not None,
        ladder_step=ladder_step(phase),
        per_page=max(len(rows), 1),
    )


# --- Whole boards kept in each process -------------------------------------------------------
# A crowd reads many pages and sorts of one board while scores arrive every second: read the
# whole board once (``board_all``'s three queries, members in) and make each page and sort from
# it in Python, instead of three queries over the whole board for each of them. A kept board
# serves requests for a newer version for ``BOARD_REFRESH_SECONDS`` after it was read, as a
# rendered board does (``page_cache.recent_html``); the page says which version it shows.


@dataclass
class KeptBoard:
    version: str  # the standings version read before the rows
    made_at: float  # when the rows were read (time.time())
    board: Board  # every row, in the board's own order
    positions: dict[int, int]  # team id → index in that order


_KEPT: OrderedDict = OrderedDict()  # (phase id, kind, raw) → KeptBoard; the latest few
# At most this many boards, and rows in all (a row takes ~2.6 KB: 30,000 rows ~80 MB per web
# process); the board used longest ago goes first, the newest stays whatever its size.
_KEPT_MAX = 16
_KEPT_ROWS = 30_000
_kept_lock = threading.Lock()
_reading: dict = {}  # (phase id, kind, raw) → the lock of the thread reading that board


def kept_board(phase: Phase, *, kind: str, raw: bool, version: str) -> KeptBoard:
    """The whole board as of ``version`` (``standings_version``, read before this), or as of
    an older version read less than ``BOARD_REFRESH_SECONDS`` ago. One thread of a process
    reads a board at a time; the others wait for its rows."""
    name = (phase.pk, kind, raw)
    kept = _fresh_enough(name, version)
    if kept is not None:
        return kept
    with _kept_lock:
        reading = _reading.setdefault(name, threading.Lock())
    with reading:
        kept = _fresh_enough(name, version)
        if kept is not None:
            return kept
        made_at = time.time()
        board = board_all(phase, kind=kind, raw=raw, members=True)
        kept = KeptBoard(
            version=version,
            made_at=made_at,
            board=board,
            positions={row.team_id: i for i, row in enumerate(board.rows)},
        )
        with _kept_lock:
            _KEPT[name] = kept
            _KEPT.move_to_end(name)
            while len(_KEPT) > 1 and (
                len(_KEPT) > _KEPT_MAX
                or sum(len(k.board.rows) for k in _KEPT.values()) > _KEPT_ROWS
            ):
                _KEPT.popitem(last=False)
        return kept


def _fresh_enough(name: tuple, version: str) -> KeptBoard | None:
    """The board kept under ``name`` if it may serve ``version`` (marked as used last)."""
    with _kept_lock:
        kept = _KEPT.get(name)
        if kept is None:
            return None
        age = time.time() - kept.made_at
        if kept.version != version and not 0 <= age < settings.BOARD_REFRESH_SECONDS:
            return None
        _KEPT.move_to_end(name)
        return kept


def forget_kept_boards() -> None:
    """Drop every board kept in this process (tests)."""
    with _kept_lock:
        _KEPT.clear()


def _sorted_rows(rows: list[BoardRow], sort: str, columns: dict[str, Column]) -> list[BoardRow]:
    """``rows`` (in the board's own order) in the order ``_order`` gives in the database: a
    stable sort on the first key keeps the board's own order among equals."""
    if sort == "entries":
        return sorted(rows, key=lambda r: r.entries, reverse=True)
    if sort == "last":  # latest first, nulls last
        return sorted(
            rows,
            key=lambda r: (r.last_submission_at is not None, r.last_submission_at or _EPOCH),
            reverse=True,
        )
    if sort == "raw":  # the best raw score's key ascending, then its time; nulls last
        return sorted(
            rows,
            key=lambda r: (
                r.raw_key is None,
                r.raw_key or 0.0,
                r.raw_at is None,
                r.raw_at or _EPOCH,
            ),
        )
    if sort in columns:
        name, sign = sort, -1.0 if columns[sort].higher_is_better else 1.0

        def by_metric(row: BoardRow) -> tuple[bool, float]:  # the best first, nulls last
            found = row.metrics.get(name)
            if not isinstance(found, int | float):
                return True, 0.0
            return False, sign * float(found)

        return sorted(rows, key=by_metric)
    return rows


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def page_of_board(
    whole: Board, *, raw: bool, page: int = 1, sort: str | None = None, per_page: int = PER_PAGE
) -> Board:
    """One page of a whole board (``board_all`` with its members), as ``board_page`` reads it
    from the database: the same rows, ranks, order and pages. The rows are copies: a caller may
    add to them (``row.html``) without touching the kept board."""
    secondary = whole.secondary
    sort = _clean_sort(sort, secondary, raw, whole.kind)
    total = len(whole.rows)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    ordered = _sorted_rows(whole.rows, sort, {c.name: c for c in secondary})
    start = (page - 1) * per_page
    return Board(
        kind=whole.kind,
        rows=[copy.copy(row) for row in ordered[start : start + per_page]],
        page=page,
        pages=pages,
        total=total,
        sort=sort,
        metric=whole.metric,
        secondary=secondary,
        show_raw=whole.show_raw,
        ladder_step=whole.ladder_step,
        per_page=per_page,
    )


def team_board_page(phase: Phase, team_id: int, *, kind: str = PUBLIC) -> int | None:
    """The page of the board (in its own order) that holds the team, or None if absent."""
    key, _score, at, _metrics = _KEYS[kind]
    row = Standing.objects.filter(phase=phase, team_id=team_id).values_list(key, at).first()
    if row is None:
        return None
    value, when = row
    standings = Standing.objects.filter(phase=phase)
    if value is None:
        ahead = (
            standings.filter(**{f"{key}__isnull": False}).count()
            + standings.filter(**{f"{key}__isnull": True, "team_id__lt": team_id}).count()
        )
    else:
        ahead = (
            standings.filter(**{f"{key}__lt": value}).count()
            + standings.filter(**{key: value, f"{at}__lt": when}).count()
            + standings.filter(**{key: value, at: when, "team_id__lt": team_id}).count()
        )
    return ahead // PER_PAGE + 1


def private_and_public_ranks(phase: Phase) -> dict[int, tuple[int | None, int | None]]:
    """``{team id: (private rank, public rank)}`` for every ranked team (for the reveal)."""
    private = rank_map(phase, PRIVATE)
    public = rank_map(phase, PUBLIC)
    return {team: (private.get(team), public.get(team)) for team in set(private) | set(public)}


def standings_version(phase: Phase) -> str:
    """A short tag that changes whenever the phase's boards may show something new: a row
    written or removed (the phase's standings token, ``page_cache.standings_changed``), a
    setting the boards depend on, or the event's content version (a team's members changed,
    say). One cache round trip, no query: an open board asks for it every few seconds."""
    challenge = phase.challenge
    if page_cache.enabled():
        token, content = page_cache.versions(phase.pk, challenge.event_id)
        keys = page_cache.version_keys(phase.pk, challenge.event_id)
        phase.__dict__["_version_deps"] = dict(zip(keys, (token, content), strict=True))
    else:
        # No shared cache to hold a token: the rows themselves (one small indexed query).
        summary = Standing.objects.filter(phase_id=phase.pk).aggregate(
            n=Count("id"), at=Max("updated_at")
        )
        token = f"{summary['n']}|{summary['at'].isoformat() if summary['at'] else ''}"
        content = page_cache.content_version(challenge.event_id)
    parts = [
        phase.pk,
        token,
        challenge.primary_metric,
        ",".join(challenge.secondary_metrics or []),
        phase.private_revealed_at.isoformat() if phase.private_revealed_at else "",
        phase.ladder,
        phase.ladder_step,
        content,
    ]
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


# --- History --------------------------------------------------------------------------------


@dataclass
class Series:
    """One team's score over time: (time, value) points; ``marks``: the submissions' own
    scores (raw viewers) or the moments the released score moved (under the Ladder)."""

    team_id: int
    label: str
    points: list[tuple[dt.datetime, float]]
    marks: list[tuple[dt.datetime, float]] = field(default_factory=list)


def _team_series(
    phase: Phase, rows: list[tuple], raw: bool, team_id: int, label: str, marks: bool = True
) -> Series | None:
    """The running best (raw) or released score (Ladder) at each change; with ``marks``, each
    submission's own score (raw) or the moments the released score moved (Ladder)."""
    higher = phase.challenge.higher_is_better
    step = None if raw else ladder_step(phase)
    steps = replay([score for _at, score in rows], step, higher)
    points, marked = [], []
    for (created, score), taken in zip(rows, steps, strict=True):
        if taken.moved:
            points.append((created, taken.released))
        if marks and raw and score is not None:
            marked.append((created, score))
        elif marks and not raw and taken.moved:
            marked.append((created, taken.released))
    if not points:
        return None
    return Series(team_id, label, points, marked)


def top_history(phase: Phase, *, raw: bool, top: int = 10) -> list[Series]:
    """The best score over time of the board's top ``top`` ranked teams (two queries)."""
    leaders = list(
        Standing.objects.filter(phase=phase, is_baseline=False, released_key__isnull=False)
        .order_by("released_key", "released_at", "team_id")
        .values_list("team_id", "team__name")[:top]
    )
    by_team: dict[int, list] = {team_id: [] for team_id, _name in leaders}
    for team_id, created, score in (
        counted_submissions(phase.pk)
        .filter(team_id__in=list(by_team))
        .order_by("team_id", "created_at", "id")
        .values_list("team_id", "created_at", "public_score")
    ):
        by_team[team_id].append((created, score))
    series = [
        _team_series(phase, by_team[team_id], raw, team_id, name) for team_id, name in leaders
    ]
    return [s for s in series if s is not None]


def team_history(phase: Phase, team: Team, *, raw: bool) -> Series | None:
    rows = list(
        counted_submissions(phase.pk)
        .filter(team=team)
        .order_by("created_at", "id")
        .values_list("created_at", "public_score")
    )
    return _team_series(phase, rows, raw, team.pk, team.name)


def daily_submissions(phase: Phase) -> list[tuple[dt.date, int]]:
    """Submissions that count on the board, per UTC day, with the empty days in between."""
    counts = dict(StandingsDay.objects.filter(phase=phase).values_list("day", "submissions"))
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = (last - first).days + 1
    return [
        (first + dt.timedelta(days=i), counts.get(first + dt.timedelta(days=i), 0))
        for i in range(days)
    ]


# --- One submission under the Ladder --------------------------------------------------------


@dataclass
class LadderOutcome:
    released: float | None  # the team's released score right after this submission
    moved: bool  # whether this submission changed it
    step: float


def ladder_outcome(submission: Submission) -> LadderOutcome | None:
    """What the public board released for this submission, if its phase uses the Ladder and
    it counts (scored, neither hidden nor disqualified)."""
    phase = submission.phase
    step = ladder_step(phase)
    if step is None:
        return None
    rows = list(
        counted_submissions(phase.pk)
        .filter(team_id=submission.team_id)
        .order_by("created_at", "id")
        .values_list("id", "public_score")
    )
    steps = replay([score for _id, score in rows], step, phase.challenge.higher_is_better)
    for (pk, _score), taken in zip(rows, steps, strict=True):
        if pk == submission.pk:
            return LadderOutcome(taken.released, taken.moved, step)
    return None


def released_submission_ids(phase: Phase, team: Team) -> dict:
    """``{submission id: released value after it}`` for a team's counted submissions."""
    step = ladder_step(phase)
    rows = list(
        counted_submissions(phase.pk)
        .filter(team=team)
        .order_by("created_at", "id")
        .values_list("id", "public_score")
    )
    steps = replay([s for _id, s in rows], step, phase.challenge.higher_is_better)
    return {pk: (taken.released, taken.moved) for (pk, _s), taken in zip(rows, steps, strict=True)}


def public_leaderboard(phase: Phase) -> list[BoardRow]:
    """Every row of the public board (released scores), in its order: for other apps."""
    return board_all(phase, kind=PUBLIC).rows


def private_leaderboard(phase: Phase) -> list[BoardRow]:
    """Every row of the private board, in its order (the caller checks who may see it)."""
    return board_all(phase, kind=PRIVATE).rows
