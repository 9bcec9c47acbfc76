"""The pages added for screening, panels, rounds, feedback and the community vote answer 403
or 404 (and show nothing) to people who may not use them, and the vote's tallies and the
teams' feedback leak nowhere before their time."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import EventRole
from judging.models import Panel, ScoreSheet, Track, Vote
from judging.services.scoresheets import scoresheet_submit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(judged):
    t = judged
    now = timezone.now()
    Track.objects.filter(pk=t.track.pk).update(
        vote_opens_at=now - dt.timedelta(days=2), vote_closes_at=now - dt.timedelta(days=1)
    )
    t.panel = Panel.objects.create(track=t.track, name="Technical")
    t.vote = Vote.objects.create(
        track=t.track, project=t.red_project, voter=factories.UserFactory(), ip="192.0.2.1",
        network="192.0.2.0/24", created_at=now - dt.timedelta(days=1, hours=12),
        updated_at=now - dt.timedelta(days=1, hours=12),
    )  # fmt: skip
    sheet = ScoreSheet.objects.create(project=t.red_project, judge=t.judge)
    scoresheet_submit(
        sheet=sheet, actor=t.judge, scores={t.impact.pk: 3, t.craft.pk: 5}, comment="",
        feedback="SECRET-FEEDBACK for Red",
    )  # fmt: skip
    other_judge = factories.UserFactory()
    EventRole.objects.create(event=factories.EventFactory(), user=other_judge, role="judge")
    t.people = {
        "visitor": None,
        "participant": t.blue_people[0],
        "member": t.red_people[0],
        "judge": t.judge,
        "other_event_judge": other_judge,
    }
    return t


def _as(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)


def test_organiser_pages_are_closed_to_everyone_else(client, world):
    t = world
    slug, c = t.event.slug, t.challenge.slug
    gets = [
        reverse("judging:manage_votes", args=[slug, c]),
        reverse("judging:manage_panel_new", args=[slug, c]),
        reverse("judging:manage_panel", args=[slug, c, t.panel.pk]),
    ]
    posts = [
        reverse("judging:manage_screen", args=[slug, c, t.red_project.pk]),
        reverse("judging:manage_panel_delete", args=[slug, c, t.panel.pk]),
        reverse("judging:manage_close_shortlist", args=[slug, c]),
        reverse("judging:manage_vote_void", args=[slug, c, t.vote.pk]),
        reverse("judging:manage_vote_restore", args=[slug, c, t.vote.pk]),
        reverse("judging:manage_votes_reviewed", args=[slug, c]),
        reverse("judging:manage_results_unpublish", args=[slug]),
    ]
    for role, person in t.people.items():
        _as(client, person)
        for url in gets:
            response = client.get(url)
            assert response.status_code in {302, 403, 404}, (role, url, response.status_code)
            assert b"192.0.2.1" not in response.content
        for url in posts:
            response = client.post(url, {"reason": "x", f"vote-{t.vote.pk}-reason": "x"})
            assert response.status_code in {302, 403, 404}, (role, url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response.url, (role, url)
    t.vote.refresh_from_db()
    assert not t.vote.is_void and Panel.objects.filter(pk=t.panel.pk).exists()


def test_tallies_and_feedback_do_not_leak_before_publication(client, world):
    t = world
    slug, c = t.event.slug, t.challenge.slug
    pages = [
        reverse("judging:vote", args=[slug, c]),
        reverse("judging:project", args=[slug, c]),
        reverse("judging:project_detail", args=[slug, c, t.red_project.pk]),
    ]
    for role, person in t.people.items():
        _as(client, person)
        for url in pages:
            body = client.get(url).content.decode()
            assert 'id="vote-tallies"' not in body, (role, url)
            assert "SECRET-FEEDBACK" not in body, (role, url)
    # The organiser sees the review (the window has closed), with the tally.
    _as(client, t.organiser)
    body = client.get(reverse("judging:manage_votes", args=[slug, c])).content.decode()
    assert 'id="vote-tallies"' in body and "192.0.2.1" in body
