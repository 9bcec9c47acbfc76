"""Celery tasks: take an id, call a service. The database holds the state.

``score_submission`` may be delivered more than once (late acknowledgement, a worker lost, a
message sent again by the sweeper): only the delivery that claims the queued submission scores
it; any other finds it no longer queued and does nothing. The registered names keep the
``scoring.tasks.`` prefix they had when they lived in ``scoring/``, so messages already queued
and routes in deployed settings keep working.
"""

import socket

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from django.conf import settings

from .services.scoring import SCORE_TASK, submission_fail_time_limit, submission_score
from .services.sweeper import submissions_sweep
from .worker import in_pool_child

SWEEP_TASK = "scoring.tasks.sweep_submissions"


class ScoringTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """At the hard time limit the worker kills the process running the task, then reports
        it here (in the worker's main process): fail the submission now instead of leaving it
        to the sweeper."""
        if isinstance(exc, TimeLimitExceeded) and args:
            submission_fail_time_limit(submission_id=args[0], task_id=task_id)


@shared_task(
    bind=True, base=ScoringTask, name=SCORE_TASK, acks_late=True, reject_on_worker_lost=True
)
def score_submission(self, submission_id: str) -> str:
    worker = self.request.hostname or socket.gethostname()
    return submission_score(
        submission_id=submission_id,
        task_id=self.request.id,
        worker=worker,
        memory_limit_mb=settings.SCORING_MEMORY_LIMIT_MB if in_pool_child() else 0,
    )


@shared_task(name=SWEEP_TASK, acks_late=False)
def sweep_submissions() -> str:
    """Run by beat every SCORING_SWEEP_INTERVAL_SECONDS (see datajam/celery.py)."""
    return str(submissions_sweep())
