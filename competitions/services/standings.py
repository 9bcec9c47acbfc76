"""Standings: one row per team per phase, written in the same transaction as every event that
changes it, so a leaderboard page reads at most a page of rows and never the submissions.

Locking: every writer locks the team rows it changes (``lock_teams``, in id order) before it
touches their submissions, and a rebuild locks every team of the challenge first. So two
transactions never compute one team's row from different views of its submissions, and no
lock is ever taken in the opposite order (which would deadlock with the scoring worker).
Phase rows are locked with ``no_key=True`` by their editors, which lets standings rows (whose
key points at the phase) be inserted meanwhile.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .. import page_cache
from ..ladder import round_to_step
from ..models import Challenge, Phase, Standing, StandingsDay, Submission, Team
from ..selectors.leaderboards import counted_submissions, ladder_step
from ..standings_rules import Entry, TeamStanding, score_key, team_standing

ENTRY_FIELDS = ("id", "created_at", "public_score", "private_score", "is_final")


def lock_teams(team_ids) -> dict[int, bool]:
    """Lock these team rows (in id order); returns ``{id: is_baseline}`` of those that exist."""
    ids = sorted({pk for pk in team_ids if pk is not None})
    if not ids:
        return {}
    return dict(
        Team.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "is_baseline")
    )


def lock_challenge_teams(challenge_id: int) -> None:
    """Lock every team of a challenge (in id order): no standing changes until commit."""
    list(
        Team.objects.select_for_update()
        .filter(challenge_id=challenge_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_submission_team(submission_id) -> int | None:
    """Lock the team that owns this submission now; a merge may move it while we wait."""
    team_id = Submission.objects.filter(pk=submission_id).values_list("team_id", flat=True).first()
    while team_id is not None:
        lock_teams([team_id])
        now = Submission.objects.filter(pk=submission_id).values_list("team_id", flat=True).first()
        if now == team_id:
            return team_id
        team_id = now
    return None


def _entries(rows) -> list[Entry]:
    return [Entry(*row) for row in rows]


def _compute(phase: Phase, entries: list[Entry]) -> TeamStanding | None:
    challenge = phase.challenge
    return team_standing(
        entries,
        higher=challenge.higher_is_better,
        final_limit=challenge.final_selection_limit,
        step=ladder_step(phase),
    )


def _needed_ids(standing: TeamStanding) -> set:
    return {e.id for e in (standing.best, standing.released_entry, standing.private) if e}


def _metrics(ids) -> dict:
    """``{submission id: (public metrics, private metrics)}``, in chunks."""
    ids = list(ids)
    found = {}
    for start in range(0, len(ids), 2000):
        for pk, public, private in Submission.objects.filter(
            pk__in=ids[start : start + 2000]
        ).values_list("id", "public_scores", "private_scores"):
            found[pk] = (public or {}, private or {})
    return found


def _released_metrics(metrics: dict, step: float | None) -> dict:
    """What participants see of the released submission's metrics: rounded like its score."""
    if step is None:
        return dict(metrics)
    return {
        name: round_to_step(value, step) if isinstance(value, float) else value
        for name, value in metrics.items()
    }


def _fields(phase: Phase, standing: TeamStanding, metrics: dict, now: dt.datetime) -> dict:
    higher = phase.challenge.higher_is_better
    step = ladder_step(phase)
    best, released, private = standing.best, standing.released_entry, standing.private
    return {
        "entries": standing.entries,
        "last_submission_at": standing.last_submission_at,
        "daily": standing.daily,
        "best_public": best.public if best else None,
        "best_public_key": score_key(best.public, higher) if best else None,
        "best_public_at": best.created_at if best else None,
        "best_public_submission_id": best.id if best else None,
        "public_metrics": metrics[best.id][0] if best else {},
        "released": standing.released,
        "released_key": score_key(standing.released, higher),
        "released_at": released.created_at if released else None,
        "released_submission_id": released.id if released else None,
        "released_metrics": _released_metrics(metrics[released.id][0], step) if released else {},
        "best_private": private.private if private else None,
        "best_private_key": score_key(private.private, higher) if private else None,
        "best_private_at": private.created_at if private else None,
        "private_submission_id": private.id if private else None,
        "private_metrics": metrics[private.id][1] if private else {},
        "updated_at": now,
    }


def _add_days(phase_id: int, deltas: dict[str, int]) -> None:
    """Add to the phase's per-day counts (an upsert per day that gains, an update per day that
    loses: a day's row exists while it counts anything); drop days that fall to zero."""
    deltas = {dt.date.fromisoformat(day): n for day, n in deltas.items() if n}
    if not deltas:
        return
    table = connection.ops.quote_name(StandingsDay._meta.db_table)
    with connection.cursor() as cursor:
        for day, delta in sorted(deltas.items()):
            if delta < 0:
                StandingsDay.objects.filter(phase_id=phase_id, day=day).update(
                    submissions=F("submissions") + delta
                )
                continue
            cursor.execute(
                f"INSERT INTO {table} (phase_id, day, submissions) VALUES (%s, %s, %s) "
                f"ON CONFLICT (phase_id, day) DO UPDATE "
                f"SET submissions = {table}.submissions + EXCLUDED.submissions",
                [phase_id, day, delta],
            )
    StandingsDay.objects.filter(phase_id=phase_id, day__in=list(deltas), submissions=0).delete()


def _day_deltas(old: dict, new: dict) -> dict[str, int]:
    return {day: new.get(day, 0) - old.get(day, 0) for day in set(old) | set(new)}


def standing_refresh(*, phase_id: int, team_id: int) -> Standing | None:
    """Recompute one team's row on one phase from its submissions (inside the caller's
    transaction, which holds the team's lock: ``lock_teams``)."""
    is_baseline = lock_teams([team_id]).get(team_id)
    phase = Phase.objects.select_related("challenge").get(pk=phase_id)
    rows = (
        counted_submissions(phase_id)
        .filter(team_id=team_id)
        .order_by("created_at", "id")
        .values_list(*ENTRY_FIELDS)
    )
    standing = _compute(phase, _entries(rows)) if is_baseline is not None else None
    page_cache.standings_changed(phase_id)
    old = Standing.objects.filter(phase_id=phase_id, team_id=team_id).first()
    _add_days(phase_id, _day_deltas(old.daily if old else {}, standing.daily if standing else {}))
    if standing is None:
        if old is not None:
            old.delete()
        return None
    fields = _fields(phase, standing, _metrics(_needed_ids(standing)), timezone.now())
    fields["is_baseline"] = is_baseline
    if old is None:
        return Standing.objects.create(phase_id=phase_id, team_id=team_id, **fields)
    Standing.objects.filter(pk=old.pk).update(**fields)
    return old


def standing_drop(*, phase_id: int, team_id: int) -> None:
    """Remove a team's row (the team is about to be deleted, e.g. absorbed by a merge)."""
    old = Standing.objects.filter(phase_id=phase_id, team_id=team_id).first()
    if old is not None:
        page_cache.standings_changed(phase_id)
        _add_days(phase_id, _day_deltas(old.daily, {}))
        old.delete()


@transaction.atomic
def standings_rebuild(*, phase: Phase) -> int:
    """Derive every row of a phase from its submissions; returns the number of rows.

    Locks every team of the challenge first, so nothing changes a row meanwhile. Used by
    ``manage.py rebuild_standings`` and by the events that change every row at once (a new
    primary metric, final-selection limit or Ladder setting, new truth, a phase rescore).
    """
    lock_challenge_teams(phase.challenge_id)
    phase = Phase.objects.select_related("challenge").get(pk=phase.pk)
    baseline = dict(
        Team.objects.filter(challenge_id=phase.challenge_id).values_list("pk", "is_baseline")
    )
    by_team: dict[int, list] = defaultdict(list)
    rows = (
        counted_submissions(phase.pk)
        .order_by("team_id", "created_at", "id")
        .values_list("team_id", *ENTRY_FIELDS)
    )
    for team_id, *entry in rows.iterator(chunk_size=10_000):
        by_team[team_id].append(Entry(*entry))
    computed = {team_id: _compute(phase, entries) for team_id, entries in by_team.items()}
    metrics = _metrics({pk for s in computed.values() for pk in _needed_ids(s)})
    now = timezone.now()
    days: dict[str, int] = defaultdict(int)
    new_rows = []
    for team_id, standing in computed.items():
        for day, n in standing.daily.items():
            days[day] += n
        new_rows.append(
            Standing(
                phase_id=phase.pk,
                team_id=team_id,
                is_baseline=baseline[team_id],
                **_fields(phase, standing, metrics, now),
            )
        )
    page_cache.standings_changed(phase.pk)
    Standing.objects.filter(phase_id=phase.pk).delete()
    Standing.objects.bulk_create(new_rows, batch_size=1000)
    StandingsDay.objects.filter(phase_id=phase.pk).delete()
    StandingsDay.objects.bulk_create(
        StandingsDay(phase_id=phase.pk, day=dt.date.fromisoformat(day), submissions=n)
        for day, n in sorted(days.items())
    )
    return len(new_rows)


def standings_rebuild_challenge(*, challenge: Challenge) -> int:
    return sum(standings_rebuild(phase=phase) for phase in challenge.phases.all())


def standings_after_merge(*, absorbed_id: int, target_id: int, challenge_id: int) -> None:
    """Submissions moved from ``absorbed`` to ``target`` (both locked): the absorbed team's
    rows go, the target's are computed again with everything it now has."""
    for phase_id in Phase.objects.filter(challenge_id=challenge_id).values_list("pk", flat=True):
        standing_drop(phase_id=phase_id, team_id=absorbed_id)
        standing_refresh(phase_id=phase_id, team_id=target_id)
