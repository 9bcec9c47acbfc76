"""Is the platform able to score? The database, the broker and the sweeper's last run.

Read by ``manage.py health`` (for cron and monitoring), ``/healthz`` (for load balancers) and
the queue health page. A check only reads; none of them fixes anything.
"""

import datetime as dt
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from ..services.sweeper import sweeper_is_late, sweeper_last_run


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("database", False, f"unreachable: {type(error).__name__}")
    return Check("database", True, "answers")


def check_broker() -> Check:
    try:
        with current_app.connection_for_read() as broker:
            broker.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:
        return Check("broker", False, f"unreachable: {type(error).__name__}")
    return Check("broker", True, "answers")


def check_sweeper(now: dt.datetime | None = None) -> Check:
    """Late when no sweep ran for three intervals: beat is down and no worker stepped in."""
    now = now or timezone.now()
    try:
        last = sweeper_last_run()
    except DatabaseError:
        return Check("sweeper", False, "unknown: the database is unreachable")
    interval = settings.SCORING_SWEEP_INTERVAL_SECONDS
    if last is None:
        return Check("sweeper", False, "has never run: start celery beat")
    age = (now - last.last_run_at).total_seconds()
    detail = f"last ran {age:.0f} s ago by {last.ran_by} (every {interval:.0f} s expected)"
    if sweeper_is_late(last, now):
        return Check("sweeper", False, f"LATE: {detail}; is celery beat running?")
    return Check("sweeper", True, detail)


def platform_health() -> list[Check]:
    return [check_database(), check_broker(), check_sweeper()]
