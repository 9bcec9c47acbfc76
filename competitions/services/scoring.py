"""The worker's side of a submission: queued → running → scored | failed.

Every transition is a conditional UPDATE on the current state (and, for the result, on the token
of this run), so a redelivered task or a second worker can never write a second result.
"""

import logging
import time
import uuid

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import scoring

from ..models import Submission
from ..storage import local_path
from .submissions import submission_enqueue_on_commit

logger = logging.getLogger(__name__)

PLATFORM_ERROR = _(
    "The platform could not score this file ({reason}). This is not a problem with your file "
    "and it does not count toward your quota."
)


def submission_start(*, submission_id, task_id: str = "", worker: str = "") -> Submission | None:
    """Claim a queued submission for this run; None if it is not queued (already taken)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Submission.objects.filter(pk=submission_id, state=Submission.State.QUEUED).update(
        state=Submission.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        task_id=task_id or F("task_id"),
        worker=worker[:200],
        run_token=token,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return Submission.objects.select_related("phase__challenge").get(pk=submission_id)


def _finish(submission: Submission, **fields) -> bool:
    now = timezone.now()
    duration = None
    if submission.started_at is not None:
        duration = int((now - submission.started_at).total_seconds() * 1000)
    return bool(
        Submission.objects.filter(
            pk=submission.pk, state=Submission.State.RUNNING, run_token=submission.run_token
        ).update(finished_at=now, duration_ms=duration, **fields)
    )


def submission_record_scores(*, submission: Submission, result: dict) -> bool:
    metric = submission.phase.challenge.primary_metric
    return _finish(
        submission,
        state=Submission.State.SCORED,
        failure=Submission.Failure.NONE,
        error_message="",
        warnings=list(result.get("warnings", [])),
        public_scores=result["public"],
        private_scores=result["private"],
        all_scores=result["all"],
        public_score=result["public"].get(metric),
        private_score=result["private"].get(metric),
        counts_for_quota=True,
    )


def submission_record_failure(*, submission: Submission, failure: str, message: str) -> bool:
    """A file problem or a platform problem; neither costs the team quota."""
    return _finish(
        submission,
        state=Submission.State.FAILED,
        failure=failure,
        error_message=message,
        counts_for_quota=False,
    )


def submission_score(*, submission_id, task_id: str = "", worker: str = "") -> str:
    """Score one submission; returns what happened (for logs and tests)."""
    submission = submission_start(submission_id=submission_id, task_id=task_id, worker=worker)
    if submission is None:
        return "skipped"
    phase = submission.phase
    started = time.monotonic()
    try:
        with local_path(phase.truth_file) as truth, local_path(submission.file) as predicted:
            result = scoring.evaluate(phase.challenge.task, truth, predicted)
    except scoring.InvalidSubmission as error:
        submission_record_failure(
            submission=submission, failure=Submission.Failure.FILE, message=str(error)
        )
        return "failed"
    except Exception as error:  # a bug or a broken truth file: the platform's fault
        logger.exception("scoring submission %s failed", submission_id)
        submission_record_failure(
            submission=submission,
            failure=Submission.Failure.PLATFORM,
            message=PLATFORM_ERROR.format(reason=type(error).__name__),
        )
        return "error"
    submission_record_scores(submission=submission, result=result)
    logger.info("scored %s in %.3fs", submission_id, time.monotonic() - started)
    return "scored"


def submission_requeue(*, submission: Submission, from_states: tuple[str, ...]) -> bool:
    """Put a submission back in the queue (rescore, or retry after a lost worker).

    Conditional on its current state, so it never races a worker that is finishing it.
    """
    task_id = uuid.uuid4().hex
    moved = Submission.objects.filter(pk=submission.pk, state__in=from_states).update(
        state=Submission.State.QUEUED,
        queued_at=timezone.now(),
        task_id=task_id,
        run_token="",
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
        failure=Submission.Failure.NONE,
        error_message="",
    )
    if moved:
        submission.task_id = task_id
        submission_enqueue_on_commit(submission)
    return bool(moved)
