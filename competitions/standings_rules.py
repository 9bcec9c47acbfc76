"""What a team's row on a phase's leaderboards is, computed from its submissions.

Plain functions of plain values (no database), so the live updates, the rebuild command, the
migration that built the first standings and the tests all agree by construction.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .ladder import replay


@dataclass(frozen=True)
class Entry:
    """One submission that counts on the board: scored, neither hidden nor disqualified."""

    id: object
    created_at: dt.datetime
    public: float | None
    private: float | None
    is_final: bool


@dataclass
class TeamStanding:
    entries: int
    last_submission_at: dt.datetime
    daily: dict[str, int]
    best: Entry | None  # best raw public score
    released: float | None  # the Ladder's released value (the best raw one without a Ladder)
    released_entry: Entry | None  # the submission that last moved it
    private: Entry | None  # best private score among the final choices
    candidates: list[Entry] = field(default_factory=list)


def score_key(value: float | None, higher: bool) -> float | None:
    """The sort key of a score: smaller is always better."""
    if value is None:
        return None
    return -value if higher else value


def _better_first(score_of, higher: bool):
    def key(entry: Entry):
        score = score_of(entry)
        return (score is None, score_key(score, higher) or 0.0, entry.created_at, str(entry.id))

    return key


def utc_day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def team_standing(
    entries: Sequence[Entry], *, higher: bool, final_limit: int, step: float | None
) -> TeamStanding | None:
    """A team's standing from its counted submissions, given in submission order.

    - best public: the best raw public score, the earlier submission on a tie;
    - released: the Ladder over the public scores in submission order (``step`` None: off);
    - private: the best private score among the final choices; a team that chose none is
      judged on its best ``final_limit`` submissions by public score (all of them when the
      challenge does not use final selection, ``final_limit`` 0).
    """
    if not entries:
        return None
    daily: dict[str, int] = {}
    for entry in entries:
        day = utc_day(entry.created_at)
        daily[day] = daily.get(day, 0) + 1
    by_public = sorted(entries, key=_better_first(lambda e: e.public, higher))
    best = by_public[0] if by_public[0].public is not None else None
    released, released_entry = None, None
    for entry, step_taken in zip(
        entries, replay([e.public for e in entries], step, higher), strict=True
    ):
        if step_taken.moved:
            released, released_entry = step_taken.released, entry
    finals = [e for e in entries if e.is_final]
    if finals:
        candidates = finals
    elif final_limit:
        candidates = by_public[:final_limit]
    else:
        candidates = list(entries)
    private = sorted(candidates, key=_better_first(lambda e: e.private, higher))[0]
    return TeamStanding(
        entries=len(entries),
        last_submission_at=max(e.created_at for e in entries),
        daily=daily,
        best=best,
        released=released,
        released_entry=released_entry,
        private=private,
        candidates=candidates,
    )
