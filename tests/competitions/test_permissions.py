"""Every permission action for every role, built from ``RULES`` itself.

A new action without expectations here fails ``test_every_action_has_expectations``; each
expectation lists exactly the roles allowed, so a rule that lets one more role in fails too.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from competitions.models import EventRole, RulesAcceptance, Submission
from competitions.permissions import RULES, can, require
from competitions.selectors.participation import events_visible_to
from competitions.services import PermissionRefused
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor", "stranger", "participant", "leader", "member", "other_team", "judge",
    "other_judge", "organiser", "other_organiser",
]  # fmt: skip
SIGNED_IN = set(ROLES) - {"visitor"}
TEAM = {"leader", "member"}
COMPETITORS = {"participant", "leader", "member", "other_team"}


@pytest.fixture
def world(phase):
    challenge = phase.challenge
    event = challenge.event
    other_event = factories.EventFactory()
    people = {role: factories.UserFactory() for role in ROLES if role != "visitor"}
    people["visitor"] = AnonymousUser()
    for role, on in [("organiser", event), ("judge", event), ("other_organiser", other_event)]:
        EventRole.objects.create(event=on, user=people[role], role=role.split("_")[-1])
    EventRole.objects.create(event=other_event, user=people["other_judge"], role="judge")
    RulesAcceptance.objects.create(challenge=challenge, user=people["participant"])
    team = factories.TeamFactory(challenge=challenge)
    factories.add_member(team, people["leader"], role="leader")
    factories.add_member(team, people["member"])
    factories.add_member(factories.TeamFactory(challenge=challenge), people["other_team"])
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv"
    )
    objects = {
        "event": event, "challenge": challenge, "phase": phase, "submission": submission,
        "team": team, None: None,
    }  # fmt: skip
    return people, objects


# action: (object, roles allowed) for a published event whose private board is not revealed.
EXPECTED = {
    "event.create": (None, SIGNED_IN),  # DATAJAM_EVENT_CREATORS=anyone, the development default
    "event.view": ("event", set(ROLES)),
    "event.manage": ("event", {"organiser"}),
    "event.judge": ("event", {"organiser", "judge"}),
    "challenge.view": ("challenge", set(ROLES)),
    "challenge.manage": ("challenge", {"organiser"}),
    "challenge.participate": ("challenge", SIGNED_IN - {"judge"}),
    "challenge.download": ("challenge", COMPETITORS | {"organiser", "judge"}),
    "phase.manage": ("phase", {"organiser"}),
    "phase.view_private": ("phase", {"organiser", "judge"}),
    "phase.view_raw_scores": ("phase", set(ROLES)),
    "submission.view": ("submission", TEAM | {"organiser"}),
    "submission.download": ("submission", TEAM | {"organiser"}),
    "submission.view_private_score": ("submission", {"organiser"}),
    "submission.view_raw_score": ("submission", TEAM | {"organiser"}),
    "submission.moderate": ("submission", {"organiser"}),
    "submission.select_final": ("submission", TEAM),
    "team.member": ("team", TEAM),
    "team.manage": ("team", {"leader"}),
}

# What changes once the private board is revealed.
AFTER_REVEAL = {
    "phase.view_private": set(ROLES),
    "submission.view_private_score": TEAM | {"organiser"},
}

# What changes while the event is unpublished: only its organisers and judges see it.
UNPUBLISHED = {
    "event.view": {"organiser", "judge"},
    "challenge.view": {"organiser", "judge"},
    "challenge.participate": {"organiser"},
    "challenge.download": {"organiser", "judge"},
    "phase.view_raw_scores": {"organiser", "judge"},
}

# What changes when the phase uses the Ladder: raw public scores for organisers and judges.
LADDER = {
    "phase.view_raw_scores": {"organiser", "judge"},
    "submission.view_raw_score": {"organiser"},
}


def allowed(world, action: str) -> set[str]:
    people, objects = world
    key = EXPECTED[action][0]
    return {role for role in ROLES if can(people[role], action, objects[key])}


def test_every_action_has_expectations():
    # Judging registers its actions here too; tests/judging/test_permissions.py checks them
    # for every role (imported late: that module builds on this one's world).
    from tests.judging.test_permissions import EXPECTED as JUDGING_EXPECTED

    assert not set(EXPECTED) & set(JUDGING_EXPECTED)
    assert set(EXPECTED) | set(JUDGING_EXPECTED) == set(RULES)


OWN_ACTIONS = sorted(EXPECTED)


@pytest.mark.parametrize("action", OWN_ACTIONS)
def test_every_role(world, action):
    assert allowed(world, action) == EXPECTED[action][1]


@pytest.mark.parametrize("action", OWN_ACTIONS)
def test_every_role_after_the_private_reveal(world, action):
    phase = world[1]["phase"]
    phase.private_revealed_at = timezone.now()
    phase.save()
    assert allowed(world, action) == AFTER_REVEAL.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("action", OWN_ACTIONS)
def test_every_role_while_unpublished(world, action):
    event = world[1]["event"]
    event.is_published = False
    event.save()
    assert allowed(world, action) == UNPUBLISHED.get(action, EXPECTED[action][1])


@pytest.mark.parametrize("ladder", ["fixed", "auto"])
@pytest.mark.parametrize("action", OWN_ACTIONS)
def test_every_role_under_the_ladder(world, action, ladder):
    phase = world[1]["phase"]
    phase.ladder, phase.ladder_step = ladder, 0.01 if ladder == "fixed" else None
    phase.save()
    assert allowed(world, action) == LADDER.get(action, EXPECTED[action][1])


def test_the_ladder_keeps_raw_scores_hidden_after_the_reveal(world):
    phase = world[1]["phase"]
    phase.ladder, phase.ladder_step = "fixed", 0.01
    phase.private_revealed_at = timezone.now()
    phase.save()
    assert allowed(world, "phase.view_raw_scores") == {"organiser", "judge"}
    assert allowed(world, "submission.view_raw_score") == {"organiser"}


def test_a_reveal_set_in_the_future_reveals_nothing_yet(world):
    phase = world[1]["phase"]
    phase.private_revealed_at = timezone.now() + timezone.timedelta(hours=1)
    phase.save()
    assert allowed(world, "phase.view_private") == {"organiser", "judge"}


def test_only_staff_create_events_when_the_site_says_so(world, settings):
    people, _objects = world
    settings.DATAJAM_EVENT_CREATORS = "staff"
    staff = factories.UserFactory(is_staff=True)
    assert [role for role in ROLES if can(people[role], "event.create")] == []
    assert can(staff, "event.create")


def test_the_home_page_selector_agrees_with_event_view(world):
    people, objects = world
    hidden = factories.EventFactory(is_published=False)
    EventRole.objects.create(event=hidden, user=people["judge"], role="judge")
    for role in ROLES:
        listed = set(events_visible_to(people[role]))
        for event in [objects["event"], hidden]:
            assert (event in listed) == can(people[role], "event.view", event), role


def test_require_refuses_with_a_message(world):
    people, objects = world
    with pytest.raises(PermissionRefused, match="not allowed"):
        require(people["stranger"], "event.manage", objects["event"])
    require(people["organiser"], "event.manage", objects["event"])


def test_unknown_action_is_an_error(world):
    people, objects = world
    with pytest.raises(ValueError):
        can(people["member"], "submission.eat", objects["submission"])


def test_no_object_means_no(world):
    people, _objects = world
    assert not can(people["organiser"], "event.manage", None)
