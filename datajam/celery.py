"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datajam.settings")

app = Celery("datajam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _prepare_filesystem_broker(sender, **kwargs) -> None:
    """kombu's filesystem transport needs its folders to exist before the first message."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(options[key], exist_ok=True)


@app.on_after_configure.connect
def _schedule_sweeper(sender, **kwargs) -> None:
    """Beat runs the sweeper that finds stuck submissions (competitions/services/sweeper.py).

    A sweep not started within one interval (no worker free to take it) expires rather than
    pile up: the next one does the same work.
    """
    from django.conf import settings

    interval = settings.SCORING_SWEEP_INTERVAL_SECONDS
    sender.add_periodic_task(
        interval,
        sender.signature("scoring.tasks.sweep_submissions"),
        name="sweep stuck submissions",
        expires=interval,
    )


@app.on_after_configure.connect
def _schedule_handin_reminders(sender, **kwargs) -> None:
    """Beat looks for judged tracks whose hand-in closes within 24 hours and reminds their
    teams, once per track and deadline (judging/services/reminders.py)."""
    from django.conf import settings

    interval = settings.JUDGING_REMINDER_INTERVAL_SECONDS
    sender.add_periodic_task(
        interval,
        sender.signature("judging.tasks.remind_handins"),
        name="remind teams of the project hand-in",
        expires=interval,
    )


@app.on_after_configure.connect
def _schedule_orphan_cleanup(sender, **kwargs) -> None:
    """Beat has stored uploads without a row and leftover temporary files deleted
    (competitions/services/cleanup.py)."""
    from django.conf import settings

    interval = settings.ORPHAN_CLEAN_INTERVAL_SECONDS
    sender.add_periodic_task(
        interval,
        sender.signature("competitions.tasks.clean_orphan_files"),
        name="delete orphan files",
        expires=interval,
    )
