"""The community vote: verified accounts only, one vote per person and track (changeable, not
for one's own team), rate-limited, tallies hidden until the organisers reviewed the ballots,
signals of ballot stuffing (a planted ring of fresh accounts is flagged), voiding with a
reason (audit-logged), and the result published with the results."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from competitions.models import AuditLog
from competitions.permissions import can
from judging.models import Project, Track, Vote
from judging.selectors.results import suggested_winners
from judging.selectors.votes import vote_review, vote_tallies
from judging.services import JudgingRefused
from judging.services.prizes import prize_award, prize_create
from judging.services.results import results_publish
from judging.services.tracks import track_lock_judging
from judging.services.votes import (
    VOTES_PER_PERSON_PER_MINUTE,
    network_block,
    vote_cast,
    vote_mark_reviewed,
    vote_restore,
    vote_void,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting(judged):
    t = judged
    now = timezone.now()
    Track.objects.filter(pk=t.track.pk).update(
        vote_opens_at=now - dt.timedelta(days=1), vote_closes_at=now + dt.timedelta(days=1)
    )
    t.track.refresh_from_db()
    t.red_project.refresh_from_db()
    t.blue_project.refresh_from_db()
    return t


def _voter(joined_days_ago: float = 30):
    person = factories.UserFactory()
    person.date_joined = timezone.now() - dt.timedelta(days=joined_days_ago)
    person.save()
    return person


def _close(t):
    Track.objects.filter(pk=t.track.pk).update(
        vote_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    t.track.refresh_from_db()


def test_who_votes(voting):
    t = voting
    person = _voter()
    vote = vote_cast(track=t.track, project=t.red_project, voter=person, ip="198.51.100.7")
    assert vote.network == "198.51.100.0/24"
    # Changing the vote changes the same ballot: still one vote per person.
    vote_cast(track=t.track, project=t.blue_project, voter=person, ip="198.51.100.7")
    vote = Vote.objects.get(voter=person)
    assert vote.project == t.blue_project and vote.changes == 1
    assert Vote.objects.filter(track=t.track).count() == 1
    refusals = [
        (t.red_people[0], t.red_project, "your own team"),
        (t.judge, t.red_project, "Organisers and judges"),
        (t.organiser, t.red_project, "Organisers and judges"),
    ]
    for voter, project, message in refusals:
        with pytest.raises(JudgingRefused, match=message):
            vote_cast(track=t.track, project=project, voter=voter, ip="198.51.100.8")
    unverified = _voter()
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    with pytest.raises(JudgingRefused, match="Verify your e-mail"):
        vote_cast(track=t.track, project=t.red_project, voter=unverified, ip="198.51.100.9")
    t.red_project.eligibility = Project.Eligibility.INELIGIBLE
    t.red_project.save()
    with pytest.raises(JudgingRefused, match="Choose one of the projects"):
        vote_cast(track=t.track, project=t.red_project, voter=_voter(), ip="198.51.100.10")
    _close(t)
    with pytest.raises(JudgingRefused, match="closed"):
        vote_cast(track=t.track, project=t.blue_project, voter=person, ip="198.51.100.7")


def test_voting_is_rate_limited(voting):
    t = voting
    person = _voter()
    for index in range(VOTES_PER_PERSON_PER_MINUTE):
        project = t.red_project if index % 2 else t.blue_project
        vote_cast(track=t.track, project=project, voter=person, ip="192.0.2.1")
    with pytest.raises(JudgingRefused, match="Too many votes"):
        vote_cast(track=t.track, project=t.red_project, voter=person, ip="192.0.2.1")


def test_network_blocks():
    assert network_block("203.0.113.77") == "203.0.113.0/24"
    assert network_block("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert network_block("not an address") == ""


def _plant_ring(t, size=5):
    """Fresh accounts made during the window, voting for Blue from one /24 within seconds."""
    ring = []
    for index in range(size):
        person = _voter(joined_days_ago=0)
        person.date_joined = timezone.now() - dt.timedelta(seconds=20)
        person.save()
        vote_cast(track=t.track, project=t.blue_project, voter=person, ip=f"203.0.113.{10 + index}")
        ring.append(person)
    return ring


def test_a_ring_of_fresh_accounts_is_flagged_and_honest_voters_are_not(voting):
    t = voting
    honest = []
    for index in range(4):
        person = _voter(joined_days_ago=60)
        project = t.red_project if index < 3 else t.blue_project
        vote_cast(track=t.track, project=project, voter=person, ip=f"198.51.{index}.1")
        honest.append(person)
    ring = _plant_ring(t)
    _close(t)
    ballots = {b.vote.voter_id: b for b in vote_review(t.track)}
    for person in ring:
        signals = " | ".join(ballots[person.pk].signals)
        assert "account created during the vote" in signals
        assert "voted within minutes of signing up" in signals
        assert "5 ballots from network 203.0.113.0/24" in signals
        assert "cluster of new accounts" in signals
    for person in honest:
        assert ballots[person.pk].signals == []
    # Suspicious ballots come first in the review.
    review = vote_review(t.track)
    assert all(b.suspicious for b in review[:5]) and not any(b.suspicious for b in review[5:])


def test_tallies_stay_hidden_until_reviewed_and_voids_are_audit_logged(voting):
    t = voting
    for index in range(3):
        vote_cast(track=t.track, project=t.red_project, voter=_voter(), ip=f"198.51.{index}.1")
    ring = _plant_ring(t, size=4)
    assert not can(t.organiser, "track.vote_results", t.track)  # hidden while it runs
    with pytest.raises(JudgingRefused, match="review opens when the voting window closes"):
        vote_void(vote=Vote.objects.get(voter=ring[0]), actor=t.organiser, reason="ring")
    _close(t)
    assert can(t.organiser, "track.vote_results", t.track)
    assert not can(t.red_people[0], "track.vote_results", t.track)
    assert vote_tallies(t.track).leader == t.blue_project  # 4 ring votes beat 3 honest ones
    with pytest.raises(JudgingRefused, match="Say why"):
        vote_void(vote=Vote.objects.get(voter=ring[0]), actor=t.organiser, reason="")
    for person in ring:
        vote_void(
            vote=Vote.objects.get(voter=person), actor=t.organiser,
            reason="Ring of accounts made seconds before voting",
        )  # fmt: skip
    assert AuditLog.objects.filter(action="vote.void").count() == 4
    tallies = vote_tallies(t.track)
    assert tallies.leader == t.red_project and tallies.voided == 4 and tallies.total == 3
    restored = vote_restore(
        vote=Vote.objects.get(voter=ring[0]), actor=t.organiser, reason="Checked: a real person"
    )
    assert not restored.is_void and AuditLog.objects.filter(action="vote.restore").exists()
    # The community prize is suggested only once the vote is reviewed.
    prize = prize_create(
        track=t.track, actor=t.organiser, data={"kind": "community", "name": "Community choice"}
    )
    assert prize.pk not in suggested_winners(t.track)
    vote_mark_reviewed(track=t.track, actor=t.organiser)
    t.track.refresh_from_db()
    entry = AuditLog.objects.get(action="vote.review")
    assert entry.data["voided"] == 3
    assert suggested_winners(t.track)[prize.pk] == t.red
    # Voiding again takes the review back.
    vote_void(vote=restored, actor=t.organiser, reason="Second look: the ring after all")
    t.track.refresh_from_db()
    assert t.track.vote_reviewed_at is None


def test_publication_waits_for_the_review(voting):
    t = voting
    place = prize_create(track=t.track, actor=t.organiser, data={"place": 1})
    prize_award(prize=place, actor=t.organiser, team=t.red)
    track_lock_judging(track=t.track, actor=t.organiser)
    with pytest.raises(JudgingRefused, match="still open"):
        results_publish(event=t.event, actor=t.organiser)
    _close(t)
    with pytest.raises(JudgingRefused, match="Review the community vote"):
        results_publish(event=t.event, actor=t.organiser)
    vote_mark_reviewed(track=t.track, actor=t.organiser)
    results_publish(event=t.event, actor=t.organiser)
    t.track.refresh_from_db()
    assert can(t.blue_people[0], "track.vote_results", t.track)


def test_the_voting_endpoints_under_hostile_input(client, voting):
    t = voting
    slug, c = t.event.slug, t.challenge.slug
    url = reverse("judging:vote", args=[slug, c])
    page = client.get(url)
    assert page.status_code == 200 and "Log in to vote" in page.content.decode()
    response = client.post(url, {"project": t.red_project.pk})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Vote.objects.exists()
    person = _voter()
    client.force_login(person)
    other_track_project = Project.objects.create(
        track=Track.objects.create(
            challenge=factories.ChallengeFactory(event=t.event), ranking="judges",
            handin_deadline=timezone.now(),
        ),
        team=factories.TeamFactory(),
        title="Elsewhere",
    )  # fmt: skip
    for bad in ["", "abc", "-1", "99999999999999999999", str(other_track_project.pk)]:
        response = client.post(url, {"project": bad}, follow=True)
        assert response.status_code == 200
        assert "Choose one of the projects in this vote." in response.content.decode()
    assert not Vote.objects.exists()
    response = client.post(url, {"project": t.red_project.pk}, REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 302
    vote = Vote.objects.get(voter=person)
    assert vote.ip == "198.51.100.3" and vote.network == "198.51.100.0/24"
    page = client.get(url).content.decode()
    assert "Your vote: <strong>Red app</strong>" in page
    assert 'id="vote-tallies"' not in page  # no count while it runs
    # Organisers' review: nobody else; no tally while it runs, even for organisers.
    manage_url = reverse("judging:manage_votes", args=[slug, c])
    void_url = reverse("judging:manage_vote_void", args=[slug, c, vote.pk])
    assert client.get(manage_url).status_code == 403
    assert client.post(void_url, {f"vote-{vote.pk}-reason": "x"}).status_code == 403
    client.force_login(t.organiser)
    page = client.get(manage_url).content.decode()
    assert "1 ballot cast so far" in page and 'id="vote-tallies"' not in page
    _close(t)
    page = client.get(manage_url).content.decode()
    assert 'id="ballot-table"' in page and 'id="vote-tallies"' in page
    response = client.post(void_url, {f"vote-{vote.pk}-reason": ""}, follow=True)
    assert "Say why the vote is voided." in response.content.decode()
    client.post(void_url, {f"vote-{vote.pk}-reason": "Duplicate person"})
    assert Vote.objects.get(pk=vote.pk).void_reason == "Duplicate person"
    response = client.post(reverse("judging:manage_votes_reviewed", args=[slug, c]), follow=True)
    assert "reviewed" in response.content.decode()
    # A track without a vote has no voting page.
    Track.objects.filter(pk=t.track.pk).update(vote_opens_at=None, vote_closes_at=None)
    assert client.get(url).status_code == 404


def test_voting_is_rate_limited_per_network_block(voting, monkeypatch):
    from judging.services import votes

    t = voting
    monkeypatch.setattr(votes, "VOTES_PER_NETWORK_PER_MINUTE", 3)
    for index in range(3):
        vote_cast(track=t.track, project=t.red_project, voter=_voter(), ip=f"100.64.7.{index}")
    with pytest.raises(JudgingRefused, match="Too many votes"):
        vote_cast(track=t.track, project=t.red_project, voter=_voter(), ip="100.64.7.200")
    # Another block is not affected.
    vote_cast(track=t.track, project=t.red_project, voter=_voter(), ip="100.64.8.1")
    assert Vote.objects.count() == 4
