import pytest
from django.utils import timezone

from competitions.models import EventRole, Submission
from competitions.permissions import can
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(phase):
    challenge = phase.challenge
    event = challenge.event
    organiser = factories.UserFactory()
    EventRole.objects.create(event=event, user=organiser, role="organiser")
    judge = factories.UserFactory()
    EventRole.objects.create(event=event, user=judge, role="judge")
    other_organiser = factories.UserFactory()
    EventRole.objects.create(event=factories.EventFactory(), user=other_organiser, role="organiser")
    team = factories.TeamFactory(challenge=challenge)
    member = factories.UserFactory()
    factories.add_member(team, member, role="leader")
    rival_team = factories.TeamFactory(challenge=challenge)
    rival = factories.UserFactory()
    factories.add_member(rival_team, rival)
    stranger = factories.UserFactory()
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv"
    )
    from django.contrib.auth.models import AnonymousUser

    return {
        "phase": phase, "event": event, "challenge": challenge, "submission": submission,
        "organiser": organiser, "judge": judge, "other_organiser": other_organiser,
        "member": member, "rival": rival, "stranger": stranger, "visitor": AnonymousUser(),
    }  # fmt: skip


ROLES = ["organiser", "judge", "other_organiser", "member", "rival", "stranger", "visitor"]
EXPECTED = {
    # action, object key: roles allowed
    ("event.manage", "event"): {"organiser"},
    ("challenge.download", "challenge"): {"organiser", "member", "rival"},
    ("submission.view", "submission"): {"organiser", "member"},
    ("submission.download", "submission"): {"organiser", "member"},
    ("submission.moderate", "submission"): {"organiser"},
    ("phase.view_private", "phase"): {"organiser", "judge"},
    ("phase.manage", "phase"): {"organiser"},
}


@pytest.mark.parametrize(("action", "key"), list(EXPECTED))
def test_every_role(world, action, key):
    allowed = {role for role in ROLES if can(world[role], action, world[key])}
    assert allowed == EXPECTED[(action, key)]


def test_private_leaderboard_visible_to_all_after_reveal(world):
    world["phase"].private_revealed_at = timezone.now()
    assert can(world["visitor"], "phase.view_private", world["phase"])


def test_unpublished_event_hidden_from_visitors(world):
    world["event"].is_published = False
    assert not can(world["stranger"], "event.view", world["event"])
    assert can(world["organiser"], "event.view", world["event"])


def test_unknown_action_is_an_error(world):
    with pytest.raises(ValueError):
        can(world["member"], "submission.eat", world["submission"])
