"""Leaderboard selectors on a big phase: one query and one pass, against a per-team reference.

Builds a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL), fills a phase
with TEAMS teams × PER_TEAM scored submissions, then times in one process:

(a) the per-team approach a leaderboard often starts as: one query per team for its best
    submission, then a sort in Python (what EvalAI-style code does per request), and
(b) ``public_leaderboard`` and ``private_leaderboard``, and the whole leaderboard page.

Prints (a)/(b). Usage: python bench/leaderboard.py [--teams 2000] [--per-team 25]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datajam.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=2000)
    parser.add_argument("--per-team", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> None:
    import random

    from django.db.models import Max
    from django.test import Client

    from competitions.models import Submission, Team
    from competitions.selectors.leaderboards import private_leaderboard, public_leaderboard
    from tests import factories

    phase = factories.PhaseFactory()
    challenge = phase.challenge
    rng = random.Random(0)
    teams = Team.objects.bulk_create(
        Team(challenge=challenge, name=f"team {i}") for i in range(args.teams)
    )
    started = time.perf_counter()
    Submission.objects.bulk_create(
        (
            Submission(
                phase=phase,
                team=team,
                file="x.csv",
                original_name="x.csv",
                state="scored",
                public_score=rng.random(),
                private_score=rng.random(),
                public_scores={"pairwise_f1": 0.5, "bcubed_f1": 0.5, "ari": 0.5},
            )  # fmt: skip
            for team in teams
            for _ in range(args.per_team)
        ),
        batch_size=5000,
    )
    total = args.teams * args.per_team
    print(f"{total:,} scored submissions of {args.teams:,} teams made in "
          f"{time.perf_counter() - started:.1f} s ({connection.vendor})")  # fmt: skip

    def per_team():
        rows = []
        for team in Team.objects.filter(challenge=challenge):
            best = team.submissions.filter(phase=phase, state="scored").aggregate(
                best=Max("public_score")
            )["best"]
            rows.append((team.name, best))
        rows.sort(key=lambda r: -(r[1] or 0))
        return rows

    reference = best_of(per_team, args.repeat)
    ours = best_of(lambda: public_leaderboard(phase), args.repeat)
    private = best_of(lambda: private_leaderboard(phase), args.repeat)
    assert [r.team_name for r in public_leaderboard(phase)][:50] == [n for n, _ in per_team()][:50]

    client = Client()
    url = f"/e/{challenge.event.slug}/{challenge.slug}/leaderboard/"
    page_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        response = client.get(url)
        page_times.append(time.perf_counter() - start)
        assert response.status_code == 200
    print(f"(a) per-team queries + sort      {reference * 1000:8.1f} ms")
    print(f"(b) public_leaderboard           {ours * 1000:8.1f} ms   ratio (a)/(b) = "
          f"{reference / ours:.1f}x")  # fmt: skip
    print(f"    private_leaderboard          {private * 1000:8.1f} ms   ratio (a)/private = "
          f"{reference / private:.1f}x")  # fmt: skip
    print(f"    whole page ({args.teams:,} rows)     {statistics.median(page_times) * 1000:8.1f} ms"
          f" (median of {args.repeat})")  # fmt: skip


if __name__ == "__main__":
    main()
