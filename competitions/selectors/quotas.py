"""How many submissions a team has left in a phase, and when the daily count resets."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from ..models import Phase, QuotaOverride, Submission, Team


@dataclass(frozen=True)
class Quota:
    daily_limit: int
    used_today: int
    total_limit: int | None
    total_used: int
    failed_limit: int
    failed_today: int
    next_reset: dt.datetime
    # Files that hit the memory or time limit in two runs today (each held a worker for up to
    # the limit, twice): past the cap the team may not upload until the reset.
    limit_failures_today: int = 0
    limit_failures_cap: int = 0

    @property
    def left_today(self) -> int:
        left = self.daily_limit - self.used_today
        if self.total_limit is not None:
            left = min(left, self.total_limit - self.total_used)
        return max(left, 0)

    @property
    def used_up(self) -> bool:
        """No submission that counts is possible before the next reset (or ever, in this
        phase): the page disables its upload form and says when it opens again."""
        return self.left_today <= 0

    @property
    def total_left(self) -> int | None:
        if self.total_limit is None:
            return None
        return max(self.total_limit - self.total_used, 0)


def utc_day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Daily limits reset at 00:00 UTC, whatever the viewer's time zone."""
    start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def team_quota(*, team: Team, phase: Phase, now: dt.datetime | None = None) -> Quota:
    now = now or timezone.now()
    day_start, day_end = utc_day_bounds(now)
    override = QuotaOverride.objects.filter(team=team, phase=phase).first()
    daily_limit = phase.daily_limit
    total_limit = phase.total_limit
    if override is not None:
        daily_limit = override.daily_limit if override.daily_limit is not None else daily_limit
        total_limit = override.total_limit if override.total_limit is not None else total_limit
    day = Q(created_at__gte=day_start, created_at__lt=day_end)
    counted = Q(counts_for_quota=True)
    file_failed = day & Q(failure=Submission.Failure.FILE)
    # One query: the counts are a few index lookups, the statements' cost is their overhead.
    counts = Submission.objects.filter(team=team, phase=phase).aggregate(
        used_today=Count("pk", filter=counted & day),
        total_used=Count("pk", filter=counted),
        failed_today=Count("pk", filter=file_failed),
        limit_failures_today=Count("pk", filter=file_failed & ~Q(limit_hit="")),
    )
    return Quota(
        daily_limit=daily_limit,
        used_today=counts["used_today"],
        total_limit=total_limit,
        total_used=counts["total_used"],
        failed_limit=phase.failed_daily_limit,
        failed_today=counts["failed_today"],
        next_reset=day_end,
        limit_failures_today=counts["limit_failures_today"],
        limit_failures_cap=settings.SCORING_LIMIT_FAILURES_PER_DAY,
    )
