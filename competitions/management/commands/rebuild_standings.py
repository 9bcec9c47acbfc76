"""Derive the standings (leaderboard rows) of every phase again from its submissions."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from competitions.models import Phase, Standing, StandingsDay
from competitions.services.standings import standings_rebuild

# Columns that describe when a row was written, not what it says.
IGNORED = {"id", "updated_at"}


def _rows(phase: Phase) -> dict:
    rows = {
        row["team_id"]: {k: v for k, v in row.items() if k not in IGNORED}
        for row in Standing.objects.filter(phase=phase).values()
    }
    rows["days"] = dict(StandingsDay.objects.filter(phase=phase).values_list("day", "submissions"))
    return rows


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Rebuild the standings table from the submissions (all phases, or --phase ID). With "
        "--check, only compare the live table with a rebuild and report, changing nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phase", type=int, help="only this phase (its id)")
        parser.add_argument(
            "--check", action="store_true", help="compare with a rebuild; change nothing"
        )

    def handle(self, *args, phase=None, check=False, **options):
        phases = Phase.objects.select_related("challenge").order_by("pk")
        if phase is not None:
            phases = phases.filter(pk=phase)
            if not phases.exists():
                raise CommandError(f"There is no phase with id {phase}.")
        differing = 0
        for one in phases:
            if not check:
                with transaction.atomic():
                    count = standings_rebuild(phase=one)
                self.stdout.write(f"{one} (phase {one.pk}): {count} rows rebuilt")
                continue
            live = _rows(one)
            try:
                with transaction.atomic():
                    standings_rebuild(phase=one)
                    rebuilt = _rows(one)
                    raise _Rollback
            except _Rollback:
                pass
            keys = set(live) | set(rebuilt)
            wrong = sorted(str(k) for k in keys if live.get(k) != rebuilt.get(k))
            differing += len(wrong)
            if wrong:
                self.stdout.write(
                    f"{one} (phase {one.pk}): {len(wrong)} differ (teams {', '.join(wrong[:10])})"
                )
            else:
                self.stdout.write(f"{one} (phase {one.pk}): all equal")
        if check and differing:
            self.stderr.write(f"{differing} rows differ; run without --check to rebuild them.")
