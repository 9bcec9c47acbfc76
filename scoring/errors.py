"""Errors of the scoring core, and how offending values are listed in their messages.

``InvalidSubmission`` messages are shown to participants as they are, so they may only repeat what
the participant sent (ids, labels, line numbers of their own file) and what they were told (the
expected format). They never name a truth cluster, a public/private assignment or a truth id.
``InvalidTruth`` messages are for organisers and may say anything about the truth file.
"""

from collections.abc import Iterable


class ScoringError(Exception):
    """Base class: a file could not be scored."""


class InvalidSubmission(ScoringError):
    """The participant's file is wrong; the message says what and what was expected."""


class InvalidTruth(ScoringError):
    """The organiser's ground-truth file is wrong."""


MAX_EXAMPLES = 10
_MAX_SHOWN_CHARS = 60


def show(value: object) -> str:
    """One value as it appears in a message: quoted, escaped, and cut if very long."""
    text = str(value)
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[: _MAX_SHOWN_CHARS - 1] + "…"
    return repr(text)


def examples(values: Iterable[object], total: int | None = None) -> str:
    """``'a', 'b', … (first 10 of 1,234)``: the first distinct values, in file order."""
    shown: list[str] = []
    seen: set[object] = set()
    for value in values:
        if value in seen:
            continue
        seen.add(value)
        shown.append(show(value))
        if len(shown) == MAX_EXAMPLES:
            break
    text = ", ".join(shown)
    if total is not None and total > len(shown):
        text += f" (first {len(shown)} of {total:,})"
    return text


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,234 ids``."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
