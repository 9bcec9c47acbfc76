"""A submission page's status poll is answered "unchanged" (204) before the session, the user
or any query while the status token it carries is current and its rendering recent; every
change of the submission renews the token, so the next poll gets the view and shows it."""

import datetime as dt
import html
import re
import time

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django.utils import timezone

from competitions import page_cache
from competitions.models import EventRole, Submission
from competitions.services.moderation import submission_moderate
from competitions.services.scoring import (
    submission_hit_limit,
    submission_record_failure,
    submission_record_scores,
    submission_score,
    submission_start,
)
from competitions.services.submissions import submission_create
from competitions.services.sweeper import submissions_sweep
from competitions.views import submissions as views
from tests import factories
from tests.competitions.test_visitor_pages import HX, get
from tests.factories import PERFECT_CSV, upload

pytestmark = pytest.mark.django_db
POLL_URL = re.compile(r'hx-get="([^"]+)"')


def page_url(submission) -> str:
    return f"/submissions/{submission.pk}/"


def poll_url(response) -> str:
    """The URL htmx polls, as the page gives it."""
    found = POLL_URL.search(response.content.decode())
    assert found, "the page does not poll"
    return html.unescape(found.group(1))


def state_of(response) -> str:
    return re.search(r'data-state="(\w+)"', response.content.decode()).group(1)


def submit(user, phase) -> Submission:
    """A queued submission whose message is not sent (on-commit callbacks are not run)."""
    return submission_create(user=user, phase=phase, uploaded=upload(PERFECT_CSV))


def start(submission) -> Submission:
    return submission_start(submission_id=submission.pk, task_id="t1", worker="w1@host")


@pytest.fixture
def member(team_member) -> Client:
    client = Client()
    client.force_login(team_member)
    return client


def test_an_unchanged_poll_costs_no_query_and_no_session(member, team_member, phase, monkeypatch):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))
    assert re.fullmatch(rf"/submissions/{submission.pk}/status/\?since=[0-9a-f]{{32}}&at=\d+", url)

    def no_session(self):
        raise AssertionError("the session was read")

    monkeypatch.setattr(SessionStore, "load", no_session)
    for _ in range(3):
        answer, queries = get(member, url, **HX)
        assert answer.status_code == 204 and answer.content == b"" and queries == 0
        assert answer["Cache-Control"] == "no-cache" and not answer.cookies
    monkeypatch.undo()
    # Without htmx's header (a browser opening the URL), the view answers.
    answer, queries = get(member, url)
    assert answer.status_code == 200 and queries > 0
    # The status view's own rendering carries a poll answered the same way.
    again = poll_url(answer)
    assert get(member, again, **HX)[0].status_code == 204


def start_run(submission, member) -> tuple[Submission, str]:
    run = start(submission)
    return run, poll_url(member.get(page_url(submission)))


def claim(submission, member, **_kw):
    url = poll_url(member.get(page_url(submission)))
    start(submission)
    return url


def scores_written(submission, member, phase, **_kw):
    run, url = start_run(submission, member)
    metric = phase.challenge.primary_metric
    result = {"public": {metric: 0.75}, "private": {metric: 0.5}, "all": {metric: 0.6}}
    assert submission_record_scores(submission=run, result=result)
    return url


def failure(submission, member, **_kw):
    run, url = start_run(submission, member)
    assert submission_record_failure(submission=run, failure="file", message="no header")
    return url


def limit_hit(submission, member, **_kw):
    run, url = start_run(submission, member)
    assert submission_hit_limit(submission=run, limit=Submission.Limit.TIME) == "retry"
    return url


def stuck_run(submission, member, settings) -> str:
    """A run whose worker fell silent a minute ago, and the page's poll URL then."""
    settings.SCORING_HEARTBEAT_STALE_SECONDS = 30
    start(submission)
    silent = timezone.now() - dt.timedelta(seconds=60)
    Submission.objects.filter(pk=submission.pk).update(heartbeat_at=silent, started_at=silent)
    return poll_url(member.get(page_url(submission)))


def sweeper_requeue(submission, member, settings, **_kw):
    url = stuck_run(submission, member, settings)
    assert submissions_sweep(queue_length=0).requeued == [str(submission.pk)]
    return url


def sweeper_gives_up(submission, member, settings, **_kw):
    settings.SCORING_MAX_ATTEMPTS = 1
    url = stuck_run(submission, member, settings)
    assert submissions_sweep(queue_length=0).failed == [str(submission.pk)]
    return url


def hidden(submission, member, phase, **_kw):
    organiser = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    url = poll_url(member.get(page_url(submission)))
    submission_moderate(submission=submission, action="hide", reason="probing", actor=organiser)
    return url


def saved(submission, member, **_kw):
    url = poll_url(member.get(page_url(submission)))
    row = Submission.objects.get(pk=submission.pk)
    row.note = "edited in the admin"
    row.save()
    return url


@pytest.mark.parametrize(
    "change",
    [
        claim,
        scores_written,
        failure,
        limit_hit,
        sweeper_requeue,
        sweeper_gives_up,
        hidden,
        saved,
    ],
)
def test_every_change_gets_the_view_again(
    change, member, team_member, phase, settings, django_capture_on_commit_callbacks
):
    submission = submit(team_member, phase)
    with django_capture_on_commit_callbacks(execute=True):
        url = change(submission, member, phase=phase, settings=settings)
    answer, queries = get(member, url, **HX)
    assert answer.status_code == 200 and queries > 0
    # What the row says now (a requeued submission is scored again at commit, eagerly).
    state = Submission.objects.get(pk=submission.pk).state
    assert state_of(answer) == state
    if change is hidden:
        assert 'id="moderation"' in answer.content.decode()
    if state in ("queued", "running"):  # the new rendering's poll is answered here again
        assert get(member, poll_url(answer), **HX)[0].status_code == 204
    else:
        assert "hx-get" not in answer.content.decode()  # final: it stops polling


def test_a_rendering_older_than_the_fresh_time_gets_the_view(member, team_member, phase, settings):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))
    since = re.search(r"since=(\w+)", url).group(1)
    now = int(time.time())
    base = f"/submissions/{submission.pk}/status/?since={since}&at="
    assert get(member, base + str(now), **HX)[0].status_code == 204
    for at in (now - 3, now + 5, "", "x", "١٢٣"):
        answer, queries = get(member, base + str(at), **HX)
        assert answer.status_code == 200 and queries > 0, at
    settings.STATUS_POLL_FRESH_SECONDS = 5
    assert get(member, base + str(now - 3), **HX)[0].status_code == 204
    settings.STATUS_POLL_FRESH_SECONDS = 0
    assert get(member, base + str(now), **HX)[0].status_code == 200


def test_without_the_token_the_view_answers_as_always(member, team_member, phase):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))
    guessed = re.sub(r"since=\w+", "since=" + "0" * 32, url)
    stranger = Client()
    stranger.force_login(factories.UserFactory())
    assert get(stranger, guessed, **HX)[0].status_code == 404
    response = get(Client(), guessed, **HX)[0]
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert get(member, guessed, **HX)[0].status_code == 200
    # Another submission's token says nothing about this one.
    other = submit(team_member, phase)
    foreign = poll_url(member.get(page_url(other))).replace(str(other.pk), str(submission.pk))
    assert get(member, foreign, **HX)[0].status_code == 200


def test_with_caching_off_every_poll_gets_the_view(member, team_member, phase, settings):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))
    settings.PAGE_CACHE_SECONDS = 0
    page = member.get(page_url(submission))
    assert poll_url(page) == f"/submissions/{submission.pk}/status/"
    answer, queries = get(member, url, **HX)
    assert answer.status_code == 200 and queries > 0


def test_the_poll_works_when_the_status_token_cannot_be_read(
    member, team_member, phase, monkeypatch
):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))

    def down(*_args):
        raise ConnectionError("cache down")

    # Only the status token's reads: the rest of a signed-in page needs the cache anyway.
    monkeypatch.setattr(page_cache, "status_token", down)
    monkeypatch.setattr(page_cache, "status_unchanged", down)
    page = member.get(page_url(submission))
    assert page.status_code == 200 and poll_url(page) == f"/submissions/{submission.pk}/status/"
    answer, queries = get(member, url, **HX)
    assert answer.status_code == 200 and queries > 0


def test_a_page_left_open_while_scoring_shows_the_score(
    member, team_member, phase, django_capture_on_commit_callbacks
):
    submission = submit(team_member, phase)
    url = poll_url(member.get(page_url(submission)))
    assert get(member, url, **HX)[0].status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_score(submission_id=submission.pk, task_id="t1") == "scored"
    answer = member.get(url, **HX)
    text = answer.content.decode()
    assert answer.status_code == 200 and state_of(answer) == "scored"
    assert 'id="public-score">1.0000<' in text and "hx-get" not in text


def test_an_upload_through_the_form_ends_on_a_page_with_the_score(
    member, phase, django_capture_on_commit_callbacks
):
    challenge = phase.challenge
    url = f"/e/{challenge.event.slug}/{challenge.slug}/submit/"
    with django_capture_on_commit_callbacks(execute=True):  # the task runs, eagerly
        response = member.post(url, {"file": upload(PERFECT_CSV), "note": ""})
    assert response.status_code == 302
    page = member.get(response["Location"])
    assert state_of(page) == "scored" and 'id="public-score">1.0000<' in page.content.decode()


def test_a_change_while_the_page_renders_is_not_hidden_by_its_token(
    member, team_member, phase, monkeypatch
):
    """The token is read before the row: a change that lands just after the row was read
    leaves the page with the older token, so its next poll gets the view."""
    submission = submit(team_member, phase)
    read_row = views._get_submission

    def read_then_claimed(request, submission_id):
        row = read_row(request, submission_id)
        start(submission)  # the worker claims it meanwhile
        return row

    monkeypatch.setattr(views, "_get_submission", read_then_claimed)
    page = member.get(page_url(submission))
    monkeypatch.undo()
    assert state_of(page) == "queued"
    answer = member.get(poll_url(page), **HX)
    assert answer.status_code == 200 and state_of(answer) == "running"
