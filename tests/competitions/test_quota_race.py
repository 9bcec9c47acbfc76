"""The limits a team submits under: the daily limit is exact under parallel uploads (real
threads, real PostgreSQL row locks), and a phase's dates hold to the second.

Each thread has its own database connection (Django's are per thread) and closes it at the end.
On SQLite the race tests are skipped: SQLite serialises every writer, so no race can be shown.
"""

import datetime as dt
import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections, transaction
from django.test import Client

from competitions.models import Challenge, Event, RulesAcceptance, Submission
from competitions.services import submissions as submission_services
from competitions.services.submissions import SubmissionRefused, submission_create
from competitions.services.teams import team_invite_link_regenerate, team_join
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = 20
DAILY_LIMIT = 5


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "the quota race needs PostgreSQL row locks and concurrent connections; "
            "set DATABASE_URL=postgres://... to run it (SQLite serialises all writers)"
        )


@pytest.fixture
def no_scoring(monkeypatch):
    """Scoring is not what is under test; queued submissions count toward quota all the same."""
    queued = []
    monkeypatch.setattr(submission_services, "submission_enqueue_on_commit", queued.append)
    return queued


@pytest.fixture
def crowded_team():
    phase = factories.PhaseFactory(daily_limit=DAILY_LIMIT, total_limit=None)
    phase.challenge.max_team_size = UPLOADS
    phase.challenge.save()
    team = factories.TeamFactory(challenge=phase.challenge)
    members = [factories.UserFactory() for _ in range(4)]
    for index, user in enumerate(members):
        factories.add_member(team, user, role="leader" if index == 0 else "member")
    return phase, team, members


def run_in_threads(count: int, work) -> list:
    """Start ``count`` threads that call ``work(i)`` at the same moment; collect the outcomes."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as error:  # the outcome under test is the exception itself
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an upload hung"
    return outcomes


def assert_refusal_names_limit_and_reset(message: str) -> None:
    assert f"its {DAILY_LIMIT} submissions for today" in message
    assert re.search(r"next reset is at .+ UTC", message), message


def test_twenty_parallel_uploads_accept_exactly_the_daily_limit(
    postgresql_only, crowded_team, no_scoring
):
    phase, team, members = crowded_team

    def upload(i: int):
        user = members[i % len(members)]
        return submission_create(
            user=user, phase=phase, uploaded=factories.upload(factories.PERFECT_CSV)
        )

    outcomes = run_in_threads(UPLOADS, upload)

    accepted = [o for o in outcomes if isinstance(o, Submission)]
    refused = [o for o in outcomes if isinstance(o, SubmissionRefused)]
    unexpected = [o for o in outcomes if not isinstance(o, Submission | SubmissionRefused)]
    assert unexpected == []
    assert len(accepted) == DAILY_LIMIT
    assert len(refused) == UPLOADS - DAILY_LIMIT
    for error in refused:
        assert_refusal_names_limit_and_reset(str(error))
    assert Submission.objects.filter(team=team, phase=phase).count() == DAILY_LIMIT
    assert len(no_scoring) == DAILY_LIMIT  # only committed submissions were queued


def test_twenty_parallel_uploads_through_the_http_view(postgresql_only, crowded_team, no_scoring):
    phase, team, members = crowded_team
    challenge = phase.challenge
    url = f"/e/{challenge.event.slug}/{challenge.slug}/submit/"
    clients = []
    for i in range(UPLOADS):
        client = Client()
        client.force_login(members[i % len(members)])
        clients.append(client)

    def post(i: int):
        response = clients[i].post(url, {"file": factories.upload(factories.PERFECT_CSV)})
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        return response.status_code, response.headers.get("Location", ""), texts

    outcomes = run_in_threads(UPLOADS, post)

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert all(status == 302 for status, _location, _texts in outcomes)
    accepted = [o for o in outcomes if "/submissions/" in o[1]]
    refused = [o for o in outcomes if o[1].rstrip("/").endswith(challenge.slug)]
    assert len(accepted) == DAILY_LIMIT
    assert len(refused) == UPLOADS - DAILY_LIMIT
    for _status, _location, texts in refused:
        assert len(texts) == 1
        assert_refusal_names_limit_and_reset(texts[0])
    assert Submission.objects.filter(team=team, phase=phase).count() == DAILY_LIMIT


# --- phase dates at the boundary ---------------------------------------------------------------


@pytest.fixture
def submitter(phase, no_scoring):
    team = factories.TeamFactory(challenge=phase.challenge)
    user = factories.UserFactory()
    factories.add_member(team, user, role="leader")
    return user


def submit_at(user, phase, now):
    return submission_create(
        user=user, phase=phase, uploaded=factories.upload(factories.PERFECT_CSV), now=now
    )


def test_an_upload_exactly_at_the_start_is_accepted(phase, submitter):
    assert isinstance(submit_at(submitter, phase, phase.starts_at), Submission)


def test_an_upload_a_second_before_the_start_is_refused(phase, submitter):
    with pytest.raises(SubmissionRefused, match="This phase opens at .*not accepted before then"):
        submit_at(submitter, phase, phase.starts_at - dt.timedelta(seconds=1))
    assert not Submission.objects.exists()


def test_an_upload_in_the_last_second_is_accepted(phase, submitter):
    assert isinstance(
        submit_at(submitter, phase, phase.ends_at - dt.timedelta(seconds=1)), Submission
    )


@pytest.mark.parametrize("after", [dt.timedelta(0), dt.timedelta(seconds=1)])
def test_an_upload_at_or_after_the_end_is_refused(phase, submitter, after):
    with pytest.raises(SubmissionRefused, match="This phase closed at .*no longer accepted"):
        submit_at(submitter, phase, phase.ends_at + after)
    assert not Submission.objects.exists()


# --- what an upload locks ----------------------------------------------------------------------


def test_uploads_and_team_changes_lock_the_team_row_only(postgresql_only, crowded_team, no_scoring):
    """An organiser's edit holding the event's and the challenge's rows (as ``event_update``
    and ``challenge_update`` lock them) does not hold up a team's upload, a change to its team,
    a rules acceptance or a join: those lock the team's row alone. A lock on the event's row
    would make every upload of the event wait for every other."""
    phase, team, members = crowded_team
    challenge = phase.challenge
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update(no_key=True).get(pk=challenge.event_id)
                Challenge.objects.select_for_update(no_key=True).get(pk=challenge.pk)
                holding.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=30)
    try:
        with connection.cursor() as cursor:  # a wait becomes an error instead of a hang
            cursor.execute("SET lock_timeout = '5s'")
        submission = submission_create(
            user=members[0], phase=phase, uploaded=factories.upload(factories.PERFECT_CSV)
        )
        changed = team_invite_link_regenerate(team=team, user=members[0])
        newcomer = factories.UserFactory()
        RulesAcceptance.objects.create(challenge=challenge, user=newcomer)
        joined = team_join(team=team, user=newcomer)
    finally:
        release.set()
        holder.join(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert Submission.objects.filter(pk=submission.pk, team=team).exists()
    assert changed.invite_token != team.invite_token
    assert joined.team_id == team.pk
