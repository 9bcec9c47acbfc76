"""The Ladder (Blum & Hardt, 2015): a public board that resists probing of the public truth.

A team's *released* public score changes only when a new submission beats the released score
by more than a step η; it is then set to the new score rounded to a multiple of η. Otherwise the
board keeps the previous value, so a team that submits many small variations learns nothing
about which of them did better on the public part of the truth. See ``competitions/README.md``.

Plain functions of plain values: the standings service, the migration that builds the first
standings and the tests all call them.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Steps the parameter-free variant chooses from: 1, 2 or 5 × 10^-k, so released scores have few
# digits and a person can read them.
_NICE = (5.0, 2.0, 1.0)


def auto_step(n_public: int) -> float | None:
    """The parameter-free step for a public part of ``n_public`` items.

    The paper's parameter-free Ladder releases a score when it beats the released one by more
    than s/√n, s being the standard deviation of the per-item loss differences of the two
    submissions (a one-sided paired test). The clustering metrics of ad linkage are not averages
    over items, so there is no per-item loss to take it from; for scores in [0, 1] that
    deviation is at most 1, so we take the bound, 1/√n, rounded down to 1, 2 or 5 × 10^-k.
    """
    if not n_public or n_public < 1:
        return None
    bound = 1.0 / math.sqrt(n_public)
    exponent = math.floor(math.log10(bound))
    for mantissa in _NICE:
        step = mantissa * 10.0**exponent
        if step <= bound * (1 + 1e-12):
            return round(step, 12)
    return round(10.0**exponent, 12)  # pragma: no cover (1 × 10^k always fits)


def round_to_step(value: float, step: float) -> float:
    """``value`` rounded to the nearest multiple of ``step`` (the paper's [x]_η)."""
    return round(round(value / step) * step, 12)


def improves(score: float, released: float | None, step: float | None, higher: bool) -> bool:
    """Whether ``score`` is released over the current ``released`` value.

    Without a step (Ladder off) any strict improvement is; a tie keeps the earlier submission.
    """
    if released is None:
        return True
    margin = step or 0.0
    return score > released + margin if higher else score < released - margin


def release(score: float, step: float | None) -> float:
    return score if step is None else round_to_step(score, step)


@dataclass(frozen=True)
class LadderStep:
    """What the public board showed for the team after one submission."""

    released: float | None  # the team's released score after this submission
    moved: bool  # whether this submission changed it


def replay(scores: Iterable[float | None], step: float | None, higher: bool) -> list[LadderStep]:
    """Run the Ladder over a team's public scores in submission order (``None``: no score)."""
    released: float | None = None
    steps = []
    for score in scores:
        moved = score is not None and improves(score, released, step, higher)
        if moved:
            released = release(score, step)
        steps.append(LadderStep(released, moved))
    return steps
