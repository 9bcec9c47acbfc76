"""Leaderboards on a big phase: the standings table against the window-function selectors it
replaced and against per-team queries, with query counts.

Builds a throw-away database (PostgreSQL with DATABASE_URL; SQLite otherwise), fills a phase
with TEAMS teams × PER_TEAM scored submissions (5,000 × 50 = 250,000 by default), derives the
standings once (timed), then measures in one process, best of --repeat:

- the page: the whole leaderboard page of 100 rows through Django's test client (server time:
  middleware, permissions, the board, charts, template), against the window-function
  selector's work alone and one query per team (no template for those two);
- the JSON export of the whole board (every row), likewise;
- the private board (100 rows), likewise.

Prints the times, the query counts and the ratios (window)/(standings). Usage:
    python bench/leaderboard.py [--teams 5000] [--per-team 50] [--repeat 5]
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datajam.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, F, IntegerField, Max, Q, Window  # noqa: E402
from django.db.models.functions import Cast, RowNumber  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# --- The window-function selectors the standings replaced (as they were on main) ------------


def _visible_scored(phase):
    from competitions.models import Submission

    return Submission.objects.filter(
        phase=phase, state="scored", is_hidden=False, is_disqualified=False
    )


def _best_first(field: str, higher: bool) -> list:
    score = F(field).desc(nulls_last=True) if higher else F(field).asc(nulls_last=True)
    return [score, F("created_at").asc(), F("id").asc()]


def _per_team(phase, order):
    team = [F("team_id")]
    return _visible_scored(phase).annotate(
        position=Window(RowNumber(), partition_by=team, order_by=order),
        entries=Window(Count("id"), partition_by=team),
    )


ROW_FIELDS = ("team_id", "team__name", "team__is_baseline", "id", "created_at", "entries")


def _rank(rows: list[list], higher: bool) -> list[list]:
    rows.sort(key=lambda r: (r[-1] is None, -(r[-1] or 0) if higher else (r[-1] or 0), r[4]))
    previous = None
    for position, row in enumerate(rows, start=1):
        row.insert(0, previous[0] if previous and row[-1] == previous[-1] else position)
        previous = row
    return rows


def window_public(phase) -> list[list]:
    higher = phase.challenge.higher_is_better
    rows = (
        _per_team(phase, _best_first("public_score", higher))
        .filter(position=1)
        .values_list(*ROW_FIELDS, "public_score")
    )
    return _rank([list(r) for r in rows], higher)


def window_private(phase) -> list[list]:
    higher = phase.challenge.higher_is_better
    limit = phase.challenge.final_selection_limit
    rows = (
        _per_team(phase, _best_first("public_score", higher))
        .annotate(finals=Window(Max(Cast("is_final", IntegerField())), partition_by=[F("team_id")]))
        .filter(Q(finals=1, is_final=True) | Q(finals=0, position__lte=limit))
        .order_by(*_best_first("private_score", higher))
        .values_list(*ROW_FIELDS, "private_score")
    )
    best = {}
    for values in rows:
        best.setdefault(values[0], list(values))
    return _rank(list(best.values()), higher)


# --- One query per team (how leaderboards often start) --------------------------------------


def naive_public(phase) -> list[tuple]:
    from competitions.models import Team

    rows = []
    for team in Team.objects.filter(challenge=phase.challenge):
        subs = _visible_scored(phase).filter(team=team)
        best = subs.order_by("-public_score", "created_at").values_list("public_score").first()
        if best is not None:
            rows.append((team.name, best[0], subs.count()))
    rows.sort(key=lambda r: -(r[1] or 0))
    return rows


def naive_private(phase) -> list[tuple]:
    from competitions.models import Team

    limit = phase.challenge.final_selection_limit
    rows = []
    for team in Team.objects.filter(challenge=phase.challenge):
        subs = _visible_scored(phase).filter(team=team)
        chosen = list(subs.filter(is_final=True).values_list("private_score", flat=True))
        if not chosen:
            chosen = list(
                subs.order_by("-public_score", "created_at").values_list(
                    "private_score", flat=True
                )[:limit]
            )
        if chosen:
            rows.append((team.name, max(v for v in chosen if v is not None)))
    rows.sort(key=lambda r: -r[1])
    return rows


# --- Measuring ------------------------------------------------------------------------------


def measure(fn, repeat: int) -> tuple[float, int]:
    """Best time of ``repeat`` runs (seconds) and the number of queries of one run (counted by
    a wrapper around the connection: a request resets Django's own query log)."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), count[0]


def fill(args):
    from django.contrib.auth import get_user_model

    from competitions.models import Membership, Submission, Team
    from competitions.services.standings import standings_rebuild
    from tests import factories

    rng = random.Random(0)
    phase = factories.PhaseFactory(starts_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    challenge = phase.challenge
    challenge.secondary_metrics = ["bcubed_f1", "ari"]
    challenge.save()
    started = time.perf_counter()
    teams = Team.objects.bulk_create(
        Team(challenge=challenge, name=f"team {i}", is_baseline=i < 3) for i in range(args.teams)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench{i}", email=f"bench{i}@example.org")
        for i in range(args.teams)
    )
    Membership.objects.bulk_create(
        Membership(team=t, user=u, challenge=challenge, role="leader")
        for t, u in zip(teams, users, strict=True)
    )
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    batch = []
    for team in teams:
        skill = rng.random() * 0.6
        for n in range(args.per_team):
            public = round(skill + rng.random() * 0.3, 6)
            private = round(skill + rng.random() * 0.3, 6)
            batch.append(
                Submission(
                    phase=phase,
                    team=team,
                    file="x.csv",
                    original_name="x.csv",
                    state="scored",
                    public_score=public,
                    private_score=private,
                    is_final=n < 2 and rng.random() < 0.3,
                    public_scores={"pairwise_f1": public, "bcubed_f1": public / 2, "ari": public},
                    private_scores={"pairwise_f1": private, "bcubed_f1": private / 2},
                )  # fmt: skip
            )
            if len(batch) >= 5000:
                Submission.objects.bulk_create(batch)
                batch = []
    Submission.objects.bulk_create(batch)
    # Spread the uploads over the phase's first 30 days.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE competitions_submission SET created_at = %s + "
            "(abs(hashtext(id::text)) %% 2592000) * interval '1 second'"
            if connection.vendor == "postgresql"
            else "UPDATE competitions_submission SET created_at = created_at",
            [start] if connection.vendor == "postgresql" else [],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    made = time.perf_counter() - started
    started = time.perf_counter()
    rows = standings_rebuild(phase=phase)
    rebuilt = time.perf_counter() - started
    total = args.teams * args.per_team
    print(
        f"{total:,} scored submissions of {args.teams:,} teams made in {made:.1f} s; "
        f"standings ({rows:,} rows) derived in {rebuilt:.1f} s ({connection.vendor})"
    )
    return phase


def profile(fn) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(
        "competitions|template/base|psycopg/cursor", 30
    )


def run(args) -> None:
    from django.test import Client

    from competitions.models import EventRole
    from competitions.selectors.leaderboards import PRIVATE, board_all, board_page
    from tests import factories

    phase = fill(args)
    challenge = phase.challenge
    judge = factories.UserFactory()
    EventRole.objects.create(event=challenge.event, user=judge, role="judge")
    visitor, staff = Client(), Client()
    staff.force_login(judge)
    base = f"/e/{challenge.event.slug}/{challenge.slug}/leaderboard/"

    def get(client, url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        return fetch

    # The three versions agree on the order of the board.
    ours = [r.team_name for r in board_all(phase).rows if not r.is_baseline][:50]
    theirs = [r[2] for r in window_public(phase) if not r[3]][:50]
    assert ours == theirs, "the standings and the window functions disagree"
    top = [r.team_name for r in board_page(phase).rows[:20]]
    assert [n for n, *_ in naive_public(phase)][:20] == top

    if args.profile:
        get(visitor, base)()
        profile(get(visitor, base))

    def window_json():
        return json.dumps([[r[0], r[2], r[-1], r[6]] for r in window_public(phase)])

    cases = [
        (
            "page (100 rows)",
            get(visitor, base),
            lambda: window_public(phase)[:100],
            lambda: naive_public(phase)[:100],
        ),
        (
            "JSON export (all rows)",
            get(visitor, base + "export/?format=json"),
            window_json,
            lambda: json.dumps(naive_public(phase)),
        ),
        (
            "private board (100 rows)",
            get(staff, base + "?board=private"),
            lambda: window_private(phase)[:100],
            lambda: naive_private(phase)[:100],
        ),
    ]
    print(
        f"\n{'':26}{'standings':>22}{'window functions':>24}{'per team':>22}{'window/standings':>18}"
    )
    print(f"{'':26}{'ms   queries':>22}{'ms   queries':>24}{'ms   queries':>22}")
    for name, new, window, naive in cases:
        new_t, new_q = measure(new, args.repeat)
        win_t, win_q = measure(window, args.repeat)
        naive_t, naive_q = measure(naive, 1)
        print(
            f"{name:26}{new_t * 1000:14.1f}{new_q:8d}{win_t * 1000:16.1f}{win_q:8d}"
            f"{naive_t * 1000:14.1f}{naive_q:8d}{win_t / new_t:17.1f}x"
        )
    pages = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        get(visitor, base + "?page=17&sort=bcubed_f1")()
        pages.append(time.perf_counter() - start)
    print(
        f"\npage 17 sorted by a secondary metric: {statistics.median(pages) * 1000:.1f} ms "
        f"(median of {args.repeat}); the board alone: "
        f"{measure(lambda: board_page(phase, page=17), args.repeat)[0] * 1000:.1f} ms; "
        f"private board alone: "
        f"{measure(lambda: board_page(phase, kind=PRIVATE), args.repeat)[0] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=5000)
    parser.add_argument("--per-team", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a profile of the page")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # A database of its own, so the bench never meets a test run's.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
