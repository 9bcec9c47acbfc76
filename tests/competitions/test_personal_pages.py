"""A signed-in person's home, event and challenge pages are kept for them
(``competitions.personal_pages``): the next request is served without a query, and every change
to what the page shows — the event, their own rows, their team's rows made by anyone, a
notification, the clock passing a phase's end — shows on the next request."""

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions.models import EventRole, Membership, Submission
from competitions.services.challenges import challenge_update
from competitions.services.notifications import notify
from competitions.services.scoring import submission_record_scores, submission_start
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


@pytest.fixture
def setting(db):
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    organiser = factories.UserFactory(language="en")
    EventRole.objects.create(event=challenge.event, user=organiser, role="organiser")
    team = factories.TeamFactory(challenge=challenge, name="Lynx")
    leader, mate = factories.UserFactory(language="en"), factories.UserFactory(language="en")
    factories.add_member(team, leader, role="leader")
    factories.add_member(team, mate)
    client = Client()
    client.force_login(leader)
    return {
        "phase": phase,
        "challenge": challenge,
        "team": team,
        "leader": leader,
        "mate": mate,
        "organiser": organiser,
        "client": client,
        "url": f"/e/{challenge.event.slug}/{challenge.slug}/",
    }


def submission(s, by=None, state="queued"):
    return Submission.objects.create(
        phase=s["phase"], team=s["team"], submitted_by=by or s["mate"], file="x.csv",
        original_name="mates-file.csv", size=10, state=state, queued_at=timezone.now(),
    )  # fmt: skip


@pytest.mark.parametrize("which", ["home", "event", "challenge"])
def test_the_second_request_is_served_without_a_query(setting, which):
    challenge = setting["challenge"]
    url = {"home": "/", "event": f"/e/{challenge.event.slug}/", "challenge": setting["url"]}[which]
    first, queries = get(setting["client"], url)
    assert queries > 0
    again, queries = get(setting["client"], url)
    assert queries == 0
    assert TOKEN.sub("", again) == TOKEN.sub("", first)  # each response: a fresh CSRF token
    assert setting["leader"].username in again


def test_each_person_gets_their_own_page(setting):
    get(setting["client"], setting["url"])
    other_team = factories.TeamFactory(challenge=setting["challenge"], name="Orca")
    stranger = factories.UserFactory(language="en")
    factories.add_member(other_team, stranger, role="leader")
    client = Client()
    client.force_login(stranger)
    page, queries = get(client, setting["url"])
    assert queries > 0 and "Orca" in page and stranger.username in page
    assert setting["leader"].username not in page


def test_a_team_mates_upload_and_its_scoring_show_at_once(setting):
    client, url = setting["client"], setting["url"]
    get(client, url)
    assert get(client, url)[1] == 0
    queued = submission(setting)  # by the team mate, through no request of the leader's
    page, queries = get(client, url)
    assert queries > 0 and "mates-file.csv" in page and "Queued" in page
    # Scoring moves it by conditional UPDATEs, which send no signal.
    running = submission_start(submission_id=queued.pk, task_id="t", worker="w")
    assert running is not None
    page, _ = get(client, url)
    assert "Running" in page
    result = {"public": {"pairwise_f1": 0.5}, "private": {"pairwise_f1": 0.4}, "all": {}}
    assert submission_record_scores(submission=running, result=result)
    page, _ = get(client, url)
    assert "Scored" in page


def test_joining_leaving_and_renaming_show_at_once(setting):
    newcomer = factories.UserFactory(language="en")
    client = Client()
    client.force_login(newcomer)
    page, _ = get(client, setting["url"])
    assert "Lynx" not in page
    factories.add_member(setting["team"], newcomer)  # e.g. accepted by the leader
    page, queries = get(client, setting["url"])
    assert queries > 0 and "Lynx" in page
    setting["team"].name = "Lynx Prime"
    setting["team"].save()
    assert "Lynx Prime" in get(client, setting["url"])[0]
    Membership.objects.filter(user=newcomer).delete()
    assert "Lynx Prime" not in get(client, setting["url"])[0]


def test_an_organisers_edit_shows_at_once(setting, django_capture_on_commit_callbacks):
    get(setting["client"], setting["url"])
    with django_capture_on_commit_callbacks(execute=True):
        challenge_update(
            challenge=setting["challenge"], actor=setting["organiser"], data={"summary": "Fresh"}
        )
    page, queries = get(setting["client"], setting["url"])
    assert queries > 0 and "Fresh" in page


def test_a_new_notification_shows_in_the_top_bar(setting, django_capture_on_commit_callbacks):
    get(setting["client"], setting["url"])
    assert 'id="unread-count"' not in get(setting["client"], setting["url"])[0]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[setting["leader"]], message="Something happened.")
    page, queries = get(setting["client"], setting["url"])
    assert queries > 0 and 'id="unread-count"' in page


def test_a_post_of_the_person_renews_their_pages(setting):
    client = setting["client"]
    get(client, setting["url"])
    client.post("/i18n/setlang/", {"language": "fr", "next": setting["url"]})
    page, queries = get(client, setting["url"])
    assert queries > 0 and '<html lang="fr"' in page


def test_a_message_waiting_is_shown_not_a_kept_page(setting):
    client = setting["client"]
    get(client, setting["url"])
    # An upload with no file: the refusal is a flash message on the challenge page.
    client.post(f"{setting['url']}submit/", {})
    page, queries = get(client, setting["url"])
    assert queries > 0 and "Choose a file to upload." in page
    assert "Choose a file to upload." not in get(client, setting["url"])[0]


def test_a_page_is_never_kept_past_the_phases_end(setting):
    phase = setting["phase"]
    phase.ends_at = timezone.now() + dt.timedelta(seconds=1.5)
    phase.save()
    open_page, _ = get(setting["client"], setting["url"])
    assert 'name="file"' in open_page  # the upload form, while the phase is open
    assert get(setting["client"], setting["url"])[1] == 0
    time.sleep(max(0.0, (phase.ends_at - timezone.now()).total_seconds()) + 0.1)
    closed_page, queries = get(setting["client"], setting["url"])
    assert queries > 0 and 'name="file"' not in closed_page


def test_it_can_be_turned_off(setting, settings):
    settings.PERSONAL_PAGE_SECONDS = 0
    get(setting["client"], setting["url"])
    assert get(setting["client"], setting["url"])[1] > 0


def test_pages_still_work_when_the_cache_does_not_answer(setting, monkeypatch):
    from competitions import personal_pages

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache down")

    get(setting["client"], setting["url"])
    monkeypatch.setattr(personal_pages, "cache", Down())
    page, queries = get(setting["client"], setting["url"])
    assert queries > 0 and "Lynx" in page


def test_a_change_to_the_persons_account_shows_at_once(setting):
    get(setting["client"], setting["url"])
    leader = setting["leader"]
    leader.username = "renamed-by-an-admin"
    leader.save()
    page, queries = get(setting["client"], setting["url"])
    assert queries > 0 and "renamed-by-an-admin" in page


def test_after_an_upload_only_what_it_changed_is_read_again(setting):
    """An upload renews the team's token (its challenge page is rendered again), not the token
    of the team's own rows: the team, the membership and the quota override come from the
    cache, and the page reads only the submissions and their counts."""
    client, url = setting["client"], setting["url"]
    get(client, url)
    submission(setting)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "mates-file.csv" in page
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "competitions_submission" in tables
    assert "competitions_membership" not in tables
    assert "competitions_quotaoverride" not in tables


def test_a_quota_override_shows_at_once(setting):
    from competitions.models import QuotaOverride

    client, url = setting["client"], setting["url"]
    page, _ = get(client, url)
    limit = setting["phase"].daily_limit
    assert f"of {limit} left today" in page
    QuotaOverride.objects.create(
        team=setting["team"], phase=setting["phase"], daily_limit=limit + 7,
        reason="more", created_by=setting["organiser"],
    )  # fmt: skip
    page, _ = get(client, url)
    assert f"of {limit + 7} left today" in page
