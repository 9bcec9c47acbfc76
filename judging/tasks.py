"""Judging's periodic job (beat schedules it in ``datajam/celery.py``; it runs on the
``default`` queue beside the sweeper)."""

from celery import shared_task

from .services.reminders import handin_reminders_send

REMIND_TASK = "judging.tasks.remind_handins"


@shared_task(name=REMIND_TASK, acks_late=False)
def remind_handins() -> str:
    """Send the 24-hour hand-in reminders that are due (each track's once)."""
    return f"{handin_reminders_send()} teams reminded"
