"""Beat watch: the sweeper records its runs, workers step in when beat is silent, and
``manage.py health``, ``/healthz`` and the queue health page say when nothing swept."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from competitions.models import EventRole, HousekeepingRun
from competitions.selectors import queue as queue_selectors
from competitions.selectors.health import check_sweeper
from competitions.services.sweeper import submissions_sweep, sweep_if_beat_silent
from competitions.tasks import sweep_submissions
from tests import factories

pytestmark = pytest.mark.django_db


def last_sweep() -> HousekeepingRun | None:
    return HousekeepingRun.objects.filter(name="sweeper").first()


def age_last_sweep(seconds: float) -> None:
    HousekeepingRun.objects.filter(name="sweeper").update(
        last_run_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_beat_sweep_is_recorded(settings):
    assert last_sweep() is None
    sweep_submissions.apply().get()
    assert last_sweep().ran_by == "beat"
    assert check_sweeper().ok


def test_a_worker_sweeps_when_beat_is_silent_and_only_one_per_interval(settings):
    settings.SCORING_SWEEP_INTERVAL_SECONDS = 30
    submissions_sweep(ran_by="beat", queue_length=0)
    assert sweep_if_beat_silent(worker="w1@host") is None  # beat is fine: nothing to do
    age_last_sweep(61)  # two intervals without beat
    assert sweep_if_beat_silent(worker="w1@host") is not None
    assert last_sweep().ran_by == "w1@host (beat silent)"
    assert sweep_if_beat_silent(worker="w2@host") is None  # w1 just did it
    assert last_sweep().ran_by == "w1@host (beat silent)"


def test_a_worker_sweeps_when_no_sweep_ever_ran_and_the_claim_is_taken_once(settings):
    now = timezone.now()
    assert sweep_if_beat_silent(worker="w1@host", now=now) is not None
    # Any other worker then sees a fresh sweep and does nothing.
    assert sweep_if_beat_silent(worker="w2@host", now=now) is None
    assert HousekeepingRun.objects.get().ran_by == "w1@host (beat silent)"


def test_health_command_fails_loudly_when_the_sweeper_is_late(settings):
    settings.SCORING_SWEEP_INTERVAL_SECONDS = 30
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("health", stdout=out)
    assert exit_.value.code == 1
    assert "sweeper   FAIL has never run" in out.getvalue()
    assert "database  ok" in out.getvalue()

    sweep_submissions.apply().get()
    out = StringIO()
    call_command("health", stdout=out)  # no SystemExit: all well
    assert "sweeper   ok   last ran 0 s ago by beat" in out.getvalue()

    age_last_sweep(91)  # three intervals
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("health", stdout=out)
    assert "LATE" in out.getvalue() and "celery beat" in out.getvalue()


def test_healthz_is_json_200_when_well_503_when_the_sweeper_is_late(client, settings):
    settings.SCORING_SWEEP_INTERVAL_SECONDS = 30
    sweep_submissions.apply().get()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {name: c["ok"] for name, c in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "sweeper": True,
    }
    age_last_sweep(91)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "failing" and body["checks"]["sweeper"]["ok"] is False
    assert "no-cache" in response["Cache-Control"]


def test_queue_health_page_says_loudly_when_the_sweeper_is_late(client, settings, monkeypatch):
    class Inspect:
        def stats(self):
            return {}

    monkeypatch.setattr(queue_selectors.current_app.control, "inspect", lambda **kw: Inspect())
    settings.SCORING_SWEEP_INTERVAL_SECONDS = 30
    phase = factories.PhaseFactory()
    organiser = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    client.force_login(organiser)
    url = reverse("competitions:manage_queue", args=[phase.challenge.event.slug])
    sweep_submissions.apply().get()
    html = client.get(url).content.decode()
    assert 'id="sweeper-late"' not in html and 'id="sweeper-last"' in html
    age_last_sweep(91)
    html = client.get(url).content.decode()
    assert 'id="sweeper-late"' in html
    assert "The sweeper has not run for over 90 s." in html
