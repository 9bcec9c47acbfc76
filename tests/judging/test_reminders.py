"""The 24-hour hand-in reminder: sent once, to every team, by the periodic task."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils import timezone as tz

from competitions.formatting import local_datetime
from competitions.models import AuditLog, Notification
from datajam.celery import app as celery_app
from judging.services.reminders import handin_reminders_send
from judging.services.tracks import track_lock_judging, track_update
from judging.tasks import REMIND_TASK, remind_handins

pytestmark = pytest.mark.django_db


def set_deadline(track, hours: float):
    track.handin_deadline = timezone.now() + dt.timedelta(hours=hours)
    track.save()


def test_teams_are_reminded_once_within_24_hours(judged, django_capture_on_commit_callbacks):
    judged.red_project.delete()  # Red has not handed in; Blue has
    set_deadline(judged.track, 30)
    assert handin_reminders_send() == 0
    set_deadline(judged.track, 23)
    reader = judged.red_people[0]
    reader.timezone = "America/Toronto"
    reader.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert handin_reminders_send() == 2
    red = Notification.objects.filter(user__in=judged.red_people)
    blue = Notification.objects.filter(user__in=judged.blue_people)
    assert red.count() == 2 and blue.count() == 2
    assert all("has not handed in" in n.message for n in red)
    assert all("can still change" in n.message for n in blue)
    assert len(mail.outbox) == 4
    # Each reader gets the deadline in their own zone.
    with tz.override(zoneinfo.ZoneInfo("America/Toronto")):
        toronto = local_datetime(judged.track.handin_deadline)
    letter = next(m for m in mail.outbox if m.to == [reader.email])
    assert toronto in letter.body and "has not handed in" in letter.body
    assert "closes in 24 hours" in letter.subject
    assert handin_reminders_send() == 0  # once
    assert Notification.objects.count() == 4
    entry = AuditLog.objects.get(action="handin.reminder")
    assert entry.data == {"teams": 2, "without_project": 1}


def test_a_new_deadline_gets_its_own_reminder(judged):
    set_deadline(judged.track, 2)
    assert handin_reminders_send() == 2
    track_update(
        track=judged.track,
        actor=judged.organiser,
        data={"handin_deadline": timezone.now() + dt.timedelta(hours=20)},
    )
    judged.track.refresh_from_db()
    assert judged.track.handin_reminder_sent_at is None
    assert handin_reminders_send() == 2


def test_no_reminder_after_the_deadline_or_the_lock(judged):
    set_deadline(judged.track, -1)
    assert handin_reminders_send() == 0
    set_deadline(judged.track, 5)
    track_lock_judging(track=judged.track, actor=judged.organiser)
    assert handin_reminders_send() == 0
    assert not Notification.objects.exists()


def test_the_task_is_scheduled_on_the_default_queue(judged):
    assert settings.CELERY_TASK_ROUTES[REMIND_TASK] == {"queue": "default"}
    assert REMIND_TASK in celery_app.tasks
    schedule = celery_app.conf.beat_schedule
    assert any(entry["task"] == REMIND_TASK for entry in schedule.values()), schedule
    set_deadline(judged.track, 1)
    assert remind_handins.delay().get() == "2 teams reminded"
