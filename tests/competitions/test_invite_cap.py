"""The daily cap on a team's invitation e-mails, through the team page's form."""

import datetime as dt
import socket

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from competitions.services.teams import TeamError, team_invite_send
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(phase, settings):
    settings.TEAM_INVITE_EMAILS_PER_DAY = 3
    team = factories.TeamFactory(challenge=phase.challenge, name="Buyer Resist")
    team.leader = factories.UserFactory()
    team.member = factories.UserFactory()
    factories.add_member(team, team.leader, role="leader")
    factories.add_member(team, team.member)
    return team


def send(client, team, email):
    return client.post(
        reverse("competitions:team_invite_send", args=[team.pk]), {"email": email}, follow=True
    ).content.decode()


def test_a_team_sends_at_most_the_daily_cap_and_is_told_when_it_resets(client, team):
    client.force_login(team.member)
    for number in range(3):
        assert "Invitation sent" in send(client, team, f"friend{number}@example.org")
    # Re-sending an open invitation is an e-mail too: it counts.
    page = send(client, team, "friend0@example.org")
    assert len(mail.outbox) == 3
    assert "sent 3 invitation e-mails today" in page
    assert "More can be sent from" in page and "UTC" in page
    assert "share your team" in page

    # The leader shares the team's count; another team has its own.
    client.force_login(team.leader)
    assert "sent 3 invitation e-mails today" in send(client, team, "another@example.org")
    other = factories.TeamFactory(challenge=team.challenge)
    outsider = factories.UserFactory()
    factories.add_member(other, outsider, role="leader")
    client.force_login(outsider)
    assert "Invitation sent" in send(client, other, "friend9@example.org")
    assert len(mail.outbox) == 4


def test_the_count_starts_again_at_midnight_utc(team):
    now = timezone.now()
    for number in range(3):
        team_invite_send(team=team, user=team.leader, email=f"f{number}@example.org", now=now)
    with pytest.raises(TeamError, match="More can be sent from"):
        team_invite_send(team=team, user=team.leader, email="late@example.org", now=now)
    midnight = (now.astimezone(dt.UTC) + dt.timedelta(days=1)).replace(
        hour=0, minute=0, second=1, microsecond=0
    )
    team_invite_send(team=team, user=team.leader, email="late@example.org", now=midnight)
    assert len(mail.outbox) == 4


def test_an_email_that_could_not_be_sent_does_not_count(team, settings):
    with socket.socket() as probe:  # a port nothing listens on: the SMTP connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    for _ in range(5):
        with pytest.raises(TeamError, match="could not be sent"):
            team_invite_send(team=team, user=team.leader, email="x@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for number in range(3):
        team_invite_send(team=team, user=team.leader, email=f"ok{number}@example.org")
    assert len(mail.outbox) == 3
