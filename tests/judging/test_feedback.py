"""Feedback to teams: judges write it beside the organisers' comment; each team reads the
feedback on its own project once the results are published, without judges' names unless
the organiser shows them, and without any scores."""

import csv
import io

import pytest
from django.urls import reverse

from judging.models import ScoreSheet
from judging.services.prizes import prize_award, prize_create
from judging.services.results import results_publish
from judging.services.scoresheets import scoresheet_submit
from judging.services.tracks import track_lock_judging

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed(judged):
    for project, judge, text in [
        (judged.red_project, judged.judge, "Great linkage of phone variants."),
        (judged.blue_project, judged.judge, "Blue-only remark."),
    ]:
        sheet = ScoreSheet.objects.create(project=project, judge=judge)
        scoresheet_submit(
            sheet=sheet,
            actor=judge,
            scores={judged.impact.pk: 4, judged.craft.pk: 7},
            comment="Private note to organisers",
            feedback=text,
        )
    prize = prize_create(track=judged.track, actor=judged.organiser, data={"place": 1})
    prize_award(prize=prize, actor=judged.organiser, team=judged.red)
    return judged


def _project_page(client, t, person):
    client.force_login(person)
    return client.get(reverse("judging:project", args=[t.event.slug, t.challenge.slug]))


def test_feedback_waits_for_publication(client, fed):
    page = _project_page(client, fed, fed.red_people[0]).content.decode()
    assert "Great linkage" not in page and 'id="feedback"' not in page
    track_lock_judging(track=fed.track, actor=fed.organiser)
    results_publish(event=fed.event, actor=fed.organiser)
    page = _project_page(client, fed, fed.red_people[0]).content.decode()
    assert "Great linkage of phone variants." in page
    assert "Blue-only remark" not in page  # another team's feedback
    assert "Private note to organisers" not in page
    assert str(fed.judge) not in page  # names hidden by default
    # The public project page after publication shows no feedback to others.
    client.force_login(fed.blue_people[0])
    detail = reverse(
        "judging:project_detail", args=[fed.event.slug, fed.challenge.slug, fed.red_project.pk]
    )
    page = client.get(detail).content.decode()
    assert "Great linkage" not in page


def test_organisers_may_show_judges_names(client, fed):
    fed.track.feedback_shows_judges = True
    fed.track.save()
    track_lock_judging(track=fed.track, actor=fed.organiser)
    results_publish(event=fed.event, actor=fed.organiser)
    page = _project_page(client, fed, fed.red_people[1]).content.decode()
    assert "Great linkage" in page and str(fed.judge) in page


def test_the_score_sheet_keeps_feedback_apart_from_the_comment(client, fed):
    sheet = ScoreSheet.objects.get(project=fed.red_project)
    assert sheet.comment == "Private note to organisers"
    assert sheet.feedback == "Great linkage of phone variants."
    client.force_login(fed.judge)
    url = reverse(
        "judging:score_sheet", args=[fed.event.slug, fed.challenge.slug, fed.red_project.pk]
    )
    page = client.get(url).content.decode()
    assert "Feedback for the team" in page and "Great linkage" in page


def test_feedback_is_in_the_scores_export_and_safe_for_spreadsheets(client, fed):
    sheet = ScoreSheet.objects.get(project=fed.red_project)
    sheet.feedback = '=HYPERLINK("http://evil")'
    sheet.save()
    client.force_login(fed.organiser)
    url = reverse("judging:manage_scores_csv", args=[fed.event.slug, fed.challenge.slug])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    header = rows[0]
    assert header[-3:] == ["round", "panel", "feedback_to_team"]
    feedback = {row[1]: row[-1] for row in rows[1:]}
    assert feedback["Red"] == '\'=HYPERLINK("http://evil")'
    assert feedback["Blue"] == "Blue-only remark."
