"""What runs inside a scoring worker process and guards each run: a heartbeat, a ceiling on
its memory, a warm-up, and one core per process for the numeric libraries."""

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator

from billiard.process import current_process
from celery.signals import worker_process_init
from django.conf import settings
from django.db import connections

import scoring

try:
    import resource
except ImportError:  # not on Windows: runs are then not capped in memory
    resource = None

logger = logging.getLogger(__name__)


class Heartbeat:
    """A thread that calls ``beat()`` every ``interval`` seconds while the block runs.

    ``beat`` returns False once the run no longer owns its submission, which stops the thread.
    The thread has its own database connection (Django's are per thread) and closes it at the
    end. A run whose worker vanished thus falls silent, and the sweeper notices within seconds.

    The first beat is made at once and waited for: the thread's connection and its malloc arena
    (64 MB of address space) then exist before the run's memory ceiling is measured, so the
    ceiling never counts them against the submission.
    """

    def __init__(self, beat: Callable[[], bool], interval: float, name: str = "heartbeat"):
        self.beat = beat
        self.interval = interval
        self.beats = 0
        self._stop = threading.Event()
        self._first_beat = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        self._first_beat.wait(timeout=self.interval)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 10)

    def _beat_once(self) -> bool:
        try:
            alive = self.beat()
        except Exception:  # a database hiccup: the next beat tries again
            logger.warning("%s failed", self._thread.name, exc_info=True)
            return True
        if alive:
            self.beats += 1
        return alive

    def _run(self) -> None:
        try:
            alive = self._beat_once()
            self._first_beat.set()
            while alive and not self._stop.wait(self.interval):
                alive = self._beat_once()
        finally:
            self._first_beat.set()
            connections.close_all()


def _address_space_bytes() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


_baseline: int | None = None
# Room a run always has beyond what the process holds when it starts (a process that holds
# its whole allowance from earlier runs can still score a small file).
_FLOOR_BYTES = 32 * 1024 * 1024


@contextlib.contextmanager
def memory_ceiling(limit_mb: int) -> Iterator[None]:
    """Let this process grow by at most ``limit_mb`` MB of address space while in the block.

    Past it, allocations fail with MemoryError instead of the host swapping or the kernel's
    OOM killer taking down the worker. Only for a process of its own (a prefork child): the
    limit applies to every thread of the process.
    """
    global _baseline
    current = _address_space_bytes() if limit_mb and resource is not None else None
    if current is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # Measured from the process's size at its first capped run, not from now: memory a failed
    # run left mapped (glibc keeps freed arenas) would otherwise add to the next run's room, and
    # the retry that is meant to confirm a file needs too much memory would get more of it.
    _baseline = current if _baseline is None else min(_baseline, current)
    limit = limit_mb * 1024 * 1024
    ceiling = max(_baseline + limit, current + min(limit, _FLOOR_BYTES))
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_WARM_TRUTH = "ad_id,cluster_id,usage\na1,c1,Public\na2,c1,Private\na3,c2,Public\na4,c3,Private\n"
_WARM_SUBMISSION = "ad_id,cluster_id\na1,x\na2,x\na3,y\na4,\n"
_warmed_up = False


def warm_up_once() -> None:
    """Score a tiny example once per process, before its first capped run.

    Threads, their malloc arenas (64 MB of address space each) and lazy imports are then in
    place, so the ceiling measures what a submission needs, not the process's first-run set-up.
    """
    global _warmed_up
    if _warmed_up:
        return
    _warmed_up = True
    with tempfile.TemporaryDirectory(prefix="datajam-warm-") as folder:
        truth, predicted = os.path.join(folder, "t.csv"), os.path.join(folder, "s.csv")
        with open(truth, "w") as out:
            out.write(_WARM_TRUTH)
        with open(predicted, "w") as out:
            out.write(_WARM_SUBMISSION)
        try:
            scoring.evaluate("ad-linkage", truth, predicted)
        except Exception:
            logger.warning("scoring warm-up failed", exc_info=True)


def out_of_memory(error: BaseException, memory_limit_mb: int) -> bool:
    """A MemoryError, or under the ceiling a thread that could not get its stack."""
    if isinstance(error, MemoryError):
        return True
    text = str(error)
    return bool(memory_limit_mb) and (
        "can't start new thread" in text or "Resource temporarily unavailable" in text
    )


def in_pool_child() -> bool:
    """A prefork child has the process to itself; a solo worker or eager run does not."""
    return current_process().name != "MainProcess"


@worker_process_init.connect
def _one_core_per_process(**kwargs) -> None:
    """Scale out by processes, not threads: cap each worker process's native thread pools.

    A worker runs one process per core. Left alone, OpenBLAS and Arrow in each process start a
    thread per core and spin while waiting: a run then burns about twice the CPU for no gain in
    time, and processes on the same host slow each other down.
    """
    threads = settings.SCORING_THREADS_PER_PROCESS
    if not threads:
        return
    import pyarrow
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    pyarrow.set_cpu_count(threads)
