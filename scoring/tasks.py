"""Celery tasks: take an id, call a service. The database holds the state.

``score_submission`` may be delivered more than once (late acknowledgement, a worker lost, a
message sent again by the sweeper): only the delivery that claims the queued submission scores
it; any other finds it no longer queued and does nothing.
"""

import logging
import os
import socket
import time

from billiard.process import current_process
from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import worker_process_init
from django.conf import settings
from kombu.exceptions import OperationalError

from competitions.services.scoring import submission_fail_time_limit, submission_score
from competitions.services.sweeper import submissions_sweep

logger = logging.getLogger(__name__)

# Test-only hook, never set in production: the end-to-end tests (tests/e2e/) make a run slow
# on purpose, to kill its worker mid-run or to hit the time limit. The run sleeps this many
# seconds before scoring, if its file's original name contains DATAJAM_TEST_SCORING_DELAY_MATCH
# (every run when that is unset).
TEST_DELAY_SECONDS = "DATAJAM_TEST_SCORING_DELAY"
TEST_DELAY_MATCH = "DATAJAM_TEST_SCORING_DELAY_MATCH"


def _test_delay(submission) -> None:
    seconds = float(os.environ.get(TEST_DELAY_SECONDS) or 0)
    match = os.environ.get(TEST_DELAY_MATCH, "")
    if seconds and match in submission.original_name:
        logger.info("test hook: delaying submission %s by %ss", submission.pk, seconds)
        time.sleep(seconds)


def _in_pool_child() -> bool:
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


class ScoringTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """At the hard time limit the worker kills the process running the task, then reports
        it here (in the worker's main process): fail the submission now instead of leaving it
        to the sweeper."""
        if isinstance(exc, TimeLimitExceeded) and args:
            submission_fail_time_limit(submission_id=args[0], task_id=task_id)


@shared_task(
    bind=True,
    base=ScoringTask,
    name="scoring.tasks.score_submission",
    acks_late=True,
    reject_on_worker_lost=True,
)
def score_submission(self, submission_id: str) -> str:
    worker = self.request.hostname or socket.gethostname()
    return submission_score(
        submission_id=submission_id,
        task_id=self.request.id,
        worker=worker,
        memory_limit_mb=settings.SCORING_MEMORY_LIMIT_MB if _in_pool_child() else 0,
        before_scoring=_test_delay if os.environ.get(TEST_DELAY_SECONDS) else None,
    )


def send_score_task(
    *, submission_id: str, task_id: str, soft_time_limit: int, time_limit: int
) -> bool:
    """Send a submission to the scoring queue; False if the broker is unreachable.

    Never raises for a broker outage: the submission is safe in the database, queued, and the
    sweeper sends it again once the broker is back.
    """
    try:
        score_submission.apply_async(
            args=[submission_id],
            task_id=task_id,
            soft_time_limit=soft_time_limit,
            time_limit=time_limit,
        )
    except OperationalError:
        logger.warning(
            "broker unreachable: submission %s stays queued until the sweeper sends it again",
            submission_id,
            exc_info=True,
        )
        return False
    return True


@shared_task(name="scoring.tasks.sweep_submissions", acks_late=False)
def sweep_submissions() -> str:
    """Run by beat every SCORING_SWEEP_INTERVAL_SECONDS (see datajam/celery.py)."""
    return str(submissions_sweep())
