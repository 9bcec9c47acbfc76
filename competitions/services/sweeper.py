"""The sweeper: finds submissions stuck in any unfinished state and gets them going again.

- **queued**, but its message is gone (Redis flushed or restarted, or down at upload time):
  the message is sent again. The broker's scoring queue tells: a queued submission older than
  SCORING_QUEUED_GRACE_SECONDS while the queue is empty has no message; when the queue holds
  fewer messages than there are queued submissions, those older than
  SCORING_QUEUED_TIMEOUT_SECONDS are sent again. A duplicate message is harmless (only one
  delivery can claim the submission), a missing one is not.
- **running**, but its heartbeat has been silent for SCORING_HEARTBEAT_STALE_SECONDS (the
  worker vanished) or it is past its hard time limit: back to the queue, until it has had
  SCORING_MAX_ATTEMPTS runs; then it fails as a platform problem, the team's quota is refunded
  and every member is told on the site and by e-mail.

Beat runs it every SCORING_SWEEP_INTERVAL_SECONDS; ``manage.py sweep_submissions`` runs it by
hand. Each sweep records when it ran (``HousekeepingRun``): when beat has been silent for two
intervals, a worker runs the sweep itself (``sweep_if_beat_silent``, one worker per interval,
claimed by a conditional UPDATE), so losing beat is not fatal; the queue health page,
``manage.py health`` and ``/healthz`` say loudly when no sweep ran for three intervals. Any number of sweepers may run beside any number of workers: every change is a
conditional UPDATE on the state, run token and heartbeat the sweeper saw, so a worker that has
just shown it is alive keeps its submission, and a result is written at most once.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import ChannelError

from .. import page_cache
from ..models import HousekeepingRun, Membership, Submission
from .notifications import notify
from .scoring import (
    abandon_run,
    for_team,
    platform_message,
    scoring_time_limits,
    submission_requeue,
)

logger = logging.getLogger(__name__)

SCORING_QUEUE = "scoring"
GAVE_UP_ERROR = gettext_noop(
    "Platform problem: the platform could not score this file in %(attempts)s attempts "
    "(the last time, %(why)s)."
)
WHY_VANISHED = gettext_noop("the scoring worker stopped responding")
WHY_TIME_LIMIT = gettext_noop("scoring ran past the time limit of %(seconds)s s")
GAVE_UP_NOTICE = gettext_noop(
    "Your submission “%(name)s” could not be scored in %(attempts)s attempts (the last time, "
    "%(why_msg)s). This is not a problem with your file and it does not count toward your quota."
)
GAVE_UP_SUBJECT = gettext_noop("DataJam: your submission could not be scored")

# "Ask the broker" marker for ``submissions_sweep(queue_length=...)``.
ASK_BROKER = object()


@dataclass
class SweepReport:
    resent: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    queue_length: int | None = None  # asked only when submissions are queued
    queue_asked: bool = False

    def __str__(self) -> str:
        text = (
            f"{len(self.resent)} queued sent again, {len(self.requeued)} running requeued, "
            f"{len(self.failed)} failed after {settings.SCORING_MAX_ATTEMPTS} attempts"
        )
        if self.queue_asked:
            queue = "broker unreachable" if self.queue_length is None else self.queue_length
            text += f" (messages in the scoring queue: {queue})"
        return text


def scoring_queue_length() -> int | None:
    """Messages waiting in the broker's scoring queue; None if the broker cannot be asked."""
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
            declared = connection.default_channel.queue_declare(SCORING_QUEUE, passive=True)
            return declared.message_count
    except ChannelError:  # no such queue (Redis deletes an empty list): no messages
        return 0
    except Exception:
        logger.warning("sweeper: cannot reach the broker", exc_info=True)
        return None


SWEEPER = "sweeper"


def submissions_sweep(
    *, now: dt.datetime | None = None, queue_length=ASK_BROKER, ran_by: str = ""
) -> SweepReport:
    """One pass over every unfinished submission; see the module docstring.

    ``ran_by`` ("beat", "manual", a worker's name) records the sweep as the sweeper's last run.
    """
    now = now or timezone.now()
    report = SweepReport()
    _sweep_running(now, report)
    _sweep_queued(now, report, queue_length)
    if report.resent or report.requeued or report.failed:
        logger.warning("sweeper: %s", report)
    if ran_by:
        HousekeepingRun.objects.update_or_create(
            name=SWEEPER,
            defaults={
                "last_run_at": timezone.now(),
                "ran_by": ran_by[:200],
                "report": str(report)[:300],
            },
        )
    return report


def sweep_if_beat_silent(*, worker: str, now: dt.datetime | None = None) -> SweepReport | None:
    """Run the sweep here if no sweep ran for two intervals (beat is down); None otherwise.

    Many workers call this every interval; the one whose conditional UPDATE (or INSERT, when no
    sweep ever ran) moves the last run first does the sweep, the others see a fresh one.
    """
    now = now or timezone.now()
    silent_since = now - dt.timedelta(seconds=2 * settings.SCORING_SWEEP_INTERVAL_SECONDS)
    last = HousekeepingRun.objects.filter(name=SWEEPER).first()
    if last is not None and last.last_run_at >= silent_since:
        return None
    claim = {"last_run_at": now, "ran_by": f"{worker} (beat silent)"[:200]}
    if last is None:
        try:
            with transaction.atomic():
                HousekeepingRun.objects.create(name=SWEEPER, **claim)
        except IntegrityError:
            return None  # another worker claimed it first
    elif not HousekeepingRun.objects.filter(name=SWEEPER, last_run_at=last.last_run_at).update(
        **claim
    ):
        return None
    logger.warning(
        "beat has not run the sweeper since %s: %s sweeps", last and last.last_run_at, worker
    )
    return submissions_sweep(now=now, ran_by=claim["ran_by"])


def sweeper_last_run() -> HousekeepingRun | None:
    return HousekeepingRun.objects.filter(name=SWEEPER).first()


def sweeper_is_late(last: HousekeepingRun | None, now: dt.datetime | None = None) -> bool:
    """No sweep for three intervals: beat is down and no worker stepped in."""
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=3 * settings.SCORING_SWEEP_INTERVAL_SECONDS)
    return last is None or last.last_run_at < late


def _why_stuck(submission: Submission, now: dt.datetime) -> str | None:
    stale = dt.timedelta(seconds=settings.SCORING_HEARTBEAT_STALE_SECONDS)
    last_sign_of_life = submission.heartbeat_at or submission.started_at
    if last_sign_of_life is None or last_sign_of_life < now - stale:
        return WHY_VANISHED
    soft, hard = scoring_time_limits(submission.phase)
    # The worker kills a run at its hard limit and fails it itself; past that (and a heartbeat
    # period), it could not, e.g. because the whole worker died with it.
    if (
        submission.started_at is not None
        and submission.started_at + dt.timedelta(seconds=hard) + stale < now
    ):
        return WHY_TIME_LIMIT
    return None


def _sweep_running(now: dt.datetime, report: SweepReport) -> None:
    running = Submission.objects.filter(state=Submission.State.RUNNING).select_related("phase")
    for submission in running:
        why = _why_stuck(submission, now)
        if why is None:
            continue
        # What the sweeper saw: if the worker beats or finishes meanwhile, nothing changes.
        seen = {"run_token": submission.run_token, "heartbeat_at": submission.heartbeat_at}
        if submission.attempts >= settings.SCORING_MAX_ATTEMPTS:
            if submission_give_up(submission=submission, why=why, expect=seen, now=now):
                report.failed.append(str(submission.pk))
        elif submission_requeue(
            submission=submission, from_states=(Submission.State.RUNNING,), expect=seen
        ):
            logger.warning(
                "sweeper: submission %s requeued after attempt %s: %s",
                submission.pk, submission.attempts, why,
            )  # fmt: skip
            report.requeued.append(str(submission.pk))


def _sweep_queued(now: dt.datetime, report: SweepReport, queue_length) -> None:
    queued = Submission.objects.filter(state=Submission.State.QUEUED)
    waiting = queued.count()
    if not waiting:
        return
    length = scoring_queue_length() if queue_length is ASK_BROKER else queue_length
    report.queue_length, report.queue_asked = length, True
    if length is None:  # the broker is unreachable: nothing could be sent anyway
        return
    if length == 0:
        older_than = settings.SCORING_QUEUED_GRACE_SECONDS
    elif length < waiting:
        older_than = settings.SCORING_QUEUED_TIMEOUT_SECONDS
    else:
        return
    cutoff = now - dt.timedelta(seconds=older_than)
    lost = queued.filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True))
    for submission in lost.select_related("phase").order_by("queued_at"):
        if submission_requeue(
            submission=submission,
            from_states=(Submission.State.QUEUED,),
            expect={"queued_at": submission.queued_at},
        ):
            report.resent.append(str(submission.pk))


@transaction.atomic
def submission_give_up(
    *, submission: Submission, why: str, expect: dict, now: dt.datetime | None = None
) -> bool:
    """Fail a submission that ran out of attempts: a platform problem, refunded, team told."""
    seconds = scoring_time_limits(submission.phase)[0]
    message = for_team(
        submission,
        lambda: platform_message(
            gettext(GAVE_UP_ERROR)
            % {"attempts": submission.attempts, "why": gettext(why) % {"seconds": seconds}}
        ),
    )
    failed = Submission.objects.filter(
        pk=submission.pk, state=Submission.State.RUNNING, **expect
    ).update(
        state=Submission.State.FAILED,
        failure=Submission.Failure.PLATFORM,
        error_message=message,
        counts_for_quota=False,
        finished_at=now or timezone.now(),
    )
    if not failed:
        return False
    page_cache.submission_changed(submission.pk, submission.team_id)
    abandon_run(run_token=expect.get("run_token", ""), message=message)
    logger.error("sweeper: submission %s failed after %s attempts", submission.pk, why)
    _tell_team(submission, why=why, seconds=seconds)
    return True


def _tell_team(submission: Submission, *, why: str, seconds: int) -> None:
    """A notification on the site and an e-mail to every member, each in their language."""
    members = [
        m.user for m in Membership.objects.filter(team_id=submission.team_id).select_related("user")
    ]
    notify(
        users=members,
        message=GAVE_UP_NOTICE,
        params={
            "name": submission.original_name,
            "attempts": submission.attempts,
            "why_msg": why,
            "seconds": seconds,
        },
        link=reverse("competitions:submission", args=[submission.pk]),
        email_subject=GAVE_UP_SUBJECT,
    )
