"""Organisers' CSV exports: judges' scores by judge and by project, and the standings."""

import csv
import io

import pytest
from django.urls import reverse

from judging.models import ScoreSheet
from tests.judging.conftest import make_team, score

pytestmark = pytest.mark.django_db


def read(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))


@pytest.fixture
def scored_track(judged):
    evil, _people = make_team(judged.challenge, '=HYPERLINK("http://evil")')
    from tests.judging.conftest import make_project

    evil_project = make_project(judged.track, evil, title="@SUM(A1)")
    for judge, project, values in [
        (judged.judge, judged.red_project, {judged.impact: 5, judged.craft: 10}),
        (judged.judge2, judged.red_project, {judged.impact: 3, judged.craft: 5}),
        (judged.judge, evil_project, {judged.impact: 1, judged.craft: 0}),
    ]:
        score(ScoreSheet.objects.create(judge=judge, project=project), values)
    judged.evil = evil
    return judged


def test_scores_by_judge_and_by_project(client, scored_track):
    t = scored_track
    client.force_login(t.organiser)
    url = reverse("judging:manage_scores_csv", args=[t.event.slug, t.challenge.slug])
    by_judge = read(client.get(url + "?order=judge"))
    assert by_judge[0][:6] == ["judge", "team", "project", "state", "Impact", "Craft"]
    assert [row[0] for row in by_judge[1:]] == sorted(
        [t.judge.username, t.judge.username, t.judge2.username]
    )
    evil_row = next(row for row in by_judge if row[1].startswith("'"))
    assert evil_row[1] == '\'=HYPERLINK("http://evil")' and evil_row[2] == "'@SUM(A1)"
    assert evil_row[4:7] == ["1", "0", "0.0"]
    by_project = read(client.get(url + "?order=project"))
    assert [row[1] for row in by_project[1:]] == ['\'=HYPERLINK("http://evil")', "Red", "Red"]
    red_scores = sorted(float(row[6]) for row in by_project[1:] if row[1] == "Red")
    assert red_scores == [50.0, 100.0]


def test_standings_export(client, scored_track):
    t = scored_track
    client.force_login(t.organiser)
    url = reverse("judging:manage_standings_csv", args=[t.event.slug, t.challenge.slug])
    rows = read(client.get(url))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["position", "team", "project", "leaderboard_score", "leaderboard_rank"]
    red = next(row for row in body if row[1] == "Red")
    assert red[5] == "75.0" and red[7] == "2"  # judges' mean (100 + 50) / 2, two sheets
    assert any(row[1] == '\'=HYPERLINK("http://evil")' for row in body)
    assert all(row[10] == "blend" and row[11] == "50" for row in body)


def test_exports_are_for_organisers_only(client, scored_track):
    t = scored_track
    urls = [
        reverse("judging:manage_scores_csv", args=[t.event.slug, t.challenge.slug]),
        reverse("judging:manage_standings_csv", args=[t.event.slug, t.challenge.slug]),
        reverse("judging:manage_scores", args=[t.event.slug, t.challenge.slug]),
    ]
    for person in [t.judge, t.red_people[0], None]:
        if person is None:
            client.logout()
        else:
            client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (person, url)
            assert b"Red" not in response.content
