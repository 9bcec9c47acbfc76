"""Before publication, the results page, standings, judges' scores and project write-ups
answer 404 or 403 to participants, other teams, visitors and judges of other events, and
show them none of it. After publication, results and standings are public; judges' scores
and write-ups never are."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from competitions.models import EventRole, RulesAcceptance
from judging.models import ScoreSheet
from judging.services.prizes import prize_award, prize_create
from judging.services.results import results_publish
from judging.services.tracks import track_lock_judging
from tests import factories
from tests.judging.conftest import score

pytestmark = pytest.mark.django_db

SECRET_PRIZE = "Three thousand dollars"


@pytest.fixture
def setup(judged):
    t = judged
    project = t.red_project
    project.writeup.save("w.md", ContentFile(b"# Private write-up of Red"), save=True)
    project.writeup_name = "w.md"
    project.save()
    score(
        ScoreSheet.objects.create(judge=t.judge, project=project),
        {t.impact: 5, t.craft: 10},
    )
    prize = prize_create(
        track=t.track,
        actor=t.organiser,
        data={"kind": "place", "place": 1, "description": SECRET_PRIZE},
    )
    prize_award(prize=prize, actor=t.organiser, team=t.red)
    participant = factories.UserFactory()
    RulesAcceptance.objects.create(challenge=t.challenge, user=participant)
    other_judge = factories.UserFactory()
    EventRole.objects.create(event=factories.EventFactory(), user=other_judge, role="judge")
    slug, c = t.event.slug, t.challenge.slug
    t.people = {
        "visitor": None,
        "participant": participant,
        "other_team": t.blue_people[0],
        "other_event_judge": other_judge,
    }
    t.urls = {
        "results": reverse("judging:results", args=[slug]),
        "standings": reverse("judging:standings", args=[slug, c]),
        "scores": reverse("judging:manage_scores", args=[slug, c]),
        "scores_csv": reverse("judging:manage_scores_csv", args=[slug, c]),
        "standings_csv": reverse("judging:manage_standings_csv", args=[slug, c]),
        "writeup": reverse("judging:writeup", args=[slug, c, project.pk]),
        "track": reverse("judging:manage_track", args=[slug, c]),
        "publish": reverse("judging:manage_results", args=[slug]),
        "sheet": reverse("judging:score_sheet", args=[slug, c, project.pk]),
        "project": reverse("judging:project_detail", args=[slug, c, project.pk]),
    }
    return t


def _as(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)


LEAKS = [SECRET_PRIZE, "Private write-up of Red", "1st place", "Red app"]


def assert_closed(client, setup, names):
    for role, person in setup.people.items():
        _as(client, person)
        for name in names:
            response = client.get(setup.urls[name])
            assert response.status_code in {403, 404}, (role, name, response.status_code)
            body = response.content.decode()
            for secret in LEAKS:
                assert secret not in body, (role, name, secret)


def test_before_publication_everything_is_closed(client, setup):
    assert_closed(client, setup, list(setup.urls))


def test_the_results_page_answers_404_not_403(client, setup):
    for person in setup.people.values():
        _as(client, person)
        assert client.get(setup.urls["results"]).status_code == 404
        assert client.get(setup.urls["standings"]).status_code == 404
        assert client.get(setup.urls["writeup"]).status_code == 404


def test_organisers_see_it_all_and_judges_see_results_once_locked(client, setup):
    _as(client, setup.organiser)
    for name in [
        "results",
        "standings",
        "scores",
        "scores_csv",
        "standings_csv",
        "writeup",
        "track",
    ]:
        assert client.get(setup.urls[name]).status_code == 200, name
    assert "Preview: not published" in client.get(setup.urls["results"]).content.decode()
    _as(client, setup.judge)
    assert client.get(setup.urls["results"]).status_code == 404
    assert client.get(setup.urls["writeup"]).status_code == 200  # the judge scores this project
    track_lock_judging(track=setup.track, actor=setup.organiser)
    page = client.get(setup.urls["results"])
    assert page.status_code == 200 and SECRET_PRIZE in page.content.decode()
    assert client.get(setup.urls["standings"]).status_code == 200
    assert client.get(setup.urls["scores"]).status_code == 403  # others' scores: never
    assert client.post(setup.urls["publish"]).status_code == 403  # read-only
    assert_closed(client, setup, list(setup.urls))  # still closed to everyone else


def test_after_publication_results_and_standings_are_public(client, setup):
    track_lock_judging(track=setup.track, actor=setup.organiser)
    results_publish(event=setup.event, actor=setup.organiser)
    for person in setup.people.values():
        _as(client, person)
        page = client.get(setup.urls["results"])
        assert page.status_code == 200 and SECRET_PRIZE in page.content.decode()
        assert client.get(setup.urls["standings"]).status_code == 200
        assert client.get(setup.urls["project"]).status_code == 200
    assert_closed(
        client, setup, ["scores", "scores_csv", "standings_csv", "writeup", "track", "sheet"]
    )
