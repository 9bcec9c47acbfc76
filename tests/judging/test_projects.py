"""Handing in a project: who, until when, what (links, write-ups, submissions)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from competitions.models import AuditLog, Submission
from competitions.services import PermissionRefused
from judging.models import Project, Track
from judging.services import JudgingRefused
from judging.services.projects import project_save
from judging.services.tracks import track_lock_judging
from tests import factories
from tests.judging.conftest import make_team, scored

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fresh_team(judged, name="Green"):
    """A team with no project yet."""
    team, people = make_team(judged.challenge, name)
    return team, people[0]


def test_a_member_hands_in_and_another_member_edits(judged):
    team, leader = fresh_team(judged)
    member = factories.UserFactory()
    factories.add_member(team, member)
    submission = scored(judged.phase, team, 0.5, 0.4)
    project = project_save(
        track=judged.track,
        actor=leader,
        data={
            "title": " Ad linker ",
            "summary": "We **link** ads.",
            "repository_url": "https://example.org/repo",
            "demo_url": "http://demo.example.org",
            "submissions": [submission],
        },
    )
    assert project.team == team
    assert project.title == "Ad linker"
    assert list(project.submissions.all()) == [submission]
    project_save(track=judged.track, actor=member, data={"title": "Ad linker 2"})
    project.refresh_from_db()
    assert project.title == "Ad linker 2"
    assert project.updated_by == member
    assert Project.objects.filter(team=team).count() == 1
    actions = list(AuditLog.objects.filter(target_type="Project").values_list("action", flat=True))
    assert sorted(actions) == ["project.edit", "project.handin"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "data:text/html,hi"]
)
def test_links_must_be_http_or_https(judged, url):
    team, leader = fresh_team(judged)
    with pytest.raises(JudgingRefused, match="http:// or https://") as refusal:
        project_save(track=judged.track, actor=leader, data={"title": "X", "demo_url": url})
    assert refusal.value.field == "demo_url"
    assert not Project.objects.filter(team=team).exists()


def test_a_title_is_needed(judged):
    _team, leader = fresh_team(judged)
    with pytest.raises(JudgingRefused, match="title"):
        project_save(track=judged.track, actor=leader, data={"title": "  "})


def test_only_the_teams_scored_submissions_of_this_challenge(judged):
    team, leader = fresh_team(judged)
    others = Submission.objects.filter(team=judged.red)
    with pytest.raises(JudgingRefused, match="your team's scored submissions"):
        project_save(
            track=judged.track, actor=leader, data={"title": "X", "submissions": list(others)}
        )
    queued = Submission.objects.create(
        phase=judged.phase, team=team, file="q.csv", original_name="q.csv"
    )
    with pytest.raises(JudgingRefused):
        project_save(track=judged.track, actor=leader, data={"title": "X", "submissions": [queued]})


def test_people_without_a_team_judges_and_the_baseline_cannot_hand_in(judged):
    stranger = factories.UserFactory()
    with pytest.raises(JudgingRefused, match="Create or join a team"):
        project_save(track=judged.track, actor=stranger, data={"title": "X"})
    with pytest.raises(JudgingRefused, match="Create or join a team"):
        project_save(track=judged.track, actor=judged.judge, data={"title": "X"})
    _baseline, people = make_team(judged.challenge, "Baseline", baseline=True)
    with pytest.raises(PermissionRefused):
        project_save(track=judged.track, actor=people[0], data={"title": "X"})


def test_after_the_deadline_the_project_is_read_only(judged):
    leader = judged.red_people[0]
    judged.track.handin_deadline = timezone.now() - dt.timedelta(seconds=1)
    judged.track.save()
    with pytest.raises(JudgingRefused, match="deadline passed"):
        project_save(track=judged.track, actor=leader, data={"title": "Late change"})
    judged.red_project.refresh_from_db()
    assert judged.red_project.title == "Red app"


def test_the_deadline_is_exact(judged):
    leader = judged.red_people[0]
    deadline = judged.track.handin_deadline
    project_save(
        track=judged.track, actor=leader, data={"title": "Just in time"},
        now=deadline - dt.timedelta(microseconds=1),
    )  # fmt: skip
    with pytest.raises(JudgingRefused, match="deadline passed"):
        project_save(track=judged.track, actor=leader, data={"title": "Too late"}, now=deadline)


def test_locking_judging_closes_hand_in(judged):
    track_lock_judging(track=judged.track, actor=judged.organiser)
    judged.track.refresh_from_db()
    with pytest.raises(JudgingRefused, match="locked"):
        project_save(track=judged.track, actor=judged.red_people[0], data={"title": "After"})


def test_a_leaderboard_only_track_takes_no_projects(judged):
    judged.track.ranking = Track.Ranking.LEADERBOARD
    judged.track.save()
    with pytest.raises(JudgingRefused, match="not judged"):
        project_save(track=judged.track, actor=judged.red_people[0], data={"title": "X"})


def test_writeups_pdf_and_markdown_in_private_storage_under_random_names(
    judged, django_capture_on_commit_callbacks
):
    leader = judged.red_people[0]
    pdf = SimpleUploadedFile("Our Report.pdf", PDF, content_type="application/pdf")
    project = project_save(track=judged.track, actor=leader, data={"title": "R"}, writeup=pdf)
    assert project.writeup.name.startswith("writeups/")
    assert "Report" not in project.writeup.name and project.writeup.name.endswith(".pdf")
    assert project.writeup_name == "Our Report.pdf"
    assert project.writeup.storage.exists(project.writeup.name)
    old = project.writeup.name
    md = SimpleUploadedFile("notes.md", "# Notes\nÉté".encode(), content_type="text/markdown")
    with django_capture_on_commit_callbacks(execute=True):
        project = project_save(track=judged.track, actor=leader, data={"title": "R"}, writeup=md)
    assert project.writeup.name.endswith(".md") and project.writeup_size == len(
        "# Notes\nÉté".encode()
    )
    assert not project.writeup.storage.exists(old)  # the replaced file is gone
    project = project_save(
        track=judged.track, actor=leader, data={"title": "R"}, remove_writeup=True
    )
    assert not project.writeup


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.docx", b"PK\x03\x04", "PDF \\(.pdf\\) or Markdown"),
        ("report.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("notes.md", "é".encode("latin-1") * 10, "UTF-8"),
        ("notes.md", b"hello\x00world", "plain text"),
    ],
)
def test_bad_writeups_are_refused_and_nothing_is_stored(judged, name, content, message):
    leader = judged.red_people[0]
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(JudgingRefused, match=message) as refusal:
        project_save(track=judged.track, actor=leader, data={"title": "R"}, writeup=upload)
    assert refusal.value.field == "writeup"
    judged.red_project.refresh_from_db()
    assert not judged.red_project.writeup
    assert judged.red_project.title == "Red app"  # nothing of the refused save is kept


def test_writeups_above_the_size_limit_are_refused(judged, settings):
    settings.PROJECT_WRITEUP_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 100)
    with pytest.raises(JudgingRefused, match="the limit is 100"):
        project_save(
            track=judged.track, actor=judged.red_people[0], data={"title": "R"}, writeup=upload
        )


def test_the_handin_page_shows_the_deadline_and_a_form(client, judged):
    leader = judged.red_people[0]
    client.force_login(leader)
    url = reverse("judging:project", args=[judged.event.slug, judged.challenge.slug])
    page = client.get(url).content.decode()
    assert 'id="project-form"' in page
    assert "Hand-in deadline" in page
    response = client.post(url, {"title": "New title", "repository_url": "not a url"}, follow=True)
    page = response.content.decode()
    assert 'id="id_repository_url_error"' in page
    assert 'aria-describedby="id_repository_url_error"' in page
    assert "http:// or https://" in page
    response = client.post(url, {"title": "New title", "repository_url": "https://x.org"})
    assert response.status_code == 302
    judged.red_project.refresh_from_db()
    assert judged.red_project.title == "New title"


def test_the_handin_page_is_read_only_after_the_deadline(client, judged):
    judged.track.handin_deadline = timezone.now() - dt.timedelta(hours=1)
    judged.track.save()
    client.force_login(judged.red_people[1])
    url = reverse("judging:project", args=[judged.event.slug, judged.challenge.slug])
    page = client.get(url).content.decode()
    assert 'id="project-form"' not in page
    assert "deadline passed" in page
    response = client.post(url, {"title": "Sneaky"}, follow=True)
    assert "deadline passed" in response.content.decode()
    judged.red_project.refresh_from_db()
    assert judged.red_project.title == "Red app"


def test_writeups_are_served_only_to_team_judges_and_organisers(client, judged):
    leader = judged.red_people[0]
    md = SimpleUploadedFile(
        "notes.md", b"# Hi\n<script>alert(1)</script>\n[x](javascript:alert(2))"
    )
    project = project_save(track=judged.track, actor=leader, data={"title": "R"}, writeup=md)
    url = reverse("judging:writeup", args=[judged.event.slug, judged.challenge.slug, project.pk])
    for person in [leader, judged.judge, judged.organiser]:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        page = response.content.decode()
        assert "<h1>Hi</h1>" in page
        assert "<script>alert(1)" not in page and "javascript:" not in page
    client.force_login(judged.blue_people[0])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(leader)
    raw = client.get(url + "?download=1")
    assert raw["Content-Disposition"].startswith("attachment")
    assert b"<script>" in b"".join(raw.streaming_content)


def test_a_pdf_writeup_downloads_as_an_attachment(client, judged):
    leader = judged.red_people[0]
    pdf = SimpleUploadedFile("r.pdf", PDF)
    project = project_save(track=judged.track, actor=leader, data={"title": "R"}, writeup=pdf)
    client.force_login(judged.judge)
    url = reverse("judging:writeup", args=[judged.event.slug, judged.challenge.slug, project.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
