"""The scoring pipeline end to end: upload → scored latency, and throughput over 1 and 2 workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/datajam \\
    REDIS_URL=redis://127.0.0.1:6379/14 python bench/pipeline.py
    python bench/pipeline.py --uploads 20 --latency-ads 10000 --throughput-ads 100000 --batch 32

Needs PostgreSQL and Redis (use a Redis database of its own: the bench empties its scoring
queue). It creates a throw-away database (``bench_pipeline_<pid>``) and a temporary private
storage folder, starts real ``celery worker`` processes (one process each, ``-c 1``), and
removes all of it at the end.

latency     a team member uploads a ``--latency-ads`` submission through the submit view (the
            Django test client: the real view, form handling, quota check, storage and commit),
            and the bench polls the database until the submission is scored. One warm worker;
            median and 90th percentile over ``--uploads`` uploads, one at a time.
throughput  ``--batch`` submissions of ``--throughput-ads`` ads are committed at once (their
            messages leave together), and the bench waits until all are scored, with one worker
            process consuming the scoring queue, then with two; ``--rounds`` times, alternating
            (the second worker is told to stop and start consuming between the two), so that a
            burst of other work on the machine hits both alike. Prints the median of each and
            the ratio.

Goals: median latency under 1 s; two workers at least 1.8x one on a 2-core machine. Figures
depend on the machine and whatever else runs on it; nothing here asserts a time.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from proc import group_cpu  # bench/proc.py: a script's own folder is on the path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STORAGE = Path(tempfile.mkdtemp(prefix="datajam-bench-storage-"))
os.environ["PRIVATE_STORAGE_ROOT"] = str(STORAGE)  # before Django reads its settings
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datajam.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def corpus(n: int, seed: int, shuffled: bool) -> tuple[str, str]:
    """Truth and a fair prediction for n ads: random operators, most ads alone, 20 % wrong.

    The prediction lists the ads in the truth's order, or shuffled (the scoring core has a
    fast path for the first, which is how most participants write their files).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    operator = np.where(rng.random(n) < 0.5, np.arange(n), rng.integers(0, n // 4, n))
    usage = np.where(rng.random(n) < 0.3, "Public", "Private")
    predicted = np.where(rng.random(n) < 0.2, rng.integers(0, n, n), operator)
    truth = "ad_id,cluster_id,usage\n" + "".join(
        f"ad{i},op{operator[i]},{usage[i]}\n" for i in range(n)
    )
    rows = rng.permutation(n) if shuffled else range(n)
    submission = "ad_id,cluster_id\n" + "".join(f"ad{i},k{predicted[i]}\n" for i in rows)
    return truth, submission


class Worker:
    """A ``celery worker -c 1`` process: one process scoring, one message at a time."""

    def __init__(self, log_dir: Path):
        from django.conf import settings
        from django.db import connection

        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
        env["LOG_LEVEL"] = os.environ.get("LOG_LEVEL", "WARNING")
        env.setdefault("DATABASE_CONN_MAX_AGE", "60")  # as deployed (docker-compose.yml)
        self.name = f"bench-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "datajam", "worker", "-Q", "scoring",
                "-c", "1", "-n", self.name, "--without-gossip",
                "--without-mingle", "-l", "INFO",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while " ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{self.log_path.read_text()[-2000:]}")
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU time of the worker's processes, living and reaped (they share its group)."""
        return group_cpu(self.process.pid)

    def consume(self, on: bool) -> None:
        """Start or stop taking messages from the scoring queue (the process stays up)."""
        from datajam.celery import app

        command = app.control.add_consumer if on else app.control.cancel_consumer
        replies = command("scoring", destination=[self.name], reply=True, timeout=5)
        assert replies, f"{self.name} did not answer"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


def machine_busy_seconds() -> float:
    """CPU seconds all processes on this machine have used (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_scored(ids, timeout: float, interval: float) -> float:
    from competitions.models import Submission

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = Submission.objects.filter(pk__in=ids)
        if rows.filter(state__in=["scored", "failed"]).count() == len(ids):
            failed = list(rows.filter(state="failed").values_list("error_message", flat=True))
            if failed:
                raise SystemExit(f"{len(failed)} submissions failed, e.g. {failed[0]}")
            return time.monotonic()
        time.sleep(interval)
    raise SystemExit(f"not all {len(ids)} submissions scored within {timeout} s")


def make_phase(n: int, seed: int, shuffled: bool):
    from django.core.files.base import ContentFile

    from tests import factories

    truth, submission = corpus(n, seed, shuffled)
    phase = factories.PhaseFactory(
        daily_limit=100_000, truth_file=ContentFile(truth.encode(), name="truth.csv")
    )
    team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    return phase, user, submission.encode()


def bench_latency(phase, user, content: bytes, uploads: int) -> list[float]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from competitions.models import Submission

    client = Client()
    client.force_login(user)
    challenge = phase.challenge
    url = reverse("competitions:submit", args=[challenge.event.slug, challenge.slug])
    latencies = []
    for index in range(uploads + 2):  # the first two warm the web side and the worker
        upload = SimpleUploadedFile("predictions.csv", content, content_type="text/csv")
        started = time.monotonic()
        response = client.post(url, {"file": upload})
        assert response.status_code == 302, response.content[:500]
        submission_id = response["Location"].rstrip("/").split("/")[-1]
        done = wait_scored([submission_id], timeout=60, interval=0.002)
        if index >= 2:
            latencies.append(done - started)
    assert Submission.objects.filter(phase=phase, state="scored").count() == uploads + 2
    return latencies


@dataclass
class Round:
    seconds: float  # from committing the batch to the last submission scored
    worker_cpu: float  # CPU seconds of the worker processes meanwhile
    bench_cpu: float  # ... of this process (polling the database)
    machine_busy: float  # ... of every process on the machine


def bench_throughput(phase, user, content: bytes, batch: int, workers) -> Round:
    from django.db import transaction

    from competitions.services.submissions import submission_create
    from tests import factories

    with transaction.atomic():  # every message leaves at commit, together
        ids = [
            submission_create(
                user=user, phase=phase, uploaded=factories.upload(content, "p.csv")
            ).pk
            for _ in range(batch)
        ]
        worker_cpu = sum(w.cpu_seconds() for w in workers)
        bench_cpu, machine = time.process_time(), machine_busy_seconds()
        started = time.monotonic()
    seconds = wait_scored(ids, timeout=600, interval=0.02) - started
    return Round(
        seconds=seconds,
        worker_cpu=sum(w.cpu_seconds() for w in workers) - worker_cpu,
        bench_cpu=time.process_time() - bench_cpu,
        machine_busy=machine_busy_seconds() - machine,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--latency-ads", type=int, default=10_000)
    parser.add_argument("--throughput-ads", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--order", choices=["truth", "shuffled"], default="truth")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("bench/pipeline.py needs DATABASE_URL (PostgreSQL) and REDIS_URL set")
    from datajam.celery import app

    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_pipeline_{os.getpid()}"
    databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("scoring")
    logs = Path(tempfile.mkdtemp(prefix="datajam-bench-logs-"))
    workers: list[Worker] = []
    try:
        print(
            f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"broker {settings.CELERY_BROKER_URL}"
        )
        shuffled = args.order == "shuffled"
        phase, user, content = make_phase(args.latency_ads, seed=1, shuffled=shuffled)
        workers.append(Worker(logs))
        latencies = bench_latency(phase, user, content, args.uploads)
        median = statistics.median(latencies)
        p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else median
        print(
            f"latency, upload → scored, {args.latency_ads:,} ads ({args.order}), "
            f"{args.uploads} uploads, 1 warm worker: median {median * 1000:.0f} ms, "
            f"p90 {p90 * 1000:.0f} ms, min {min(latencies) * 1000:.0f} ms "
            f"(goal: median < 1000 ms)"
        )

        phase, user, content = make_phase(args.throughput_ads, seed=2, shuffled=shuffled)
        workers.append(Worker(logs))
        bench_throughput(phase, user, content, 4, workers)  # warm both workers on this truth
        rounds: dict[int, list[Round]] = {1: [], 2: []}
        for _round in range(args.rounds):
            for count in (1, 2):
                workers[1].consume(count == 2)
                rounds[count].append(bench_throughput(phase, user, content, args.batch, workers))
        median = {
            count: Round(
                *(statistics.median(getattr(r, f) for r in runs) for f in Round.__annotations__)
            )
            for count, runs in rounds.items()
        }
        one_s, two_s = median[1].seconds, median[2].seconds
        print(
            f"throughput, {args.batch} submissions of {args.throughput_ads:,} ads "
            f"({args.order}), median of {args.rounds} rounds: "
            f"1 worker {args.batch / one_s:.2f}/s ({one_s:.2f} s), "
            f"2 workers {args.batch / two_s:.2f}/s ({two_s:.2f} s); "
            f"ratio {one_s / two_s:.2f}x (goal: >= 1.8x on 2 cores)"
        )
        for count, runs in rounds.items():
            print(f"  {count} worker(s), seconds: " + ", ".join(f"{r.seconds:.2f}" for r in runs))
        for count in (1, 2):
            m = median[count]
            print(
                f"  {count} worker(s): worker CPU {m.worker_cpu / args.batch * 1000:.0f} ms per "
                f"submission; cores busy: workers {m.worker_cpu / m.seconds:.2f}, this bench "
                f"{m.bench_cpu / m.seconds:.2f}, the rest of the machine (PostgreSQL, Redis, "
                f"other users) {(m.machine_busy - m.worker_cpu - m.bench_cpu) / m.seconds:.2f}, "
                f"of {os.cpu_count()}"
            )
        print(f"  load average now {os.getloadavg()[0]:.2f}")
    finally:
        for worker in workers:
            worker.stop()
        connection.close()
        teardown_databases(databases, verbosity=0)
        shutil.rmtree(STORAGE, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
