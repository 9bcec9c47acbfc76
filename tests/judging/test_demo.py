"""`make run`'s demo has a judged track to walk through as a judge and as an organiser."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from competitions.models import EventRole
from judging.models import EventResults, Prize, Project, ScoreSheet, Track
from judging.selectors.standings import track_standings
from judging.selectors.votes import vote_review

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_judged_track_ready_for_the_last_steps(settings, tmp_path):
    call_command("seed_demo", ads=300, stdout=open(tmp_path / "out.txt", "w"))
    track = Track.objects.get(challenge__event__slug="datajam-against-exploitation")
    assert track.ranking == "blend" and not track.is_locked
    judges = EventRole.objects.filter(event=track.event, role="judge")
    assert sorted(judges.values_list("user__email", flat=True)) == [
        "judge2@datajam.local",
        "judge@datajam.local",
    ]
    assert track.criteria.count() == 3
    assert sorted(Project.objects.filter(track=track).values_list("team__name", flat=True)) == [
        "Buyer Resist",
        "North Star",
    ]
    states = sorted(ScoreSheet.objects.filter(project__track=track).values_list("state", flat=True))
    assert states == ["draft", "submitted", "submitted", "submitted"]
    prizes = Prize.objects.filter(track=track)
    assert prizes.count() == 4 and not prizes.exclude(winner=None).exists()
    # Panels, screening, feedback and a closed community vote waiting for its review.
    assert list(track.panels.values_list("name", flat=True)) == [
        "Technical", "Impact on victims' services",
    ]  # fmt: skip
    assert track.require_screening
    assert set(Project.objects.values_list("eligibility", flat=True)) == {"eligible"}
    assert ScoreSheet.objects.exclude(feedback="").count() == 3
    assert track.vote_is_closed(timezone.now()) and track.vote_reviewed_at is None
    ballots = {b.vote.voter.username: b for b in vote_review(track)}
    assert len(ballots) == 3 and ballots["newcomer"].suspicious
    assert not ballots["alice"].suspicious and not ballots["carol"].suspicious
    assert not EventResults.objects.filter(state="published").exists()
    standings = track_standings(track)
    assert [row.position for row in standings.rows] == [1, 2]
    assert "judge2@datajam.local" in (tmp_path / "out.txt").read_text()
    call_command("seed_demo", ads=300, stdout=open(tmp_path / "again.txt", "w"))
    assert Track.objects.count() == 1 and ScoreSheet.objects.count() == 4
