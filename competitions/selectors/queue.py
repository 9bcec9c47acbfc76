"""Reads about the scoring queue: a submission's place in it, and its health for organisers."""

import datetime as dt
import logging
import statistics
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from ..models import Event, Phase, Submission

logger = logging.getLogger(__name__)

RECENT_DURATIONS = 200


def queue_position(submission: Submission) -> int:
    """How many queued submissions, platform-wide, are ahead of this one (FIFO by queued_at)."""
    if submission.state != Submission.State.QUEUED or submission.queued_at is None:
        return 0
    return Submission.objects.filter(
        Q(queued_at__lt=submission.queued_at)
        | Q(queued_at=submission.queued_at, pk__lt=submission.pk),
        state=Submission.State.QUEUED,
    ).count()


def status_poll_ms(
    *, state: str, waiting_seconds: float | None, running_seconds: float | None, ahead: int
) -> int | None:
    """How long the submission page waits before asking for its status again; None: final.

    Fast at first (most files are scored within a second of upload, and the page should show
    the score within ~100 ms of it being written); slower the longer a submission waits and
    the more are ahead of it; fast again once it runs, easing off for long runs.
    """
    if state == Submission.State.RUNNING:
        return int(min(max(100, (running_seconds or 0) * 50), 1000))
    if state == Submission.State.QUEUED:
        by_wait = (waiting_seconds or 0) * 200
        return int(min(max(100, by_wait, ahead * 250), 3000))
    return None


@dataclass
class WorkerSeen:
    name: str
    answered_ping: bool = False
    last_heartbeat: dt.datetime | None = None
    processes: int | None = None


@dataclass
class QueueHealth:
    queued: int
    running: int
    queued_platform_wide: int
    oldest_queued_at: dt.datetime | None
    oldest_wait_seconds: float | None
    file_failures_last_hour: int
    platform_failures_last_hour: int
    median_duration_ms: float | None
    stuck_running: int
    phases: list[Phase] = field(default_factory=list)


def queue_health(*, event: Event, now: dt.datetime | None = None) -> QueueHealth:
    now = now or timezone.now()
    submissions = Submission.objects.filter(phase__challenge__event=event)
    hour_ago = now - dt.timedelta(hours=1)
    stale = now - dt.timedelta(seconds=settings.SCORING_HEARTBEAT_STALE_SECONDS)
    counts = submissions.aggregate(
        queued=Count("pk", filter=Q(state=Submission.State.QUEUED)),
        running=Count("pk", filter=Q(state=Submission.State.RUNNING)),
        stuck=Count("pk", filter=Q(state=Submission.State.RUNNING, heartbeat_at__lt=stale)),
        file_failures=Count(
            "pk",
            filter=Q(
                state=Submission.State.FAILED,
                failure=Submission.Failure.FILE,
                finished_at__gte=hour_ago,
            ),
        ),
        platform_failures=Count(
            "pk",
            filter=Q(
                state=Submission.State.FAILED,
                failure=Submission.Failure.PLATFORM,
                finished_at__gte=hour_ago,
            ),
        ),
        oldest=Min("queued_at", filter=Q(state=Submission.State.QUEUED)),
    )
    durations = list(
        submissions.filter(state=Submission.State.SCORED, duration_ms__isnull=False)
        .order_by("-finished_at")
        .values_list("duration_ms", flat=True)[:RECENT_DURATIONS]
    )
    oldest = counts["oldest"]
    return QueueHealth(
        queued=counts["queued"],
        running=counts["running"],
        queued_platform_wide=Submission.objects.filter(state=Submission.State.QUEUED).count(),
        oldest_queued_at=oldest,
        oldest_wait_seconds=(now - oldest).total_seconds() if oldest else None,
        file_failures_last_hour=counts["file_failures"],
        platform_failures_last_hour=counts["platform_failures"],
        median_duration_ms=statistics.median(durations) if durations else None,
        stuck_running=counts["stuck"],
        phases=list(
            Phase.objects.filter(challenge__event=event)
            .select_related("challenge")
            .order_by("challenge__title", "order")
        ),
    )


def event_active_submissions(*, event: Event, limit: int = 50) -> list[Submission]:
    """The event's queued and running submissions, oldest first."""
    return list(
        Submission.objects.filter(
            phase__challenge__event=event,
            state__in=[Submission.State.QUEUED, Submission.State.RUNNING],
        )
        .select_related("team", "phase__challenge")
        .order_by("queued_at")[:limit]
    )


def event_recent_failures(*, event: Event, limit: int = 20) -> list[Submission]:
    return list(
        Submission.objects.filter(phase__challenge__event=event, state=Submission.State.FAILED)
        .select_related("team", "phase__challenge")
        .order_by("-finished_at")[:limit]
    )


def workers_seen(*, now: dt.datetime | None = None, timeout: float = 0.5) -> list[WorkerSeen]:
    """Workers that answer now, and workers that sent a scoring heartbeat in the last hour.

    The ping waits ``timeout`` seconds at most; a broker that cannot broadcast (the laptop's
    file-system broker) leaves only the heartbeats to go by.
    """
    now = now or timezone.now()
    seen: dict[str, WorkerSeen] = {}
    try:
        # ``stats`` is a ping that also says how many processes each worker runs.
        replies = current_app.control.inspect(timeout=timeout).stats() or {}
        for name, stats in replies.items():
            processes = len(stats.get("pool", {}).get("processes", [])) or None
            seen[name] = WorkerSeen(name=name, answered_ping=True, processes=processes)
    except Exception:
        logger.info("queue health: workers cannot be pinged", exc_info=True)
    recent = (
        Submission.objects.filter(heartbeat_at__gte=now - dt.timedelta(hours=1))
        .exclude(worker="")
        .values("worker")
        .annotate(last=Max("heartbeat_at"))
    )
    for row in recent:
        worker = seen.setdefault(row["worker"], WorkerSeen(name=row["worker"]))
        worker.last_heartbeat = row["last"]
    return sorted(seen.values(), key=lambda w: w.name)
