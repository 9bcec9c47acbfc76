"""Panels (each with its judges, criteria and weight; the judges' score is the weighted mean
of the panels' scores) and rounds (a shortlist round where each project is seen by N judges
and the top K by normalised score go on; a final round that makes the standings)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from competitions.models import AuditLog, Notification
from judging.models import Criterion, Panel, Project, ScoreSheet, Track
from judging.selectors.standings import track_standings
from judging.services import JudgingRefused
from judging.services.assignments import assignments_make
from judging.services.panels import panel_delete, panel_save
from judging.services.rounds import shortlist_close
from judging.services.scoresheets import scoresheet_submit
from judging.services.tracks import criterion_update, track_lock_judging, track_update
from tests.judging.conftest import make_project, make_role, make_team, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def paneled(judged):
    """Technical (judge, weight 1) scores Craft; Impact (judge2, weight 3) scores Impact."""
    t = judged
    t.technical = panel_save(
        track=t.track, actor=t.organiser, name="Technical", weight=1, judges=[t.judge]
    )
    t.impact_panel = panel_save(
        track=t.track, actor=t.organiser, name="Impact on victims' services", weight=3,
        judges=[t.judge2],
    )  # fmt: skip
    criterion_update(criterion=t.craft, actor=t.organiser, data={"panel": t.technical})
    criterion_update(criterion=t.impact, actor=t.organiser, data={"panel": t.impact_panel})
    return t


def _sheet(t, project, judge):
    return ScoreSheet.objects.get(project=project, judge=judge)


def test_each_panels_judges_score_its_own_criteria_and_the_panels_combine_by_weight(paneled):
    t = paneled
    report = assignments_make(track=t.track, actor=t.organiser)
    assert report.created == 4  # one sheet per project in each panel
    assert set(ScoreSheet.objects.filter(judge=t.judge).values_list("panel", flat=True)) == {
        t.technical.pk
    }
    # A technical sheet needs only Craft; a score for Impact is not asked for.
    scoresheet_submit(
        sheet=_sheet(t, t.red_project, t.judge), actor=t.judge, scores={t.craft.pk: 10},
        comment="",
    )  # fmt: skip
    scoresheet_submit(
        sheet=_sheet(t, t.blue_project, t.judge), actor=t.judge, scores={t.craft.pk: 0},
        comment="",
    )  # fmt: skip
    scoresheet_submit(
        sheet=_sheet(t, t.red_project, t.judge2), actor=t.judge2, scores={t.impact.pk: 1},
        comment="",
    )  # fmt: skip
    with pytest.raises(JudgingRefused, match="missing: Impact"):
        scoresheet_submit(
            sheet=_sheet(t, t.blue_project, t.judge2), actor=t.judge2, scores={}, comment=""
        )
    scoresheet_submit(
        sheet=_sheet(t, t.blue_project, t.judge2), actor=t.judge2, scores={t.impact.pk: 5},
        comment="",
    )  # fmt: skip
    rows = {r.team_name: r for r in track_standings(t.track).rows}
    # Red: technical 100, impact 0 → (1 × 100 + 3 × 0) / 4 = 25; Blue: (0 + 3 × 100) / 4 = 75.
    assert rows["Red"].judges_score == pytest.approx(25.0)
    assert rows["Blue"].judges_score == pytest.approx(75.0)
    assert rows["Red"].panel_scores == {
        "Technical": pytest.approx(100.0), "Impact on victims' services": pytest.approx(0.0)
    }  # fmt: skip
    assert rows["Blue"].judges_rank == 1 and rows["Red"].judges_rank == 2


def test_panel_rules(paneled):
    t = paneled
    outsider = t.red_people[0]
    with pytest.raises(JudgingRefused, match="does not judge this event"):
        panel_save(track=t.track, actor=t.organiser, name="X", weight=1, judges=[outsider])
    with pytest.raises(JudgingRefused, match="already has a panel of that name"):
        panel_save(track=t.track, actor=t.organiser, name="technical", weight=1, judges=[])
    with pytest.raises(JudgingRefused, match="above 0"):
        panel_save(track=t.track, actor=t.organiser, name="Y", weight=0, judges=[])
    with pytest.raises(JudgingRefused, match="Move or remove the criteria"):
        panel_delete(panel=t.technical, actor=t.organiser)
    assignments_make(track=t.track, actor=t.organiser)
    criterion_update(criterion=t.craft, actor=t.organiser, data={"panel": None})
    with pytest.raises(JudgingRefused, match="have score sheets"):
        panel_delete(panel=t.technical, actor=t.organiser)
    assert AuditLog.objects.filter(action="panel.create").count() == 2


@pytest.fixture
def two_rounds(judged):
    """Four teams, three judges; shortlist: 2 judges per project, the top 2 go on."""
    t = judged
    t.judge3 = make_role(t.event, "judge")
    t.green, t.green_people = make_team(t.challenge, "Green")
    t.yellow, _ = make_team(t.challenge, "Yellow")
    t.green_project = make_project(t.track, t.green)
    t.yellow_project = make_project(t.track, t.yellow)
    track_update(
        track=t.track, actor=t.organiser,
        data={"shortlist": True, "shortlist_judges_per_project": 2, "shortlist_size": 2},
    )  # fmt: skip
    t.track.refresh_from_db()
    return t


# Every shortlisting judge agrees: Red > Green > Blue > Yellow.
QUALITY = {"Red": (5, 10), "Green": (4, 7), "Blue": (3, 4), "Yellow": (1, 0)}


def _score_shortlist(t):
    for sheet in ScoreSheet.objects.filter(round="shortlist").select_related("project__team"):
        impact, craft = QUALITY[sheet.project.team.name]
        score(sheet, {t.impact: impact, t.craft: craft})


def test_the_shortlist_round(two_rounds, django_capture_on_commit_callbacks):
    t = two_rounds
    report = assignments_make(track=t.track, actor=t.organiser)
    assert report.created == 8  # 4 projects × 2 judges
    loads = sorted(ScoreSheet.objects.filter(round="shortlist").values_list("judge", flat=True))
    assert sorted(loads.count(j.pk) for j in [t.judge, t.judge2, t.judge3]) == [2, 3, 3]
    with pytest.raises(JudgingRefused, match="Close the shortlist round first"):
        track_lock_judging(track=t.track, actor=t.organiser)
    with pytest.raises(JudgingRefused, match="No shortlist score sheet"):
        shortlist_close(track=t.track, actor=t.organiser)
    _score_shortlist(t)
    with django_capture_on_commit_callbacks(execute=True):
        finalists = shortlist_close(track=t.track, actor=t.organiser)
    assert {p.team.name for p in finalists} == {"Red", "Green"}
    ranks = dict(Project.objects.values_list("team__name", "shortlist_rank"))
    assert ranks == {"Red": 1, "Green": 2, "Blue": 3, "Yellow": 4}
    entry = AuditLog.objects.get(action="shortlist.close")
    assert entry.data["finalists"] == ["Red", "Green"]
    note = Notification.objects.get(user=t.green_people[0])
    assert note.message.endswith("goes on to the final round of judging.")
    note = Notification.objects.get(user=t.blue_people[0])
    assert "does not go on" in note.message
    # Shortlist sheets are closed; the final round assigns only the finalists.
    sheet = ScoreSheet.objects.filter(round="shortlist").first()
    with pytest.raises(JudgingRefused, match="shortlist round is closed"):
        scoresheet_submit(
            sheet=sheet, actor=sheet.judge, scores={t.impact.pk: 1, t.craft.pk: 1}, comment=""
        )
    report = assignments_make(track=t.track, actor=t.organiser)
    finals = ScoreSheet.objects.filter(round="final")
    assert report.created == 6  # 2 finalists × every judge (assignment "all")
    assert set(finals.values_list("project__team__name", flat=True)) == {"Red", "Green"}
    with pytest.raises(JudgingRefused, match="no shortlist round open"):
        shortlist_close(track=t.track, actor=t.organiser)


def test_standings_use_the_final_round_and_exports_keep_the_shortlist(client, two_rounds):
    t = two_rounds
    assignments_make(track=t.track, actor=t.organiser)
    _score_shortlist(t)
    shortlist_close(track=t.track, actor=t.organiser)
    assignments_make(track=t.track, actor=t.organiser)
    # The final panel prefers Green to Red (the shortlist order is not carried over).
    for sheet in ScoreSheet.objects.filter(round="final").select_related("project__team"):
        values = (5, 10) if sheet.project.team.name == "Green" else (2, 2)
        score(sheet, {t.impact: values[0], t.craft: values[1]})
    Track.objects.filter(pk=t.track.pk).update(ranking="judges")
    t.track.refresh_from_db()
    rows = {r.team_name: r for r in track_standings(t.track).rows}
    assert [rows[n].judges_rank for n in ["Green", "Red", "Blue", "Yellow"]] == [1, 2, 3, 4]
    assert rows["Green"].judges_count == 3 and rows["Blue"].judges_count == 0
    assert rows["Green"].round_reached == "final" and rows["Blue"].round_reached == "shortlist"
    assert [rows[n].position for n in ["Green", "Red", "Blue", "Yellow"]] == [1, 2, 3, 4]

    client.force_login(t.organiser)
    slug, c = t.event.slug, t.challenge.slug
    body = client.get(
        reverse("judging:manage_scores_csv", args=[slug, c]) + "?order=project"
    ).content.decode()
    rows_csv = list(csv.DictReader(io.StringIO(body)))
    assert {r["round"] for r in rows_csv} == {"shortlist", "final"}
    assert sum(1 for r in rows_csv if r["round"] == "shortlist") == 8
    assert all(r["z_score"] for r in rows_csv if r["round"] == "shortlist")  # normalised
    page = client.get(reverse("judging:manage_scores", args=[slug, c])).content.decode()
    assert "Shortlist round" in page and "Feedback for the team" in page
    body = client.get(reverse("judging:manage_standings_csv", args=[slug, c])).content.decode()
    standings = {r["team"]: r for r in csv.DictReader(io.StringIO(body))}
    assert standings["Blue"]["round_reached"] == "shortlist"
    assert standings["Blue"]["shortlist_rank"] == "3"
    assert standings["Green"]["round_reached"] == "final"
    # The project page shows the round reached, to those who may see it.
    client.force_login(t.blue_people[0])
    page = client.get(reverse("judging:project", args=[slug, c])).content.decode()
    assert "Reached the shortlist round" in page
    client.force_login(t.green_people[0])
    page = client.get(reverse("judging:project", args=[slug, c])).content.decode()
    assert "Reached the final round" in page


def test_rounds_and_panels_pages(client, two_rounds):
    t = two_rounds
    slug, c = t.event.slug, t.challenge.slug
    client.force_login(t.organiser)
    url = reverse("judging:manage_panel_new", args=[slug, c])
    response = client.post(url, {"name": "", "weight": "1"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    client.post(url, {"name": "Technical", "weight": "2", "judges": [t.judge.pk, t.judge2.pk]})
    panel = Panel.objects.get(name="Technical")
    assert panel.weight == Decimal(2) and panel.judges.count() == 2
    page = client.get(reverse("judging:manage_track", args=[slug, c])).content.decode()
    assert 'id="panel-table"' in page and "Now: the shortlist round." in page
    assignments_make(track=t.track, actor=t.organiser)
    _score_shortlist(t)
    close = reverse("judging:manage_close_shortlist", args=[slug, c])
    client.force_login(t.judge)
    assert client.post(close).status_code == 403
    client.force_login(t.organiser)
    response = client.post(close, follow=True)
    assert "2 projects go on to the final round" in response.content.decode()
    assert 'id="shortlist-table"' in response.content.decode()
    response = client.post(close, follow=True)
    assert "no shortlist round open" in response.content.decode()
    Criterion.objects.filter(pk=t.craft.pk).update(panel=panel)
    # A judge's list shows each sheet's round and panel; each opens by its own address.
    assignments_make(track=t.track, actor=t.organiser)
    client.force_login(t.judge)
    page = client.get(reverse("judging:judge_track", args=[slug, c])).content.decode()
    assert "Final round · Technical" in page and "Shortlist round" in page
    sheet = ScoreSheet.objects.filter(judge=t.judge, round="final").first()
    page = client.get(reverse("judging:score_sheet_by_id", args=[slug, c, sheet.pk]))
    assert page.status_code == 200 and "panel “Technical”" in page.content.decode()
    other = ScoreSheet.objects.exclude(judge=t.judge).first()
    assert (
        client.get(reverse("judging:score_sheet_by_id", args=[slug, c, other.pk])).status_code
        == 404
    )
