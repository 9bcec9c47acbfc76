"""Celery tasks: take an id, call a service. The database holds the state.

``score_submission`` may be delivered more than once (late acknowledgement, a worker lost, a
message sent again by the sweeper): only the delivery that claims the queued submission scores
it. Another finds it running: if that run's heartbeat beats it does nothing, if the heartbeat
stays silent two beats it takes the run over (``submission_start``). The registered names keep the
``scoring.tasks.`` prefix they had when they lived in ``scoring/``, so messages already queued
and routes in deployed settings keep working.

A task that cannot reach the database is never acknowledged and dropped: it is sent again
with a growing delay (1, 2, 4, ... up to SCORING_DB_RETRY_MAX_SECONDS) until the database
answers, so a database outage delays the queue and loses nothing.
"""

import logging
import random
import socket
import threading

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from .services.challenge_templates import TEMPLATE_TASK, template_job_run
from .services.cleanup import orphan_files_clean
from .services.scoring import SCORE_TASK, submission_fail_time_limit, submission_score
from .services.sweeper import submissions_sweep, sweep_if_beat_silent
from .worker import in_pool_child

SWEEP_TASK = "scoring.tasks.sweep_submissions"
CLEAN_TASK = "competitions.tasks.clean_orphan_files"
logger = logging.getLogger(__name__)


class ScoringTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """At the hard time limit the worker kills the process running the task, then reports
        it here (in the worker's main process): fail the submission now instead of leaving it
        to the sweeper."""
        if isinstance(exc, TimeLimitExceeded) and args:
            submission_fail_time_limit(submission_id=args[0], task_id=task_id)


def database_retry_delay(retries: int) -> float:
    """1, 2, 4, ... seconds (with a little jitter), at most SCORING_DB_RETRY_MAX_SECONDS."""
    return min(settings.SCORING_DB_RETRY_MAX_SECONDS, 2.0**retries) * random.uniform(0.8, 1.0)


@shared_task(
    bind=True, base=ScoringTask, name=SCORE_TASK, acks_late=True, reject_on_worker_lost=True
)
def score_submission(self, submission_id: str) -> str:
    worker = self.request.hostname or socket.gethostname()
    try:
        return submission_score(
            submission_id=submission_id,
            task_id=self.request.id,
            worker=worker,
            memory_limit_mb=settings.SCORING_MEMORY_LIMIT_MB if in_pool_child() else 0,
        )
    except (OperationalError, InterfaceError) as error:
        if self.request.is_eager:
            raise
        _database_unreachable(error)
        # A new message (same id, a delay) is published before this one is acknowledged.
        raise self.retry(
            exc=error, countdown=database_retry_delay(self.request.retries), max_retries=None
        ) from None


def _database_unreachable(error: DatabaseError) -> None:
    """Drop the broken connection so the retry opens a new one."""
    from django.db import connection

    logger.warning("database unreachable, scoring task sent again: %s", error)
    try:
        connection.close()
    except DatabaseError:
        pass


@shared_task(name=SWEEP_TASK, acks_late=False)
def sweep_submissions() -> str:
    """Run by beat every SCORING_SWEEP_INTERVAL_SECONDS (see datajam/celery.py)."""
    return str(submissions_sweep(ran_by="beat"))


@shared_task(name=CLEAN_TASK, acks_late=False)
def clean_orphan_files() -> str:
    """Run by beat every ORPHAN_CLEAN_INTERVAL_SECONDS (see datajam/celery.py)."""
    return str(orphan_files_clean())


def _watch_beat(worker: str, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            sweep_if_beat_silent(worker=worker)
        except Exception:  # the database or broker is down: the next round tries again
            logger.warning("beat watch: could not check or run the sweep", exc_info=True)
        finally:
            connections.close_all()


@worker_ready.connect
def _start_beat_watch(sender=None, **kwargs) -> None:
    """Every worker checks each sweep interval that beat ran the sweeper; when it has been
    silent for two intervals, one worker (whichever claims it first) runs the sweep itself, so
    a dead beat never strands a submission (``sweep_if_beat_silent``)."""
    if not settings.SCORING_WORKER_SWEEP:
        return
    name = getattr(sender, "hostname", "") or "worker"
    threading.Thread(
        target=_watch_beat,
        args=(name, settings.SCORING_SWEEP_INTERVAL_SECONDS, threading.Event()),
        name="beat-watch",
        daemon=True,
    ).start()


@shared_task(name=TEMPLATE_TASK, acks_late=True)
def create_challenge_from_template(job_id: str) -> str:
    """The ad-linkage template's corpus, truth and challenge, away from the web request."""
    return template_job_run(job_id=job_id)
