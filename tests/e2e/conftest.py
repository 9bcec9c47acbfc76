"""Real worker processes against the real PostgreSQL and Redis the test run uses."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from competitions.models import ScoringRun, Submission
from competitions.services.submissions import submission_create
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def real_services_or_skip() -> None:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("end-to-end tests need DATABASE_URL (PostgreSQL) and REDIS_URL (Redis) set")


def worker_env(database_port: int | None = None) -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = dict(os.environ)
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    if database_port:  # through the test's TcpProxy
        host, port = "127.0.0.1", database_port
    env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["PYTHONUNBUFFERED"] = "1"
    # Beat fast, so a worker that vanished is noticed within a second or two in these tests.
    env.setdefault("SCORING_HEARTBEAT_SECONDS", "0.5")
    # The tests run the sweeper themselves, when they mean to; a test of the workers' own
    # sweep turns this back on.
    env.setdefault("SCORING_WORKER_SWEEP", "false")
    return env


class WorkerProcess:
    """A ``celery worker`` subprocess; ``kill()`` is a real SIGKILL of the whole group."""

    def __init__(
        self,
        log_dir: Path,
        concurrency: int = 1,
        extra_env: dict | None = None,
        database_port: int | None = None,
    ):
        self.name = f"e2e-{uuid.uuid4().hex[:8]}@%h"
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = worker_env(database_port)
        env.update(extra_env or {})
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.e2e.worker_app", "worker",
                "-Q", "scoring,default", "-c", str(concurrency), "-n", self.name,
                "--without-gossip", "--without-mingle", "-l", "INFO",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def node_prefix(self) -> str:
        """The worker's name as Submission.worker records it, up to the host."""
        return self.name.split("@")[0] + "@"

    @property
    def node_name(self) -> str:
        return self.name.replace("%h", socket.gethostname())

    def wait_ready(self, timeout: float = 60.0) -> "WorkerProcess":
        """Until the worker answers a ping through the broker (or dies)."""
        from datajam.celery import app

        def answers() -> bool:
            if self.process.poll() is not None:
                return True
            return bool(app.control.ping(destination=[self.node_name], timeout=0.5))

        wait_for(answers, timeout=timeout, message="the worker to start")
        assert self.process.poll() is None, self.output()[-3000:]
        return self

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_processes(self) -> list[int]:
        """The prefork children that run the tasks (what the OOM killer would pick)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


class TcpProxy:
    """A TCP relay to PostgreSQL that the test can cut: while cut, every connection (open or
    new) is closed at once, as when the database host drops off the network."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_off = threading.Event()
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.cut_off.set()
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def restore(self) -> None:
        self.cut_off.clear()

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def database_proxy(real_broker):
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    yield proxy
    proxy.close()


@pytest.fixture
def real_broker(transactional_db, eager_celery):
    """Tasks go to Redis, not in-process; the scoring queue starts empty."""
    real_services_or_skip()
    from datajam.celery import app

    app.conf.task_always_eager = False  # eager_celery puts it back afterwards
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("scoring")
    return app


@pytest.fixture
def start_worker(real_broker, tmp_path):
    workers: list[WorkerProcess] = []

    def start(**kwargs) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, **kwargs)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")


def lose_broker_messages() -> str:
    """Lose every waiting message, as when Redis restarts empty.

    FLUSHDB on the test run's own Redis database; on database 0, which may be someone's real
    broker, only the scoring queue's keys are deleted. Returns what was done.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    if broker.connection_pool.connection_kwargs.get("db", 0) != 0:
        broker.flushdb()
        return "flushdb"
    broker.delete(*broker.keys("scoring*"), *broker.keys("_kombu.binding*.scoring"))
    return "deleted the scoring queue"


def submitting_team(phase, daily_limit: int = 1000):
    """A team member who may submit ``daily_limit`` files to ``phase`` today."""
    phase.daily_limit = daily_limit
    phase.save()
    team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    return user


def make_submissions(user, phase, count: int, content: str, name: str = "p.csv") -> list:
    """``count`` uploads through the real service: stored, committed, sent to Redis."""
    return [
        submission_create(user=user, phase=phase, uploaded=factories.upload(content, name))
        for _ in range(count)
    ]


def states(submissions) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Submission.objects.filter(pk__in=[s.pk for s in submissions]).values_list(
        "state", flat=True
    ):
        counts[state] = counts.get(state, 0) + 1
    return counts


def results_written(submission=None, worker: "WorkerProcess | None" = None) -> int:
    """Runs that wrote a result (scored or failed), from the database's run history."""
    runs = ScoringRun.objects.filter(outcome__in=["scored", "failed"])
    if submission is not None:
        runs = runs.filter(submission=submission)
    if worker is not None:
        runs = runs.filter(worker__startswith=worker.node_prefix)
    return runs.count()


def all_finished(submissions) -> bool:
    finished = states(submissions)
    return finished.get("scored", 0) + finished.get("failed", 0) == len(submissions)
