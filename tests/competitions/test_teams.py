"""Joining a challenge, teams, invitations (link and e-mail), leaving and disbanding."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection, connections
from django.utils import formats, timezone

from competitions.models import (
    AuditLog,
    EventRole,
    Membership,
    Notification,
    RulesAcceptance,
    Submission,
    Team,
    TeamInvite,
)
from competitions.permissions import can
from competitions.selectors.notifications import notification_text
from competitions.services.teams import (
    TeamError,
    rules_accept,
    team_create,
    team_disband,
    team_invite_accept,
    team_invite_decline,
    team_invite_link_regenerate,
    team_invite_send,
    team_invite_withdraw,
    team_join,
    team_leave,
)
from tests import factories

pytestmark = pytest.mark.django_db


def make_submission(team, phase, user=None, **fields):
    fields.setdefault("state", Submission.State.SCORED)
    return Submission.objects.create(
        phase=phase, team=team, submitted_by=user, file="x.csv", original_name="x.csv", **fields
    )


def participant(challenge, **kwargs):
    user = factories.UserFactory(**kwargs)
    RulesAcceptance.objects.create(challenge=challenge, user=user)
    return user


@pytest.fixture
def challenge(phase):
    return phase.challenge


@pytest.fixture
def team(challenge):
    """A team of two: a leader and a member, both with the rules accepted."""
    team = factories.TeamFactory(challenge=challenge, name="Buyer Resist")
    team.leader = factories.UserFactory()
    team.member = factories.UserFactory()
    factories.add_member(team, team.leader, role="leader")
    factories.add_member(team, team.member)
    return team


# --- permissions, for every role ---------------------------------------------------------------


@pytest.fixture
def roles(team, challenge):
    event = challenge.event
    organiser = factories.UserFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    judge = factories.UserFactory()
    EventRole.objects.create(event=event, user=judge, role="judge")
    rival_team = factories.TeamFactory(challenge=challenge)
    rival = factories.UserFactory()
    factories.add_member(rival_team, rival, role="leader")
    submission = make_submission(team, challenge.phases.first(), team.member)
    return {
        "leader": team.leader, "member": team.member, "rival": rival, "organiser": organiser,
        "judge": judge, "stranger": factories.UserFactory(), "visitor": AnonymousUser(),
        "team": team, "submission": submission,
    }  # fmt: skip


ROLES = ["leader", "member", "rival", "organiser", "judge", "stranger", "visitor"]
EXPECTED = {
    ("team.manage", "team"): {"leader"},
    ("team.member", "team"): {"leader", "member"},
    ("submission.select_final", "submission"): {"leader", "member"},
    ("submission.view", "submission"): {"leader", "member", "organiser"},
}


@pytest.mark.parametrize(("action", "key"), list(EXPECTED))
def test_team_permissions_for_every_role(roles, action, key):
    allowed = {role for role in ROLES if can(roles[role], action, roles[key])}
    assert allowed == EXPECTED[(action, key)]


# --- joining the challenge and creating teams --------------------------------------------------


def test_rules_acceptance_is_recorded_once_with_its_time(challenge):
    user = factories.UserFactory()
    first = rules_accept(challenge=challenge, user=user)
    again = rules_accept(challenge=challenge, user=user)
    assert first.pk == again.pk
    assert first.accepted_at <= timezone.now()


def test_create_team_needs_the_rules(challenge):
    user = factories.UserFactory()
    with pytest.raises(TeamError, match="Accept the challenge rules"):
        team_create(challenge=challenge, user=user, name="Solo")
    assert not Team.objects.filter(name="Solo").exists()


def test_create_team_makes_the_creator_leader_and_is_logged(challenge):
    user = participant(challenge)
    created = team_create(challenge=challenge, user=user, name="  North Star ")
    assert created.name == "North Star"
    assert created.memberships.get().role == Membership.Role.LEADER
    assert AuditLog.objects.filter(action="team.create", target_id=str(created.pk)).exists()


def test_team_names_are_unique_ignoring_case(challenge, team):
    with pytest.raises(TeamError, match="already exists"):
        team_create(challenge=challenge, user=participant(challenge), name="buyer RESIST")


def test_one_team_per_person_per_challenge(challenge, team):
    with pytest.raises(TeamError, match="already in a team"):
        team_create(challenge=challenge, user=team.member, name="Another")
    other_challenge_team = factories.TeamFactory()  # another challenge: fine
    factories.add_member(other_challenge_team, team.member)


# --- joining by link ---------------------------------------------------------------------------


def test_join_by_link_notifies_the_team(challenge, team):
    newcomer = participant(challenge)
    membership = team_join(team=team, user=newcomer)
    assert membership.team == team and membership.role == Membership.Role.MEMBER
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {team.leader.pk, team.member.pk}
    assert AuditLog.objects.filter(action="team.join", actor=newcomer).exists()


def test_join_needs_the_rules(team):
    with pytest.raises(TeamError, match="Accept the challenge rules"):
        team_join(team=team, user=factories.UserFactory())


def test_join_refuses_a_full_team(challenge, team):
    challenge.max_team_size = 2
    challenge.save()
    with pytest.raises(TeamError, match=r"full \(at most 2 members\)"):
        team_join(team=team, user=participant(challenge))
    assert team.memberships.count() == 2


def test_join_refuses_someone_already_in_a_team(challenge, team):
    other = factories.TeamFactory(challenge=challenge, name="Other")
    with pytest.raises(TeamError, match="already in team Buyer Resist.*Leave it first"):
        team_join(team=other, user=team.member)
    with pytest.raises(TeamError, match="already in Buyer Resist"):
        team_join(team=team, user=team.member)


def test_join_closes_at_the_merger_deadline(challenge, team):
    challenge.merger_deadline = timezone.now()
    challenge.save()
    deadline = challenge.merger_deadline
    team_join(team=team, user=participant(challenge), now=deadline)  # at the deadline: still open
    with pytest.raises(TeamError, match="merger deadline passed"):
        team_join(team=team, user=participant(challenge), now=deadline + dt.timedelta(seconds=1))


def test_regenerating_the_link_is_for_the_leader_and_kills_the_old_link(client, challenge, team):
    old = team.invite_token
    with pytest.raises(TeamError, match="Only the leader"):
        team_invite_link_regenerate(team=team, user=team.member)
    team = team_invite_link_regenerate(team=team, user=team.leader)
    assert team.invite_token != old
    client.force_login(participant(challenge))
    assert client.get(f"/teams/join/{old}/").status_code == 404
    assert client.get(f"/teams/join/{team.invite_token}/").status_code == 200


def test_join_link_view_accepts_rules_and_joins(client, challenge, team):
    newcomer = factories.UserFactory()
    client.force_login(newcomer)
    page = client.get(f"/teams/join/{team.invite_token}/")
    assert "I have read and accept the rules" in page.content.decode()
    response = client.post(f"/teams/join/{team.invite_token}/", {"accept": "yes"})
    assert response.status_code == 302
    assert RulesAcceptance.objects.filter(challenge=challenge, user=newcomer).exists()
    assert team.memberships.filter(user=newcomer).exists()


def test_join_link_view_without_rules_explains(client, team):
    client.force_login(factories.UserFactory())
    response = client.post(f"/teams/join/{team.invite_token}/", follow=True)
    assert "Accept the challenge rules first." in response.content.decode()
    assert team.memberships.count() == 2


def test_join_link_sends_visitors_to_log_in(client, team):
    response = client.get(f"/teams/join/{team.invite_token}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_team_size_holds_when_many_join_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections (DATABASE_URL)")
    phase = factories.PhaseFactory()
    challenge = phase.challenge
    challenge.max_team_size = 3
    challenge.save()
    team = factories.TeamFactory(challenge=challenge)
    factories.add_member(team, factories.UserFactory(), role="leader")
    joiners = [participant(challenge) for _ in range(8)]
    barrier = threading.Barrier(len(joiners))
    outcomes = [None] * len(joiners)

    def join(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = team_join(team=team, user=joiners[i])
        except Exception as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join, args=(i,)) for i in range(len(joiners))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    joined = [o for o in outcomes if isinstance(o, Membership)]
    refused = [o for o in outcomes if isinstance(o, TeamError)]
    assert len(joined) == 2
    assert len(refused) == 6
    assert all("full (at most 3 members)" in str(error) for error in refused)
    assert team.memberships.count() == 3


# --- invitations by e-mail ---------------------------------------------------------------------


def test_invite_by_email_sends_a_link_and_notifies_an_existing_user(challenge, team):
    invitee = factories.UserFactory(email="Carol@Example.org")
    invite = team_invite_send(
        team=team, user=team.member, email="carol@example.org", site_url="https://jam.example/"
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["carol@example.org"]
    assert "Buyer Resist" in sent.subject
    assert f"https://jam.example/teams/invites/{invite.token}/" in sent.body
    assert "works once" in sent.body
    notification = Notification.objects.get(user=invitee)
    assert notification.link == f"/teams/invites/{invite.token}/"
    assert "Buyer Resist" in notification_text(notification)


def test_invite_to_an_unknown_address_only_sends_mail(team):
    team_invite_send(team=team, user=team.leader, email="nobody-yet@example.org")
    assert len(mail.outbox) == 1
    assert not Notification.objects.exists()


def test_inviting_the_same_address_again_resends_the_same_invitation(team):
    first = team_invite_send(team=team, user=team.leader, email="dan@example.org")
    second = team_invite_send(team=team, user=team.member, email="DAN@example.org")
    assert first.pk == second.pk
    assert TeamInvite.objects.count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [("not-an-address", "is not an e-mail address"), ("", "is not an e-mail address")],
)
def test_invite_refuses_bad_addresses(team, email, message):
    with pytest.raises(TeamError, match=message):
        team_invite_send(team=team, user=team.leader, email=email)
    assert mail.outbox == []


def test_invite_refuses_members_full_teams_and_outsiders(challenge, team):
    with pytest.raises(TeamError, match="already in your team"):
        team_invite_send(team=team, user=team.leader, email=team.member.email)
    with pytest.raises(TeamError, match="Only members"):
        team_invite_send(team=team, user=factories.UserFactory(), email="x@example.org")
    challenge.max_team_size = 2
    challenge.save()
    with pytest.raises(TeamError, match="full"):
        team_invite_send(team=team, user=team.leader, email="x@example.org")
    assert mail.outbox == []


def test_invitee_accepts_through_the_page_with_the_rules(client, challenge, team):
    invitee = factories.UserFactory(email="erin@example.org")
    invite = team_invite_send(team=team, user=team.leader, email="erin@example.org")
    client.force_login(invitee)
    url = f"/teams/invites/{invite.token}/"
    page = client.get(url).content.decode()
    assert "Invitation to team Buyer Resist" in page
    refused = client.post(url, {"action": "accept"}, follow=True).content.decode()
    assert "Tick the box to accept the challenge rules first." in refused
    assert not team.memberships.filter(user=invitee).exists()
    response = client.post(url, {"action": "accept", "accept": "yes"})
    assert response.status_code == 302
    assert team.memberships.filter(user=invitee).exists()
    invite.refresh_from_db()
    assert invite.accepted_at is not None


def test_challenge_page_shows_open_invitations(client, challenge, team):
    invitee = participant(challenge, email="fay@example.org")
    invite = team_invite_send(team=team, user=team.leader, email="fay@example.org")
    client.force_login(invitee)
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/").content.decode()
    assert f"/teams/invites/{invite.token}/" in page


def test_an_invitation_works_once(challenge, team):
    invite = team_invite_send(team=team, user=team.leader, email="gil@example.org")
    team_invite_accept(invite=invite, user=participant(challenge))
    with pytest.raises(TeamError, match="already used"):
        team_invite_accept(invite=invite, user=participant(challenge))


def test_an_invitation_expires(challenge, team):
    invite = team_invite_send(team=team, user=team.leader, email="hal@example.org")
    later = invite.created_at + dt.timedelta(days=14, seconds=1)
    with pytest.raises(TeamError, match="expired"):
        team_invite_accept(invite=invite, user=participant(challenge), now=later)


def test_invitation_accept_respects_team_size(challenge, team):
    invite = team_invite_send(team=team, user=team.leader, email="ida@example.org")
    challenge.max_team_size = 2
    challenge.save()
    with pytest.raises(TeamError, match="full"):
        team_invite_accept(invite=invite, user=participant(challenge))
    invite.refresh_from_db()
    assert invite.accepted_at is None


def test_decline_and_withdraw(challenge, team):
    invite = team_invite_send(team=team, user=team.member, email="jo@example.org")
    team_invite_decline(invite=invite, user=participant(challenge))
    assert not TeamInvite.objects.exists()
    assert any("declined" in text for text in factories.notification_texts(team.member))
    invite = team_invite_send(team=team, user=team.member, email="jo@example.org")
    with pytest.raises(TeamError, match="Only members"):
        team_invite_withdraw(invite=invite, user=factories.UserFactory())
    team_invite_withdraw(invite=invite, user=team.leader)
    assert not TeamInvite.objects.exists()


def test_invite_views_for_team_members_only(client, challenge, team):
    client.force_login(factories.UserFactory())
    assert client.post(f"/teams/{team.pk}/invite/", {"email": "a@example.org"}).status_code == 404
    client.force_login(team.member)
    response = client.post(f"/teams/{team.pk}/invite/", {"email": "a@example.org"}, follow=True)
    assert "Invitation sent to a@example.org" in response.content.decode()
    assert len(mail.outbox) == 1


# --- leaving and disbanding --------------------------------------------------------------------


def test_member_without_submissions_may_leave(team):
    assert team_leave(team=team, user=team.member) == team
    assert not team.memberships.filter(user=team.member).exists()
    assert any("left" in text for text in factories.notification_texts(team.leader))
    assert AuditLog.objects.filter(action="team.leave", actor=team.member).exists()


def test_member_who_submitted_cannot_leave(team, phase):
    make_submission(team, phase, team.member)
    with pytest.raises(TeamError, match="you have made submissions with it"):
        team_leave(team=team, user=team.member)
    assert team.memberships.filter(user=team.member).exists()


def test_a_file_that_failed_validation_does_not_tie_anyone(team, phase):
    make_submission(
        team,
        phase,
        team.member,
        state=Submission.State.FAILED,
        failure=Submission.Failure.FILE,
        counts_for_quota=False,
    )
    team_leave(team=team, user=team.member)
    assert not team.memberships.filter(user=team.member).exists()


def test_leader_leaving_hands_over_to_the_longest_standing_member(challenge, team):
    newest = participant(challenge)
    team_join(team=team, user=newest)
    oldest = team.member
    Membership.objects.filter(user=newest).update(joined_at=timezone.now() - dt.timedelta(hours=1))
    Membership.objects.filter(user=oldest).update(joined_at=timezone.now() - dt.timedelta(days=2))
    team_leave(team=team, user=team.leader)
    assert team.memberships.get(user=oldest).role == Membership.Role.LEADER
    assert team.memberships.get(user=newest).role == Membership.Role.MEMBER
    assert any("now its leader" in text for text in factories.notification_texts(oldest))
    entry = AuditLog.objects.get(action="team.leave")
    assert entry.data["new_leader"] == str(oldest)


def test_last_member_leaving_deletes_a_team_without_submissions(challenge):
    user = participant(challenge)
    solo = team_create(challenge=challenge, user=user, name="Solo")
    assert team_leave(team=solo, user=user) is None
    assert not Team.objects.filter(pk=solo.pk).exists()
    assert AuditLog.objects.filter(action="team.disband", reason="the last member left").exists()


def test_leaving_a_team_you_are_not_in(team):
    with pytest.raises(TeamError, match="not a member"):
        team_leave(team=team, user=factories.UserFactory())


def test_disband_only_by_the_leader_and_only_without_submissions(team, phase):
    with pytest.raises(TeamError, match="Only the leader"):
        team_disband(team=team, user=team.member)
    make_submission(team, phase, team.leader)
    with pytest.raises(TeamError, match="has submissions, so it cannot be disbanded"):
        team_disband(team=team, user=team.leader)
    assert Team.objects.filter(pk=team.pk).exists()


def test_disband_deletes_the_team_and_tells_the_members(team):
    team_disband(team=team, user=team.leader)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert any("disbanded" in text for text in factories.notification_texts(team.member))
    assert not Notification.objects.filter(user=team.leader).exists()
    assert AuditLog.objects.filter(action="team.disband", actor=team.leader).exists()


def test_leave_and_disband_views(client, team, phase):
    make_submission(team, phase, team.leader)
    client.force_login(team.leader)
    response = client.post(f"/teams/{team.pk}/disband/", follow=True)
    assert "cannot be disbanded" in response.content.decode()
    client.force_login(team.member)
    response = client.post(f"/teams/{team.pk}/leave/", follow=True)
    assert "You left Buyer Resist." in response.content.decode()
    assert client.post(f"/teams/{team.pk}/leave/").status_code == 404  # no longer a member


# --- the team page and the quota line ----------------------------------------------------------


def test_team_page_lists_members_and_invite_link(client, challenge, team):
    client.force_login(team.member)
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/team/").content.decode()
    assert str(team.leader) in page and str(team.member) in page
    assert f"/teams/join/{team.invite_token}/" in page
    assert "Disband the team" not in page  # the leader's button
    client.force_login(team.leader)
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/team/").content.decode()
    assert "Disband the team" in page


def test_team_page_for_someone_without_a_team_redirects(client, challenge):
    client.force_login(participant(challenge))
    response = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/team/")
    assert response.status_code == 302


def _expected_reset(zone_name: str) -> str:
    """The quota line's reset time as the page writes it: a <time> in the zone, named."""
    reset = timezone.now().astimezone(dt.UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    local = timezone.localtime(reset, zoneinfo.ZoneInfo(zone_name))
    text = f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
    stamp = reset.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{stamp}" data-format="full">{text}</time>'


def test_quota_reset_is_shown_in_the_profile_time_zone(client, challenge, team):
    team.member.timezone = "America/Toronto"
    team.member.save()
    client.force_login(team.member)
    client.cookies["datajam_tz"] = "Asia/Tokyo"  # the saved choice wins over the browser's
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/").content.decode()
    assert f'<strong id="quota-reset">{_expected_reset("America/Toronto")}</strong>' in page
    assert "5 of 5 left today" in page


def test_quota_reset_follows_the_browser_zone_without_a_saved_one(client, challenge, team):
    client.force_login(team.member)
    client.cookies["datajam_tz"] = "Asia/Tokyo"
    page = client.get(f"/e/{challenge.event.slug}/{challenge.slug}/").content.decode()
    assert f'<strong id="quota-reset">{_expected_reset("Asia/Tokyo")}</strong>' in page
    assert "JST" in page
