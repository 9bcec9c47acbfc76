"""The queue as people see it: a submission's place and attempts, the organisers' queue health
page with its rescore buttons, and the notifications page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import AuditLog, EventRole, Notification, Submission
from competitions.selectors import queue as queue_selectors
from competitions.services.notifications import notify
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_worker_ping(monkeypatch):
    """The page pings workers through the broker; here none answers, at once."""

    class Inspect:
        def stats(self):
            return {"w1@host": {"pool": {"processes": [11, 12]}}}

    monkeypatch.setattr(queue_selectors.current_app.control, "inspect", lambda **kw: Inspect())


def make_submission(phase, team, **fields) -> Submission:
    defaults = {"file": "x.csv", "original_name": "x.csv", "queued_at": timezone.now()}
    return Submission.objects.create(phase=phase, team=team, **{**defaults, **fields})


@pytest.fixture
def organiser(client, phase):
    user = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=user, role="organiser")
    client.force_login(user)
    return user


def test_status_shows_queue_position_platform_wide_and_wait(client, phase, team_member):
    team = team_member.memberships.get().team
    other_event_phase = factories.PhaseFactory()  # same scoring queue, another event
    other_team = factories.TeamFactory(challenge=other_event_phase.challenge)
    now = timezone.now()
    make_submission(other_event_phase, other_team, queued_at=now - dt.timedelta(seconds=30))
    make_submission(phase, team, queued_at=now - dt.timedelta(seconds=20))
    make_submission(phase, team, state="running", queued_at=now - dt.timedelta(seconds=50))
    mine = make_submission(phase, team, queued_at=now - dt.timedelta(seconds=10))
    client.force_login(team_member)
    html = client.get(reverse("competitions:submission_status", args=[mine.pk])).content.decode()
    assert 'data-ahead="2"' in html
    assert "2 submissions are ahead of yours" in html
    assert re.search(r"Waiting for 1\d s", html)  # 10 s, or a little more on a busy machine
    # Waited 10 s with two ahead: asks again in about 2 s, not every 100 ms.
    assert 'data-state="queued"' in html
    poll = re.search(r'hx-trigger="every (\d+)ms"', html)
    assert poll and 2000 <= int(poll.group(1)) < 3000


def test_status_poll_starts_fast_backs_off_in_the_queue_speeds_up_running_stops_final():
    def poll(state, waiting=None, running=None, ahead=0):
        return queue_selectors.status_poll_ms(
            state=state, waiting_seconds=waiting, running_seconds=running, ahead=ahead
        )

    assert poll("queued", waiting=0) == 100  # just uploaded: most files score within a second
    assert poll("queued", waiting=3) == 600
    assert poll("queued", waiting=0, ahead=8) == 2000  # a queue ahead of it: no hurry
    assert poll("queued", waiting=600, ahead=50) == 3000  # at most every 3 s
    assert poll("running", running=0) == 100  # running: the result is near
    assert poll("running", running=10) == 500
    assert poll("running", running=300) == 1000  # a long run eases off
    assert poll("scored") is None and poll("failed") is None  # final: no more requests


def test_status_shows_attempts_and_says_whose_problem_a_failure_is(client, phase, team_member):
    team = team_member.memberships.get().team
    failed = make_submission(
        phase, team, state="failed", failure="platform", attempts=3, counts_for_quota=False,
        error_message="Platform problem: the platform could not score this file in 3 attempts.",
    )  # fmt: skip
    client.force_login(team_member)
    html = client.get(reverse("competitions:submission", args=[failed.pk])).content.decode()
    assert "attempt 3 of 3" in html
    assert 'id="error"' in html and "Platform problem" in html
    assert "does not count toward your team's quota" in html
    assert "hx-trigger" not in html  # final: no more polling


def test_queue_health_page_for_organisers(client, phase, organiser, team_member):
    team = team_member.memberships.get().team
    now = timezone.now()
    make_submission(phase, team, queued_at=now - dt.timedelta(seconds=90))
    make_submission(phase, team, state="running", worker="w2@host", heartbeat_at=now)
    make_submission(phase, team, state="scored", duration_ms=100, finished_at=now)
    make_submission(phase, team, state="scored", duration_ms=300, finished_at=now)
    make_submission(phase, team, state="failed", failure="file", finished_at=now)
    make_submission(phase, team, state="failed", failure="platform", finished_at=now)
    make_submission(
        phase, team, state="failed", failure="platform", finished_at=now - dt.timedelta(hours=2)
    )
    url = reverse("competitions:manage_queue", args=[phase.challenge.event.slug])
    response = client.get(url)
    assert response.status_code == 200
    health = response.context["health"]
    assert (health.queued, health.running) == (1, 1)
    assert health.oldest_wait_seconds == pytest.approx(90, abs=5)
    assert (health.file_failures_last_hour, health.platform_failures_last_hour) == (1, 1)
    assert health.median_duration_ms == 200
    workers = {w.name: w for w in response.context["workers"]}
    assert workers["w1@host"].answered_ping and workers["w1@host"].processes == 2
    assert workers["w2@host"].last_heartbeat is not None and not workers["w2@host"].answered_ping
    event_page = client.get(reverse("competitions:manage_event", args=[phase.challenge.event.slug]))
    assert url in event_page.content.decode()


def test_queue_health_page_refused_to_participants(client, phase, team_member):
    client.force_login(team_member)
    url = reverse("competitions:manage_queue", args=[phase.challenge.event.slug])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_rescore_one_submission_from_the_queue_page(
    client, phase, organiser, team_member, django_capture_on_commit_callbacks
):
    team = team_member.memberships.get().team
    failed = make_submission(phase, team, state="failed", failure="platform")
    event_slug = phase.challenge.event.slug
    url = reverse("competitions:manage_queue_rescore", args=[event_slug, failed.pk])
    assert client.post(url, {"reason": ""}).status_code == 302  # refused: no reason
    failed.refresh_from_db()
    assert failed.state == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "worker outage"})
    assert response["Location"] == reverse("competitions:manage_queue", args=[event_slug])
    failed.refresh_from_db()
    # Sent to the (eager) worker again; this row has no stored file, the platform's problem.
    assert failed.attempts == 1
    assert AuditLog.objects.filter(action="submission.rescore", reason="worker outage").exists()


def test_rescore_phase_from_the_queue_page(client, phase, organiser, team_member):
    team = team_member.memberships.get().team
    make_submission(phase, team, state="scored")
    make_submission(phase, team, state="failed", failure="platform")
    make_submission(phase, team)  # queued: left alone
    url = reverse(
        "competitions:manage_queue_rescore_phase", args=[phase.challenge.event.slug, phase.pk]
    )
    client.post(url, {"reason": "new truth"})
    assert Submission.objects.filter(state="queued").count() == 3
    assert AuditLog.objects.get(action="phase.rescore").data["submissions"] == 2


def test_rescore_refuses_another_events_submission(client, phase, organiser):
    elsewhere = factories.PhaseFactory()
    other = make_submission(elsewhere, factories.TeamFactory(challenge=elsewhere.challenge))
    url = reverse("competitions:manage_queue_rescore", args=[phase.challenge.event.slug, other.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_notifications_page_lists_and_marks_read(client, team_member):
    notify(users=[team_member], message="Your submission could not be scored.")
    notify(users=[factories.UserFactory()], message="Someone else's news.")
    client.force_login(team_member)
    home = client.get(reverse("competitions:home")).content.decode()
    assert 'id="unread-count">1<' in home
    page = client.get(reverse("competitions:notifications")).content.decode()
    assert "Your submission could not be scored." in page
    assert "Someone else" not in page
    assert 'class="unread"' in page
    assert Notification.objects.get(user=team_member).read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("competitions:home")).content.decode()
    assert (
        'class="unread"' not in client.get(reverse("competitions:notifications")).content.decode()
    )


def test_notifications_page_needs_login(client):
    assert client.get(reverse("competitions:notifications")).status_code == 302
