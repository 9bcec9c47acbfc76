"""The worker's side of a submission: queued → running → scored | failed.

Every transition is a conditional UPDATE on the current state (and, for the result, on the token
of this run), so a redelivered task or a second worker can never write a second result, and the
sweeper (``sweeper.py``) can never take a submission away from a worker that is still alive.
"""

import logging
import time
import uuid

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

import scoring

from .. import page_cache
from ..models import Challenge, Phase, ScoringRun, Submission
from ..selectors.notifications import as_reader
from ..storage import local_path
from ..truth_cache import evaluate_submission
from ..worker import Heartbeat, memory_ceiling, out_of_memory, warm_up_once
from .standings import lock_submission_team, standing_refresh

logger = logging.getLogger(__name__)

NOT_YOUR_FILE = _("This is not a problem with your file and it does not count toward your quota.")
PLATFORM_ERROR = _("Platform problem: the platform could not score this file ({reason}).")
TIME_LIMIT_ERROR = _(
    "Platform problem: scoring took longer than the time limit of {seconds} s and was stopped."
)
MEMORY_ERROR = _(
    "Platform problem: scoring needed more than the memory limit of {mb} MB and was stopped."
)
OUT_OF_MEMORY_ERROR = _("Platform problem: the worker ran out of memory while scoring this file.")
FILE_ERROR = _("Problem with your file: {message}")
MEMORY_FILE_ERROR = _(
    "Problem with your file: scoring it needed more than the memory limit of {mb} MB, in two "
    "runs. To stay under it, send one row per id with the header {header}, short labels and no "
    "other columns (a .csv.gz must unpack to a file of that shape). It counts toward your "
    "team's daily cap of failed files."
)
TIME_FILE_ERROR = _(
    "Problem with your file: scoring it took longer than the time limit of {seconds} s, in two "
    "runs. Files of the expected shape are scored in seconds: send one row per id with the "
    "header {header}, short labels and no other columns. It counts toward your team's daily cap "
    "of failed files."
)


def platform_message(text: str) -> str:
    return f"{text} {NOT_YOUR_FILE}"


def for_team(submission: Submission, build) -> str:
    """A worker's or the sweeper's message about a submission, put together in the language
    (and zone) of the person who submitted it: away from any request, the team's reader."""
    with as_reader(submission.submitted_by):
        return str(build())


def scoring_time_limits(phase: Phase) -> tuple[int, int]:
    """(soft, hard) seconds: told to stop at the first, killed at the second."""
    soft = phase.time_limit_seconds or settings.SCORING_TIME_LIMIT_SECONDS
    return soft, soft + settings.SCORING_HARD_TIME_LIMIT_GRACE_SECONDS


# The registered name stays the one queued messages and routes already use.
SCORE_TASK = "scoring.tasks.score_submission"


def send_score_task(
    *, submission_id: str, task_id: str, soft_time_limit: int, time_limit: int
) -> bool:
    """Send a submission to the scoring queue; False if the broker is unreachable.

    Never raises for a broker outage: the submission is safe in the database, queued, and the
    sweeper sends it again once the broker is back. The task is found by its registered name
    (``competitions/tasks.py``), so services never import the task module.
    """
    try:
        current_app.tasks[SCORE_TASK].apply_async(
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


def submission_send_on_commit(submission: Submission) -> None:
    """Send the scoring task, with the phase's time limits, once the row is committed."""
    soft, hard = scoring_time_limits(submission.phase)
    submission_id, task_id = str(submission.pk), submission.task_id
    transaction.on_commit(
        lambda: send_score_task(
            submission_id=submission_id, task_id=task_id, soft_time_limit=soft, time_limit=hard
        )
    )


def takeover_stale_seconds() -> float:
    """A running submission whose heartbeat is this old has lost its worker: a redelivered or
    duplicate task takes it over at once (two missed beats; never more than the sweeper's)."""
    return min(
        settings.SCORING_TAKEOVER_STALE_SECONDS or 2 * settings.SCORING_HEARTBEAT_SECONDS,
        settings.SCORING_HEARTBEAT_STALE_SECONDS,
    )


@transaction.atomic
def _claim(*, submission_id, task_id: str, worker: str, expect: dict) -> Submission | None:
    """Move the submission to a new run of ours if it is still as ``expect`` describes it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Submission.objects.filter(pk=submission_id, **expect).update(
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
    previous_run = expect.get("run_token")
    if previous_run:  # taken over: the old run's token no longer matches, it can never write
        abandon_run(run_token=previous_run, message="taken over: its worker fell silent")
    submission = Submission.objects.select_related("phase__challenge").get(pk=submission_id)
    page_cache.submission_changed(submission_id, submission.team_id)
    ScoringRun.objects.create(
        submission=submission,
        attempt=submission.attempts,
        run_token=token,
        task_id=submission.task_id,
        worker=submission.worker,
        started_at=now,
    )
    return submission


def submission_start(
    *, submission_id, task_id: str = "", worker: str = "", wait: bool = True
) -> Submission | None:
    """Claim the submission for a new run; None if someone else has it (or it is finished).

    A queued submission is claimed at once. A running one is another run's while that run
    beats: a redelivered message (its process was killed, e.g. by the OOM killer) or a
    duplicate finds it so. Such a delivery watches the heartbeat for up to the takeover
    threshold: if it beats (or the submission finishes), the run is alive and this delivery
    does nothing; if it stays silent past the threshold, this delivery takes the submission
    over — a conditional UPDATE on the token and heartbeat it saw, so only one delivery wins
    and the old run can never write its result.
    """
    submission = _claim(
        submission_id=submission_id,
        task_id=task_id,
        worker=worker,
        expect={"state": Submission.State.QUEUED},
    )
    if submission is not None or not wait:
        return submission
    stale = takeover_stale_seconds()
    first_seen = None
    while True:
        seen = (
            Submission.objects.filter(pk=submission_id, state=Submission.State.RUNNING)
            .values("run_token", "heartbeat_at", "started_at", "attempts")
            .first()
        )
        if seen is None:
            return _claim(  # requeued meanwhile (by the sweeper): claim it like any other
                submission_id=submission_id,
                task_id=task_id,
                worker=worker,
                expect={"state": Submission.State.QUEUED},
            )
        seen_beat = (seen["run_token"], seen["heartbeat_at"])
        if first_seen is None:
            first_seen = seen_beat
        elif seen_beat != first_seen:
            return None  # it beat (or another delivery took it over): alive, not ours
        last_sign = seen["heartbeat_at"] or seen["started_at"]
        silent = (timezone.now() - last_sign).total_seconds() if last_sign else stale
        if silent >= stale:
            if seen["attempts"] >= settings.SCORING_MAX_ATTEMPTS:
                return None  # out of attempts: the sweeper fails it and tells the team
            logger.warning(
                "submission %s: run %s silent for %.1fs, taking it over",
                submission_id, seen["run_token"], silent,
            )  # fmt: skip
            return _claim(
                submission_id=submission_id,
                task_id=task_id,
                worker=worker,
                expect={
                    "state": Submission.State.RUNNING,
                    "run_token": seen["run_token"],
                    "heartbeat_at": seen["heartbeat_at"],
                },
            )
        time.sleep(min(stale - silent, settings.SCORING_HEARTBEAT_SECONDS / 4, 1.0) + 0.05)


def submission_heartbeat(*, submission_id, run_token: str) -> bool:
    """Prove this run is alive; False once the run no longer owns the submission."""
    return bool(
        Submission.objects.filter(
            pk=submission_id, state=Submission.State.RUNNING, run_token=run_token
        ).update(heartbeat_at=timezone.now())
    )


@transaction.atomic
def _finish(submission: Submission, **fields) -> bool:
    """Write the result of this run, unless the submission was taken from it meanwhile."""
    now = timezone.now()
    duration = None
    if submission.started_at is not None:
        duration = int((now - submission.started_at).total_seconds() * 1000)
    written = bool(
        Submission.objects.filter(
            pk=submission.pk, state=Submission.State.RUNNING, run_token=submission.run_token
        ).update(finished_at=now, duration_ms=duration, **fields)
    )
    if written:
        page_cache.submission_changed(submission.pk, submission.team_id)
        ScoringRun.objects.filter(run_token=submission.run_token).update(
            finished_at=now,
            outcome=fields["state"],
            failure=fields.get("failure", ""),
            message=fields.get("error_message", ""),
            limit_hit=fields.get("limit_hit", ""),
        )
    if written:
        logger.info(
            "result written: submission %s %s (run %s, attempt %s)",
            submission.pk, fields["state"], submission.run_token, submission.attempts,
        )  # fmt: skip
    else:
        logger.warning(
            "result not written: submission %s was taken from run %s",
            submission.pk, submission.run_token,
        )  # fmt: skip
    return written


@transaction.atomic
def submission_record_scores(*, submission: Submission, result: dict) -> bool:
    """Write a run's scores and its team's standings in one transaction.

    The team is locked first (see ``standings.py``), and the primary metric is read under that
    lock, so a metric changed by an organiser meanwhile is the one these scores are ranked by.
    """
    team_id = lock_submission_team(submission.pk)
    metric = (
        Challenge.objects.filter(phases__id=submission.phase_id)
        .values_list("primary_metric", flat=True)
        .first()
    )
    written = _finish(
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
    if written and team_id is not None:
        standing_refresh(phase_id=submission.phase_id, team_id=team_id)
    return written


def submission_record_failure(*, submission: Submission, failure: str, message: str) -> bool:
    """A file problem or a platform problem; neither costs the team quota."""
    return _finish(
        submission,
        state=Submission.State.FAILED,
        failure=failure,
        error_message=message,
        counts_for_quota=False,
    )


def submission_score(
    *,
    submission_id,
    task_id: str = "",
    worker: str = "",
    memory_limit_mb: int = 0,
) -> str:
    """Score one submission; returns what happened (for logs and tests).

    ``memory_limit_mb`` caps the run's memory (see ``memory_ceiling``); the worker passes it
    in its own child processes only.
    """
    submission = submission_start(submission_id=submission_id, task_id=task_id, worker=worker)
    if submission is None:
        logger.info("skipped submission %s: not queued (already scored or taken)", submission_id)
        return "skipped"
    phase = submission.phase
    started = time.monotonic()
    try:
        with Heartbeat(
            lambda: submission_heartbeat(
                submission_id=submission.pk, run_token=submission.run_token
            ),
            settings.SCORING_HEARTBEAT_SECONDS,
            name=f"heartbeat-{submission.pk}",
        ):
            with local_path(submission.file) as predicted:
                if memory_limit_mb:
                    warm_up_once()
                with memory_ceiling(memory_limit_mb):
                    result = evaluate_submission(phase, predicted)
    except scoring.InvalidSubmission as error:
        why = str(error)
        submission_record_failure(
            submission=submission,
            failure=Submission.Failure.FILE,
            message=for_team(submission, lambda: FILE_ERROR.format(message=why)),
        )
        return "failed"
    except SoftTimeLimitExceeded:
        logger.warning("submission %s ran past its time limit", submission_id)
        return submission_hit_limit(submission=submission, limit=Submission.Limit.TIME)
    except Exception as error:  # out of memory, a bug or a broken truth: the platform's fault
        if out_of_memory(error, memory_limit_mb):
            logger.warning("submission %s ran out of memory: %r", submission_id, error)
            return submission_hit_limit(
                submission=submission,
                limit=Submission.Limit.MEMORY,
                memory_limit_mb=memory_limit_mb,
            )
        logger.exception("scoring submission %s failed", submission_id)
        kind = type(error).__name__
        submission_record_failure(
            submission=submission,
            failure=Submission.Failure.PLATFORM,
            message=for_team(
                submission,
                lambda: platform_message(PLATFORM_ERROR.format(reason=kind)),
            ),
        )
        return "error"
    submission_record_scores(submission=submission, result=result)
    logger.info("scored %s in %.3fs", submission_id, time.monotonic() - started)
    return "scored"


def submission_fail_time_limit(*, submission_id, task_id: str) -> bool:
    """The worker killed the run at the hard time limit: handle it now, if still that run's."""
    submission = (
        Submission.objects.select_related("phase__challenge")
        .filter(pk=submission_id, state=Submission.State.RUNNING, task_id=task_id)
        .first()
    )
    if submission is None:
        return False
    return submission_hit_limit(submission=submission, limit=Submission.Limit.TIME) != "lost"


@transaction.atomic
def submission_hit_limit(*, submission: Submission, limit: str, memory_limit_mb: int = 0) -> str:
    """A run hit the memory or time limit: retry once, then charge the file.

    The first time, the worker may have been unlucky (a busy host, a neighbour's memory): the
    run is recorded as failed with the limit it hit and the submission goes back to the queue,
    at the platform's cost. When a second run hits a limit too, the file is the problem: it
    fails as a file failure (no quota, but it counts toward the team's daily cap of failed
    files, and toward the cap on such files), with a message saying which limit and how to stay
    under it. Returns "retry", "failed" or "lost" (the run no longer owned the submission).
    """
    seconds = scoring_time_limits(submission.phase)[0]
    with as_reader(submission.submitted_by):  # the team reads it: in the submitter's language
        if limit == Submission.Limit.TIME:
            run_message = platform_message(TIME_LIMIT_ERROR.format(seconds=seconds))
        elif memory_limit_mb:
            run_message = platform_message(MEMORY_ERROR.format(mb=memory_limit_mb))
        else:
            run_message = platform_message(OUT_OF_MEMORY_ERROR)
    confirmed = (
        ScoringRun.objects.filter(submission_id=submission.pk)
        .exclude(limit_hit="")
        .exclude(run_token=submission.run_token)
        .exists()
    )
    if not confirmed and submission.attempts < settings.SCORING_MAX_ATTEMPTS:
        token = submission.run_token
        if not submission_requeue(
            submission=submission,
            from_states=(Submission.State.RUNNING,),
            expect={"run_token": token},
        ):
            return "lost"
        ScoringRun.objects.filter(run_token=token).update(
            outcome=ScoringRun.Outcome.FAILED,
            failure=Submission.Failure.PLATFORM,
            message=run_message,
            limit_hit=limit,
        )
        logger.warning("submission %s hit the %s limit: retried once", submission.pk, limit)
        return "retry"
    if not confirmed:  # out of attempts before any confirmation: the platform's, as before
        written = submission_record_failure(
            submission=submission, failure=Submission.Failure.PLATFORM, message=run_message
        )
        return "error" if written else "lost"
    header = submission.phase.challenge.task_spec.header()
    mb = memory_limit_mb or settings.SCORING_MEMORY_LIMIT_MB
    with as_reader(submission.submitted_by):
        if limit == Submission.Limit.TIME:
            message = str(TIME_FILE_ERROR.format(seconds=seconds, header=header))
        else:
            message = str(MEMORY_FILE_ERROR.format(mb=mb, header=header))
    written = _finish(
        submission,
        state=Submission.State.FAILED,
        failure=Submission.Failure.FILE,
        error_message=message,
        counts_for_quota=False,
        limit_hit=limit,
    )
    return "failed" if written else "lost"


@transaction.atomic
def submission_requeue(
    *,
    submission: Submission,
    from_states: tuple[str, ...],
    expect: dict | None = None,
    refresh_standings: bool = True,
) -> bool:
    """Put a submission back in the queue (rescore, or retry after a lost worker or message).

    Conditional on its current state, and on the columns in ``expect`` (the sweeper passes the
    run token and heartbeat it saw), so it never races a worker that is finishing it or that
    has just shown it is alive. ``attempts`` is kept: it counts every run ever started.

    A scored submission leaves the leaderboard until its new result: its team's standing is
    computed again here (the caller holds the team's lock), unless the caller rebuilds the
    whole phase afterwards (``refresh_standings=False``).
    """
    task_id = uuid.uuid4().hex
    previous_run = (expect or {}).get("run_token") or Submission.objects.filter(
        pk=submission.pk, state=Submission.State.RUNNING
    ).values_list("run_token", flat=True).first()
    moved = Submission.objects.filter(
        pk=submission.pk, state__in=from_states, **(expect or {})
    ).update(
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
        page_cache.submission_changed(submission.pk, submission.team_id)
        if previous_run:
            abandon_run(run_token=previous_run)
        if refresh_standings and Submission.State.SCORED in from_states:
            team_id = lock_submission_team(submission.pk)
            standing_refresh(phase_id=submission.phase_id, team_id=team_id)
        submission.task_id = task_id
        submission_send_on_commit(submission)
    return bool(moved)


def abandon_run(*, run_token: str, outcome: str = ScoringRun.Outcome.ABANDONED,
                message: str = "") -> None:  # fmt: skip
    """Close the history row of a run the platform took back (or gave up on)."""
    ScoringRun.objects.filter(run_token=run_token, outcome=ScoringRun.Outcome.RUNNING).update(
        finished_at=timezone.now(), outcome=outcome, message=message
    )
