"""Prizes, winners suggested by the standings, and the publication gate."""

import pytest
from django.core import mail
from django.urls import reverse

from competitions.models import AuditLog, Notification
from competitions.services import PermissionRefused
from judging.models import EventResults, ScoreSheet, Track
from judging.selectors.results import suggested_winners
from judging.services import JudgingRefused
from judging.services.prizes import prize_award, prize_create, prize_delete, prize_update
from judging.services.results import results_publish
from judging.services.tracks import criterion_create, track_lock_judging, track_update
from tests.judging.conftest import make_team, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(judged):
    """Red first on both inputs, Blue second; three prizes."""
    sheet = ScoreSheet.objects.create(project=judged.red_project, judge=judged.judge)
    score(sheet, {judged.impact: 5, judged.craft: 9})
    sheet = ScoreSheet.objects.create(project=judged.blue_project, judge=judged.judge)
    score(sheet, {judged.impact: 2, judged.craft: 3})
    data = [
        {"kind": "place", "place": 1, "description": "CA$3,000"},
        {"kind": "place", "place": 2, "description": "An incubator place"},
        {"kind": "special", "name": "Best use of French-language data", "description": "Invite"},
    ]
    judged.prizes = [prize_create(track=judged.track, actor=judged.organiser, data=d) for d in data]
    return judged


def test_places_get_names_and_are_unique(ranked):
    first, second, special = ranked.prizes
    assert (first.name, second.name) == ("1st place", "2nd place")
    with pytest.raises(JudgingRefused, match="already has a prize for place 1"):
        prize_create(track=ranked.track, actor=ranked.organiser, data={"kind": "place", "place": 1})
    with pytest.raises(JudgingRefused, match="number"):
        prize_create(track=ranked.track, actor=ranked.organiser, data={"kind": "place"})
    with pytest.raises(JudgingRefused, match="name"):
        prize_create(track=ranked.track, actor=ranked.organiser, data={"kind": "special"})
    prize_update(prize=special, actor=ranked.organiser, data={"description": "Trip to Bogotá"})
    special.refresh_from_db()
    assert special.description == "Trip to Bogotá"
    with pytest.raises(PermissionRefused):
        prize_create(track=ranked.track, actor=ranked.judge, data={"kind": "place", "place": 3})


def test_suggestions_follow_the_standings(ranked):
    first, second, special = ranked.prizes
    mention = prize_create(
        track=ranked.track, actor=ranked.organiser, data={"kind": "mention", "name": "Mention"}
    )
    suggestions = suggested_winners(ranked.track)
    assert suggestions[first.pk] == ranked.red
    assert suggestions[second.pk] == ranked.blue
    assert special.pk not in suggestions
    assert mention.pk not in suggestions  # only two teams: nobody left after the places


def test_the_suggested_winner_needs_no_reason_another_one_does(ranked):
    first, second, _special = ranked.prizes
    prize_award(prize=first, actor=ranked.organiser, team=ranked.red)
    with pytest.raises(JudgingRefused, match="standings suggest Red") as refusal:
        prize_award(prize=first, actor=ranked.organiser, team=ranked.blue)
    assert refusal.value.field == "reason"
    with pytest.raises(JudgingRefused, match="already holds"):
        prize_award(prize=second, actor=ranked.organiser, team=ranked.red, reason="why not")
    prize_award(prize=first, actor=ranked.organiser, team=ranked.blue, reason="Red broke rule 4")
    entry = AuditLog.objects.filter(action="prize.award").first()
    assert entry.reason == "Red broke rule 4"
    assert entry.data == {"team": "Blue", "previous": "Red", "suggested": "Red"}
    first.refresh_from_db()
    assert first.winner == ranked.blue and first.winner_reason == "Red broke rule 4"


def test_a_special_prize_may_go_to_a_placed_team_but_not_to_the_baseline(ranked):
    first, _second, special = ranked.prizes
    prize_award(prize=first, actor=ranked.organiser, team=ranked.red)
    prize_award(prize=special, actor=ranked.organiser, team=ranked.red)
    baseline, _people = make_team(ranked.challenge, "Baseline", baseline=True)
    with pytest.raises(JudgingRefused, match="team of this challenge"):
        prize_award(prize=special, actor=ranked.organiser, team=baseline, reason="x")


def _ready(ranked):
    first, second, special = ranked.prizes
    for prize, team in [(first, ranked.red), (second, ranked.blue), (special, ranked.blue)]:
        prize_award(prize=prize, actor=ranked.organiser, team=team)
    track_lock_judging(track=ranked.track, actor=ranked.organiser)


def test_publication_gate(ranked):
    with pytest.raises(JudgingRefused, match="Lock the judging"):
        results_publish(event=ranked.event, actor=ranked.organiser)
    track_lock_judging(track=ranked.track, actor=ranked.organiser)
    with pytest.raises(JudgingRefused, match="“1st place” .* has no winner"):
        results_publish(event=ranked.event, actor=ranked.organiser)
    with pytest.raises(PermissionRefused):
        results_publish(event=ranked.event, actor=ranked.judge)
    assert not EventResults.objects.filter(state="published").exists()


def test_publication_needs_a_track_and_prizes(judged):
    judged.track.delete()
    with pytest.raises(JudgingRefused, match="at least one challenge"):
        results_publish(event=judged.event, actor=judged.organiser)
    Track.objects.create(challenge=judged.challenge, ranking="leaderboard")
    with pytest.raises(JudgingRefused, match="Define the prizes"):
        results_publish(event=judged.event, actor=judged.organiser)


def test_publishing(ranked, django_capture_on_commit_callbacks):
    _ready(ranked)
    with django_capture_on_commit_callbacks(execute=True):
        results = results_publish(event=ranked.event, actor=ranked.organiser)
    assert results.state == "published" and results.published_by == ranked.organiser
    ranked.phase.refresh_from_db()
    assert ranked.phase.private_revealed_at is not None  # the final leaderboards are public
    members = ranked.red_people + ranked.blue_people
    for person in members:
        assert Notification.objects.filter(
            user=person, link=f"/e/{ranked.event.slug}/results/"
        ).exists()
    assert not Notification.objects.filter(user=ranked.judge).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in members)
    entry = AuditLog.objects.get(action="results.publish")
    assert ["Challenge" in t for t in entry.data["tracks"]] == [True]
    assert [ranked.challenge.title, "1st place", "Red"] in entry.data["winners"]
    with pytest.raises(JudgingRefused, match="already published"):
        results_publish(event=ranked.event, actor=ranked.organiser)


def test_nothing_changes_after_publication(ranked):
    _ready(ranked)
    results_publish(event=ranked.event, actor=ranked.organiser)
    first = ranked.prizes[0]
    for attempt in [
        lambda: prize_award(prize=first, actor=ranked.organiser, team=ranked.blue, reason="x"),
        lambda: prize_delete(prize=first, actor=ranked.organiser),
        lambda: track_update(track=ranked.track, actor=ranked.organiser, data={"normalise": True}),
        lambda: criterion_create(track=ranked.track, actor=ranked.organiser, data={"name": "N"}),
    ]:
        with pytest.raises(JudgingRefused, match="published"):
            attempt()


def test_nothing_leaks_before_publication(client, ranked):
    """Standings and prizes stay off every page a participant can open before publication."""
    _ready(ranked)
    secret = "CA$3,000"
    member = ranked.blue_people[0]
    client.force_login(member)
    slug, challenge = ranked.event.slug, ranked.challenge.slug
    for url in [
        reverse("competitions:event", args=[slug]),
        reverse("competitions:challenge", args=[slug, challenge]),
        reverse("competitions:leaderboard", args=[slug, challenge]),
        reverse("judging:project", args=[slug, challenge]),
        reverse("competitions:notifications"),
    ]:
        page = client.get(url).content.decode()
        assert secret not in page and "1st place" not in page, url
        assert "/results/" not in page and "/standings/" not in page, url
    for url in [
        reverse("judging:results", args=[slug]),
        reverse("judging:standings", args=[slug, challenge]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert secret not in response.content.decode()
    results_publish(event=ranked.event, actor=ranked.organiser)
    page = client.get(reverse("judging:results", args=[slug])).content.decode()
    assert secret in page and "1st place" in page


def test_the_results_page_after_publication(client, ranked):
    _ready(ranked)
    results_publish(event=ranked.event, actor=ranked.organiser)
    page = client.get(reverse("judging:results", args=[ranked.event.slug])).content.decode()
    assert "1st place" in page and "Red" in page and "CA$3,000" in page
    assert "Red app" in page  # the project title
    for person in ranked.red_people:
        assert person.username in page  # team members
    assert "50 % leaderboard rank and 50 % judges" in page
    assert "not normalised" in page
    assert 'id="final-board-' in page
    standings = client.get(
        reverse("judging:standings", args=[ranked.event.slug, ranked.challenge.slug])
    ).content.decode()
    assert "Impact" in standings and "Blended rank" in standings
