"""The judging pages over HTTP: organisers set up, assign, lock, award and publish; judges
find their projects; links appear where people look for them; bad input gets a message."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import AuditLog
from competitions.services.challenges import ChallengeRefused, challenge_create
from judging.models import Criterion, EventResults, Prize, ScoreSheet, Track
from tests import factories
from tests.judging.conftest import make_role, score

pytestmark = pytest.mark.django_db


def manage(name, t, *extra):
    return reverse(f"judging:{name}", args=[t.event.slug, t.challenge.slug, *extra])


def test_an_organiser_sets_up_a_track_with_clear_errors(client, phase):
    challenge = phase.challenge
    organiser = make_role(challenge.event, "organiser")
    client.force_login(organiser)
    url = reverse("judging:manage_track", args=[challenge.event.slug, challenge.slug])
    edit = reverse("judging:manage_track_edit", args=[challenge.event.slug, challenge.slug])
    assert client.get(url).url == edit  # no track yet: the form
    data = {
        "ranking": "blend",
        "leaderboard_weight": "40",
        "assignment": "all",
        "judges_per_project": "2",
    }
    page = client.post(edit, data).content.decode()
    assert 'id="id_handin_deadline_error"' in page and "set the hand-in deadline" in page
    assert 'aria-invalid="true"' in page
    page = client.post(
        edit, {**data, "leaderboard_weight": "100", "handin_deadline": "2030-01-02T10:00"}
    )
    assert "choose judges only or leaderboard only" in page.content.decode()
    response = client.post(edit, {**data, "handin_deadline": "2030-01-02T10:00"})
    assert response.status_code == 302
    track = Track.objects.get(challenge=challenge)
    assert (track.ranking, track.leaderboard_weight) == ("blend", 40)
    assert track.handin_deadline == dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC)  # UTC viewer
    assert AuditLog.objects.filter(action="track.create").exists()
    page = client.get(url).content.decode()
    assert "40 % leaderboard rank and 60 % judges" in page


def test_the_deadline_is_entered_and_shown_in_the_viewers_zone(client, judged):
    judged.organiser.timezone = "America/Toronto"
    judged.organiser.save()
    client.force_login(judged.organiser)
    client.post(
        manage("manage_track_edit", judged),
        {"ranking": "blend", "leaderboard_weight": "50", "assignment": "all",
         "judges_per_project": "2", "handin_deadline": "2030-01-02T10:00"},
    )  # fmt: skip
    judged.track.refresh_from_db()
    expected = dt.datetime(2030, 1, 2, 10, tzinfo=zoneinfo.ZoneInfo("America/Toronto"))
    assert judged.track.handin_deadline == expected
    client.force_login(judged.red_people[0])
    page = client.get(reverse("judging:project", args=[judged.event.slug, judged.challenge.slug]))
    assert "UTC" in page.content.decode()  # this participant has no zone: UTC, named


def test_criteria_assignment_progress_and_lock_through_the_pages(client, judged):
    client.force_login(judged.organiser)
    response = client.post(
        manage("manage_criterion_new", judged),
        {"name": "French data", "weight": "0.5", "scale_min": "0", "scale_max": "3", "order": "3"},
    )
    assert response.status_code == 302
    assert Criterion.objects.filter(name="French data", weight="0.5").exists()
    page = client.post(
        manage("manage_criterion_new", judged),
        {"name": "Bad", "weight": "1", "scale_min": "5", "scale_max": "1", "order": "0"},
    ).content.decode()
    assert 'id="id_scale_max_error"' in page
    response = client.post(manage("manage_assign", judged), follow=True)
    assert "4 new assignments." in response.content.decode()
    page = client.get(manage("manage_track", judged)).content.decode()
    assert 'id="judge-progress"' in page and 'id="project-progress"' in page
    assert "handed in" in page
    response = client.post(manage("manage_lock", judged), follow=True)
    assert "Judging is locked" in response.content.decode()
    judged.track.refresh_from_db()
    assert judged.track.is_locked
    response = client.post(manage("manage_unlock", judged), {"reason": ""}, follow=True)
    assert "Say why judging opens again." in response.content.decode()


def test_a_judge_finds_their_projects(client, judged):
    ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)
    score(ScoreSheet.objects.create(project=judged.blue_project, judge=judged.judge), {
        judged.impact: 3, judged.craft: 5,
    })  # fmt: skip
    client.force_login(judged.judge)
    page = client.get(reverse("judging:judge_home")).content.decode()
    assert judged.challenge.title in page
    assert '<td class="num">1</td><td class="num">1</td>' in page  # one done, one to do
    page = client.get(reverse("competitions:manage")).content.decode()
    assert reverse("judging:judge_home") in page
    challenge_page = client.get(
        reverse("competitions:challenge", args=[judged.event.slug, judged.challenge.slug])
    ).content.decode()
    assert manage("judge_track", judged) in challenge_page


def test_team_members_find_their_project_page(client, judged):
    client.force_login(judged.red_people[1])
    page = client.get(
        reverse("competitions:challenge", args=[judged.event.slug, judged.challenge.slug])
    ).content.decode()
    assert 'id="project-tab"' in page
    client.force_login(judged.judge)
    assert (
        client.get(
            reverse("judging:project", args=[judged.event.slug, judged.challenge.slug])
        ).status_code
        == 404
    )


def test_awarding_through_the_page_needs_a_reason_to_override(client, judged):
    score(ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge), {
        judged.impact: 5, judged.craft: 10,
    })  # fmt: skip
    client.force_login(judged.organiser)
    client.post(
        manage("manage_prize_new", judged), {"kind": "place", "place": "1", "description": "CA$1"}
    )
    prize = Prize.objects.get()
    assert prize.name == "1st place"
    page = client.get(manage("manage_track", judged)).content.decode()
    assert "The standings suggest: <strong>Red</strong>" in page
    prefix = f"prize-{prize.pk}"
    response = client.post(
        manage("manage_prize_award", judged, prize.pk),
        {f"{prefix}-team": judged.blue.pk},
        follow=True,
    )
    assert "say why another team wins" in response.content.decode()
    prize.refresh_from_db()
    assert prize.winner is None
    client.post(
        manage("manage_prize_award", judged, prize.pk),
        {f"{prefix}-team": judged.blue.pk, f"{prefix}-reason": "jury decision"},
    )
    prize.refresh_from_db()
    assert prize.winner == judged.blue


def test_publishing_through_the_page(client, judged):
    client.force_login(judged.organiser)
    url = reverse("judging:manage_results", args=[judged.event.slug])
    response = client.post(url, follow=True)
    assert "Lock the judging" in response.content.decode()
    Prize.objects.create(
        track=judged.track, kind="place", place=1, name="1st place", winner=judged.red
    )
    judged.track.judging = Track.Judging.LOCKED
    judged.track.save()
    response = client.post(url)
    assert response.url == reverse("judging:results", args=[judged.event.slug])
    assert EventResults.objects.get(event=judged.event).state == "published"
    client.logout()
    event_page = client.get(
        reverse("competitions:event", args=[judged.event.slug])
    ).content.decode()
    assert 'id="results-link"' in event_page


def test_results_is_not_a_challenge_slug(phase):
    organiser = factories.UserFactory()
    from competitions.models import EventRole

    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    with pytest.raises(ChallengeRefused, match="address of an event page"):
        challenge_create(
            event=phase.challenge.event, actor=organiser, data={"title": "R", "slug": "results"}
        )


def test_organiser_pages_link_to_judging(client, judged):
    client.force_login(judged.organiser)
    page = client.get(
        reverse("competitions:manage_challenge", args=[judged.event.slug, judged.challenge.slug])
    ).content.decode()
    assert manage("manage_track", judged) in page
    page = client.get(
        reverse("competitions:manage_event", args=[judged.event.slug])
    ).content.decode()
    assert reverse("judging:manage_results", args=[judged.event.slug]) in page


def test_pages_render_for_each_role(client, judged):
    """Every judging page answers its own people with 200 (no 500 anywhere)."""
    score(ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge), {
        judged.impact: 4, judged.craft: 6,
    })  # fmt: skip
    Prize.objects.create(track=judged.track, kind="special", name="Best French", winner=judged.red)
    pages = {
        judged.organiser: [
            manage("manage_track", judged), manage("manage_track_edit", judged),
            manage("manage_criterion_new", judged), manage("manage_criterion", judged, judged.impact.pk),
            manage("manage_prize_new", judged), manage("manage_scores", judged),
            manage("manage_scores", judged) + "?order=project", manage("standings", judged),
            reverse("judging:manage_results", args=[judged.event.slug]),
            reverse("judging:results", args=[judged.event.slug]),
            manage("project_detail", judged, judged.red_project.pk),
        ],
        judged.judge: [
            reverse("judging:judge_home"), manage("judge_track", judged),
            manage("score_sheet", judged, judged.red_project.pk),
            manage("project_detail", judged, judged.red_project.pk),
        ],
        judged.red_people[0]: [
            reverse("judging:project", args=[judged.event.slug, judged.challenge.slug]),
            manage("project_detail", judged, judged.red_project.pk),
        ],
    }  # fmt: skip
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200, (person, url)
    judged.track.handin_deadline = timezone.now() - dt.timedelta(days=1)
    judged.track.judging = Track.Judging.LOCKED
    judged.track.save()
    client.force_login(judged.judge)
    page = client.get(manage("score_sheet", judged, judged.red_project.pk)).content.decode()
    assert 'id="sheet-readonly"' in page and "Judging is locked" in page
