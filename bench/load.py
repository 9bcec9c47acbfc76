"""The web tier under a crowd: the production stack on PostgreSQL and Redis, 1,000 teams on the
board, people browsing at several levels while 20 teams (``--uploading``) upload through the
real form.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/datajam \\
    REDIS_URL=redis://127.0.0.1:6379/14 python bench/load.py
    python bench/load.py --levels 50,100,200,300 --seconds 60 --teams 1000 --workers 2 --threads 4

Needs ``pip install -e ".[bench]"`` (locust), PostgreSQL and Redis. It creates a throw-away
database (``bench_load_<pid>``) and private storage, seeds an ad-linkage challenge with
``--teams`` teams (1 to 3 scored submissions each, standings rebuilt), then for each setting:

reference   the settings before connection reuse and caching: ``DATABASE_CONN_MAX_AGE=0``,
            ``PAGE_CACHE_SECONDS=0`` (no kept page, board or poll answer), ``USER_CACHE_SECONDS=0``, sessions
            in the database only
tuned       the defaults: connections kept 60 s with health checks, the shared page cache,
            sessions read from the cache

starts gunicorn (``--workers`` × ``--threads``, ``--worker-class`` gthread or sync), the Celery
workers as the ``Procfile`` deploys them (a scoring worker of ``--scoring-concurrency`` processes,
2 by default as on 2 cores, and a housekeeping worker of one) and beat, and runs
``bench/locustfile.py`` headless for each level of browsing people (plus the uploading teams),
``--seconds`` after the crowd has arrived (it arrives at 50 people a second). Level by level, a fresh stack for each setting in
turn, so that both see about the same load from whatever else runs.

Prints per level: requests per second, p50 / p95 per endpoint and over all pages, errors,
upload → score seen (from the upload's POST to the submission page showing the score, polling
as the page does) and, from the rows, the uploads' wait in the queue and scoring run; the web
CPU each endpoint's requests cost (thread time, ``bench/gunicorn_timing.py``); the machine's CPU
use and load average (the machine may be shared: read the figures with it). The page figures
and upload → score seen are over the same window, once the whole crowd has arrived (locust's
``--reset-stats``); the uploads made while it arrived (every team's first, with every cache
empty and everyone's first page asked at once) are printed apart, and an upload whose score is
never seen counts as an error whenever it was made. Then the tuned run
against the reference as ratios, and the knee: the highest level that meets the goal (p95 under
300 ms for every page, upload → score seen p95 under 1 s, no error). Nothing here asserts a
time.
"""

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

from proc import group_cpu  # bench/proc.py: a script's own folder is on the path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
GOAL_P95_MS = 300
GOAL_SEEN_S = 1.0
SETTINGS = {
    "reference": {
        "DATABASE_CONN_MAX_AGE": "0",
        "PAGE_CACHE_SECONDS": "0",
        "USER_CACHE_SECONDS": "0",
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
    },
    "tuned": {},
}


def admin_connection(url: str):
    import psycopg

    parts = urlparse(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def database_url(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def seed(teams: int, uploaders: int, browsers: int) -> dict:
    """The event, its challenge (2,000 synthetic ads) and ``teams`` teams with scores; session
    cookies for the people who browse signed in and for the uploaders."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from competitions.models import (
        Event,
        EventRole,
        Membership,
        RulesAcceptance,
        Standing,
        Submission,
        Team,
    )
    from competitions.services.standings import standings_rebuild

    call_command("migrate", verbosity=0)
    event = Event.objects.create(slug="load", name="Load test DataJam", description="A crowd.")
    organiser = User.objects.create(username="organiser", email="organiser@example.org")
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    call_command(
        "create_linkage_challenge", "load", "Link the ads", "--ads", "2000", "--seed", "7",
        "--daily-limit", "100000", "--as-user", organiser.email, verbosity=0,
    )  # fmt: skip
    Event.objects.filter(slug="load").update(is_published=True, published_at=timezone.now())
    event = Event.objects.get(slug="load")
    challenge = event.challenges.get()
    phase = challenge.phases.get()
    rng = random.Random(7)
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"load{i:04d}", email=f"load{i:04d}@example.org", password=password)
        for i in range(teams)
    )
    team_rows = Team.objects.bulk_create(
        Team(challenge=challenge, name=f"Team {i:04d} {rng.choice(['Lynx', 'Orca', 'Kite'])}")
        for i in range(teams)
    )
    Membership.objects.bulk_create(
        Membership(team=t, user=u, challenge=challenge, role="leader")
        for t, u in zip(team_rows, users, strict=True)
    )
    RulesAcceptance.objects.bulk_create(RulesAcceptance(challenge=challenge, user=u) for u in users)
    metrics = list(challenge.task_spec.metrics)
    submissions = []
    for team, user in zip(team_rows, users, strict=True):
        for _ in range(rng.randint(1, 3)):
            public, private = rng.random(), rng.random()
            submissions.append(
                Submission(
                    phase=phase,
                    team=team,
                    submitted_by=user,
                    file="seed.csv",
                    original_name="seed.csv",
                    state=Submission.State.SCORED,
                    public_score=public,
                    private_score=private,
                    truth_version=phase.truth_version,
                    public_scores={m: public for m in metrics},
                    private_scores={m: private for m in metrics},
                )  # fmt: skip
            )
    Submission.objects.bulk_create(submissions, batch_size=2000)
    standings_rebuild(phase=phase)
    assert Standing.objects.filter(phase=phase).count() == teams
    # The planner's statistics, as a database that has been running has them (autovacuum
    # gathers them some time after a bulk load): without them it reads a team's submissions
    # through the wrong index, 8 ms instead of 0.5.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def session(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    with phase.truth_file.open("rb") as handle:
        truth = handle.read().decode().splitlines()[1:]
    lines = ["ad_id,cluster_id"]
    for row in truth:
        ad_id, cluster, _usage = row.split(",")
        lines.append(f"{ad_id},{cluster if rng.random() < 0.8 else ''}")
    base = f"/e/{event.slug}/{challenge.slug}/"
    return {
        "event": f"/e/{event.slug}/",
        "challenge": base,
        "leaderboard": base + "leaderboard/",
        "submit": base + "submit/",
        "phase": phase.pk,
        "pages": max(2, teams // 100),
        "uploaders": uploaders,
        "upload_sessions": [session(u) for u in users[:uploaders]],
        "browse_sessions": [session(u) for u in users[uploaders : uploaders + browsers]],
        "prediction": "\n".join(lines) + "\n",
    }


class Stack:
    """gunicorn, the scoring and housekeeping workers and beat, with one setting."""

    def __init__(
        self, env: dict, port: int, workers: int, threads: int, logs: Path, worker_class: str,
        scoring_concurrency: int,
    ):  # fmt: skip
        self.processes = []
        self.logs = logs
        commands = {
            "web": [
                str(BIN / "gunicorn"), "datajam.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads),
                "--worker-class", worker_class, "--timeout", "120",
                "--config", str(ROOT / "bench" / "gunicorn_timing.py"),
            ],
            "worker": [
                str(BIN / "celery"), "-A", "datajam", "worker", "-Q", "scoring",
                "-c", str(scoring_concurrency), "-n", f"scoring-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip", "--without-mingle", "-l", "WARNING",
            ],
            "housekeeping": [
                str(BIN / "celery"), "-A", "datajam", "worker", "-Q", "default",
                "-c", "1", "-n", f"default-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
                "--without-mingle", "-l", "WARNING",
            ],
            "beat": [
                str(BIN / "celery"), "-A", "datajam", "beat", "-l", "WARNING",
                "-s", str(logs / "beat-schedule"),
            ],
        }  # fmt: skip
        self.groups = {}
        for name, command in commands.items():
            log = open(logs / f"{name}.log", "ab")
            self.processes.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            )
            self.groups[name] = self.processes[-1].pid
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise SystemExit(f"the stack did not start: see {logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def warm_up(base_url: str, plan: dict, rounds: int) -> None:
    """Each page a few times, so every web process has imported and connected before the
    crowd comes (the first request of a process costs a second or more)."""
    urls = ["/", plan["event"], plan["challenge"], plan["leaderboard"]]
    for _ in range(rounds):
        for url in urls:
            with urllib.request.urlopen(base_url + url, timeout=60) as answer:
                answer.read()


def database_stats(url: str, name: str) -> tuple[int, float, int]:
    """(sessions opened, ms spent running statements, transactions) in one database."""
    with admin_connection(url) as admin:
        return admin.execute(
            "SELECT sessions, active_time, xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = %s",
            [name],
        ).fetchone()


def upload_stages(url: str, name: str, since) -> dict:
    """Where the uploads' time went, from the rows: {stage: (p50 ms, p95 ms)} for the wait in
    the queue (queued → claimed by the worker) and the run (claimed → result written), over
    the submissions made since ``since`` (the database's clock)."""
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
        user=parts.username or "postgres", password=parts.password or None, dbname=name,
    ) as connection:  # fmt: skip
        row = connection.execute(
            """
            SELECT
              percentile_cont(0.5) WITHIN GROUP (ORDER BY wait),
              percentile_cont(0.95) WITHIN GROUP (ORDER BY wait),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY run),
              percentile_cont(0.95) WITHIN GROUP (ORDER BY run),
              count(*)
            FROM (
              SELECT 1000 * extract(epoch FROM started_at - queued_at) AS wait,
                     1000 * extract(epoch FROM finished_at - started_at) AS run
              FROM competitions_submission
              WHERE created_at >= %s AND finished_at IS NOT NULL
            ) AS done
            """,
            [since],
        ).fetchone()
    return {"queue wait": row[0:2], "scoring run": row[2:4], "uploads": row[4]}


def database_now(url: str, name: str):
    with admin_connection(url) as admin:
        return admin.execute("SELECT now()").fetchone()[0]


def cpu_busy() -> tuple[float, float]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle, sum(fields[:8])


def run_level(
    base_url: str, plan_path: Path, browsing: int, seconds: int, out: Path, stack, db: tuple
) -> dict:
    """One headless locust run; its stats per endpoint, the upload → seen latencies and what
    the run cost the web processes and PostgreSQL."""
    prefix = out / f"level-{browsing}"
    seen_path = out / f"seen-{browsing}.json"
    env = dict(os.environ, DATAJAM_LOAD_PLAN=str(plan_path), DATAJAM_LOAD_SEEN=str(seen_path))
    users = browsing + json.loads(plan_path.read_text())["uploaders"]
    spawn = 50
    busy_before = cpu_busy()
    web_before = group_cpu(stack.groups["web"])
    db_before = database_stats(*db)
    started = database_now(*db)
    subprocess.run(
        [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "--host", base_url, "-u", str(users), "-r", str(spawn),
            "-t", f"{seconds + users // spawn + 2}s", "--reset-stats", "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
        ],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.log", "w"),
    )  # fmt: skip
    busy_after = cpu_busy()
    web_cpu = group_cpu(stack.groups["web"]) - web_before
    db_after = database_stats(*db)
    load1 = os.getloadavg()[0]
    rows = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    seen = json.loads(seen_path.read_text()) if seen_path.exists() else {"seen": [], "late": 0}
    busy = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])
    return {
        "rows": rows, "seen": seen, "cpu": busy, "load1": load1, "web_cpu": web_cpu,
        "db": [after - before for before, after in zip(db_before, db_after, strict=True)],
        "stages": upload_stages(*db, started),
    }  # fmt: skip


def endpoint_of(method: str, path: str, query: str, hx: str) -> str:
    """The locust name of a request ``bench/gunicorn_timing.py`` timed."""
    if method == "POST":
        return "upload (submit form)"
    if path.startswith("/submissions/"):
        return "submission status poll" if path.endswith("/status/") else "submission page"
    if path.endswith("/leaderboard/"):
        if "since=" in query:
            return "leaderboard poll"
        return "leaderboard other page (htmx)" if hx else "leaderboard page"
    if path == "/":
        return "home page"
    depth = path.strip("/").count("/")  # /e/<event>/ or /e/<event>/<challenge>/
    return "event page" if depth == 1 else "challenge page (both)" if depth == 2 else path


def web_cpu_by_endpoint(folder: Path) -> dict:
    """{endpoint: (requests, median CPU ms, mean CPU ms, share of the web CPU)}, from the
    timing files of one stack's run."""
    times: dict[str, list[float]] = {}
    for path in folder.glob("*.tsv"):
        for line in path.read_text().splitlines():
            method, url, query, hx, cpu = line.split("\t")
            times.setdefault(endpoint_of(method, url, query, hx), []).append(float(cpu))
    total = sum(sum(v) for v in times.values()) or 1.0
    return {
        name: (len(v), percentile(v, 0.5), sum(v) / len(v), sum(v) / total)
        for name, v in sorted(times.items())
    }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(level: dict) -> dict:
    rows = level["rows"]
    total = rows["Aggregated"]
    pages = {n: r for n, r in rows.items() if n != "Aggregated"}
    seen = level["seen"]["seen"]
    arriving = level["seen"].get("arriving", [])
    return {
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]) + level["seen"]["late"],
        # An endpoint no request reached has no percentiles ("N/A"): a page that nobody got.
        "worst_p95": max(
            (float(r["95%"]) for r in pages.values() if r["95%"] not in ("", "N/A")),
            default=0.0,
        ),
        "seen_p50": percentile(seen, 0.5),
        "seen_p95": percentile(seen, 0.95),
        "uploads": len(seen),
        "arriving_p50": percentile(arriving, 0.5),
        "arriving_p95": percentile(arriving, 0.95),
        "arriving_uploads": len(arriving),
        "cpu": level["cpu"],
        "load1": level["load1"],
        # Per request served (the whole run, crowd arriving included):
        "web_ms": 1000 * level["web_cpu"] / max(1, int(total["Request Count"])),
        "db_sessions": level["db"][0] / max(1, int(total["Request Count"])),
        "db_ms": level["db"][1] / max(1, int(total["Request Count"])),
        "db_xacts": level["db"][2] / max(1, int(total["Request Count"])),
    }


def meets_goal(s: dict) -> bool:
    return (
        s["worst_p95"] < GOAL_P95_MS
        and s["errors"] == 0
        and s["seen_p95"] is not None
        and s["seen_p95"] < GOAL_SEEN_S
    )


def ms(value) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.0f} s"


def print_level(name: str, browsing: int, uploading: int, level: dict) -> None:
    s = summary(level)
    print(
        f"\n[{name}] {browsing} browsing + {uploading} uploading: {s['rps']:.1f} req/s, "
        f"p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms (worst page p95 {s['worst_p95']:.0f} ms), "
        f"{s['errors']} errors of {s['requests']}; upload → score seen p50 {ms(s['seen_p50'])}, "
        f"p95 {ms(s['seen_p95'])} over {s['uploads']} uploads (while the crowd arrived: p50 "
        f"{ms(s['arriving_p50'])}, p95 {ms(s['arriving_p95'])} over {s['arriving_uploads']}); "
        f"machine CPU {s['cpu']:.0%}, "
        f"load average {s['load1']:.1f}; per request: web CPU {s['web_ms']:.1f} ms, "
        f"{s['db_sessions']:.2f} new database sessions, {s['db_xacts']:.1f} transactions, "
        f"{s['db_ms']:.1f} ms running statements",
        flush=True,
    )
    print(f"  {'endpoint':<34}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}")
    for name_, row in sorted(level["rows"].items()):
        if name_ == "Aggregated":
            continue
        print(
            f"  {name_:<34}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>8}{row['95%']:>8}{row['Failure Count']:>8}"
        )
    stages = level.get("stages") or {}
    if stages.get("uploads"):
        print(
            "  uploads, from the rows: "
            + ", ".join(
                f"{stage} p50 {values[0]:.0f} ms, p95 {values[1]:.0f} ms"
                for stage, values in stages.items()
                if stage != "uploads"
            )
            + f" ({stages['uploads']} scored or failed)"
        )
    cpu = level.get("cpu_by_endpoint") or {}
    if cpu:
        print(f"  {'web CPU per request (thread time)':<34}{'served':>9}{'p50 ms':>8}"
              f"{'mean ms':>8}{'share':>8}")  # fmt: skip
        for name_, (count, median, mean, share) in cpu.items():
            print(f"  {name_:<34}{count:>9}{median:>8.2f}{mean:>8.2f}{share:>8.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="50,100,200,300")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--uploading", type=int, default=20, help="teams uploading")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument(
        "--worker-class", default="gthread", choices=["gthread", "sync"], help="gunicorn's"
    )
    parser.add_argument(
        "--scoring-concurrency", type=int, default=2, help="scoring worker processes"
    )
    parser.add_argument("--settings", default="reference,tuned")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not redis_url:
        raise SystemExit("needs DATABASE_URL (PostgreSQL) and REDIS_URL")

    name = f"bench_load_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="datajam-load-"))
    with admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = dict(
        os.environ,
        DATABASE_URL=database_url(url, name),
        PRIVATE_STORAGE_ROOT=str(work / "private"),
        DATAJAM_VAR_DIR=str(work / "var"),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="datajam.settings",
        PYTHONPATH=str(ROOT),  # this checkout's code in every process (not an installed copy)
        CACHE_KEY_PREFIX=f"bench-load-{os.getpid()}",
        SCORING_THREADS_PER_PROCESS="1",
    )
    os.environ.update(env)
    try:
        started = time.monotonic()
        plan = seed(args.teams, uploaders=args.uploading, browsers=max(levels))
        plan_path = work / "plan.json"
        print(
            f"seeded {args.teams} teams in {time.monotonic() - started:.0f} s; gunicorn "
            f"{args.workers} {args.worker_class} workers × {args.threads} threads, a scoring "
            f"worker × {args.scoring_concurrency}, a housekeeping worker, beat; "
            f"{os.cpu_count()} cores, load average before: "
            + ", ".join(f"{x:.1f}" for x in os.getloadavg()),
            flush=True,
        )
        settings = args.settings.split(",")
        results = {setting: {} for setting in settings}
        # Level by level, the settings one after the other (in turn first): on a shared
        # machine the others' load drifts, and each pair of runs sees about the same.
        for index, browsing in enumerate(levels):
            for setting in settings[index % 2 :] + settings[: index % 2]:
                port = args.port or random.randint(20000, 40000)
                plan_path.write_text(json.dumps({**plan, "base": f"http://127.0.0.1:{port}"}))
                logs = work / f"{setting}-{browsing}"
                logs.mkdir()
                stack_env = {k: v for k, v in env.items() if k not in SETTINGS["reference"]}
                stack_env.update(SETTINGS[setting])
                stack_env["CACHE_KEY_PREFIX"] = f"bench-load-{os.getpid()}-{setting}-{browsing}"
                timing = logs / "timing"  # bench/gunicorn_timing.py: CPU per request
                timing.mkdir()
                stack_env["DATAJAM_LOAD_TIMING"] = str(timing)
                stack = Stack(
                    stack_env, port, args.workers, args.threads, logs, args.worker_class,
                    args.scoring_concurrency,
                )  # fmt: skip
                try:
                    warm_up(f"http://127.0.0.1:{port}", plan, args.workers * args.threads)
                    for done in timing.glob("*.tsv"):
                        done.write_text("")  # the warm-up's requests are not the crowd's
                    level = run_level(
                        f"http://127.0.0.1:{port}", plan_path, browsing, args.seconds, logs,
                        stack, (url, name),
                    )  # fmt: skip
                    level["cpu_by_endpoint"] = web_cpu_by_endpoint(timing)
                finally:
                    stack.stop()
                results[setting][browsing] = level
                print_level(setting, browsing, args.uploading, level)
        report(results, levels, args.uploading)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with admin_connection(url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept database {name} and logs in {work}")


def report(results: dict, levels: list[int], uploading: int) -> None:
    print(f"\n| browsing (+{uploading} uploading) | setting | req/s | p50 | p95 all | worst page p95 "
          "| errors | upload → seen p50 / p95 | web CPU / req | DB sessions / req "
          "| machine CPU | load avg |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for browsing in levels:
        for setting, by_level in results.items():
            if browsing not in by_level:
                continue
            s = summary(by_level[browsing])
            print(
                f"| {browsing} | {setting} | {s['rps']:.1f} | {s['p50']:.0f} ms | "
                f"{s['p95']:.0f} ms | {s['worst_p95']:.0f} ms | {s['errors']} | "
                f"{ms(s['seen_p50'])} / {ms(s['seen_p95'])} | {s['web_ms']:.1f} ms | "
                f"{s['db_sessions']:.2f} | {s['cpu']:.0%} | {s['load1']:.1f} |"
            )
    if {"reference", "tuned"} <= set(results):
        print("\ntuned against reference (same levels, same machine):")
        for browsing in levels:
            ref = summary(results["reference"][browsing])
            new = summary(results["tuned"][browsing])
            print(
                f"  {browsing:>4} browsing: req/s ×{new['rps'] / max(ref['rps'], 1e-9):.2f}, "
                f"p95 all ×{new['p95'] / max(ref['p95'], 1e-9):.2f}, worst page p95 "
                f"×{new['worst_p95'] / max(ref['worst_p95'], 1e-9):.2f}, web CPU per request "
                f"×{new['web_ms'] / max(ref['web_ms'], 1e-9):.2f}, database sessions per "
                f"request ×{new['db_sessions'] / max(ref['db_sessions'], 1e-9):.2f}"
            )
    for setting, by_level in results.items():
        good = [b for b in levels if b in by_level and meets_goal(summary(by_level[b]))]
        knee = next(
            (
                b
                for prev, b in zip(levels, levels[1:], strict=False)
                if b in by_level
                and prev in by_level
                and summary(by_level[b])["rps"] < 1.25 * summary(by_level[prev])["rps"]
            ),
            None,
        )
        print(
            f"{setting}: goal (every page p95 < {GOAL_P95_MS} ms, upload → seen p95 < "
            f"{GOAL_SEEN_S:.0f} s, 0 errors) met up to "
            f"{max(good) if good else 'no level'} browsing; throughput "
            + (f"stops growing with the crowd at {knee}" if knee else "grows at every level")
        )
    print(
        "figures depend on the machine and on what else runs on it (see the load averages); "
        "compare the two settings level by level",
        flush=True,
    )


if __name__ == "__main__":
    main()
