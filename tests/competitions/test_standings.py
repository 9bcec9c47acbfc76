"""The standings table stays equal to a rebuild from the submissions, whatever happens.

Every event goes through the real services (scores written by the worker's service,
moderation, rescoring, final choices, merges, a new primary metric or final-selection limit,
Ladder settings, new truth and a phase rescore); Hypothesis draws the sequences.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from competitions.errors import ServiceError
from competitions.models import EventRole, Standing, StandingsDay, Submission
from competitions.services.challenges import challenge_update
from competitions.services.final_selection import submission_set_final
from competitions.services.merges import merge_request_accept, merge_request_create
from competitions.services.moderation import submission_moderate
from competitions.services.phases import phase_rescore, phase_set_truth, phase_update
from competitions.services.scoring import submission_record_scores, submission_start
from competitions.services.standings import standings_rebuild
from tests import factories

SKIP = {"id", "updated_at"}


def snapshot(phase) -> tuple[list[dict], list[tuple]]:
    rows = [
        {k: v for k, v in row.items() if k not in SKIP}
        for row in Standing.objects.filter(phase=phase).order_by("team_id").values()
    ]
    days = list(
        StandingsDay.objects.filter(phase=phase).order_by("day").values_list("day", "submissions")
    )
    return rows, days


def assert_live_equals_rebuild(phases) -> None:
    live = [snapshot(p) for p in phases]
    for phase in phases:
        standings_rebuild(phase=phase)
    assert live == [snapshot(p) for p in phases]


def result(public: float, private: float, second: float) -> dict:
    """What the scoring core returns, with three metrics a challenge may rank by."""
    return {
        "public": {"pairwise_f1": public, "bcubed_f1": second, "ari": public - second},
        "private": {"pairwise_f1": private, "bcubed_f1": 1 - private, "ari": private / 2},
        "all": {"pairwise_f1": (public + private) / 2},
        "warnings": [],
    }


class World:
    def __init__(self):
        challenge = factories.ChallengeFactory(final_selection_limit=2, max_team_size=20)
        self.challenge = challenge
        self.phases = [
            factories.PhaseFactory(challenge=challenge, daily_limit=1000, order=i) for i in range(2)
        ]
        self.organiser = factories.UserFactory()
        EventRole.objects.create(event=challenge.event, user=self.organiser, role="organiser")
        self.teams, self.leaders = [], []
        for i in range(4):
            team = factories.TeamFactory(challenge=challenge, is_baseline=i == 3)
            leader = factories.UserFactory()
            factories.add_member(team, leader, role="leader")
            self.teams.append(team)
            self.leaders.append(leader)
        self.start = self.phases[0].starts_at

    def live_teams(self):
        return [t for t in self.teams if type(t).objects.filter(pk=t.pk).exists()]

    def submissions(self):
        return list(Submission.objects.filter(phase__challenge=self.challenge).order_by("pk"))

    def score(self, submission, scores):
        started = submission_start(submission_id=submission.pk)
        if started is not None:
            submission_record_scores(submission=started, result=result(*scores))


scores = st.tuples(
    st.sampled_from([0.1, 0.2, 0.25, 0.5, 0.5, 0.7, 0.9]),
    st.sampled_from([0.0, 0.3, 0.3, 0.6, 0.95]),
    st.sampled_from([0.2, 0.4, 0.8]),
)
events = st.one_of(
    st.tuples(
        st.just("submit"), st.integers(0, 3), st.integers(0, 1), st.integers(0, 4000), scores
    ),
    st.tuples(st.just("fail"), st.integers(0, 3), st.integers(0, 1)),
    st.tuples(
        st.just("moderate"),
        st.integers(0, 50),
        st.sampled_from(["hide", "unhide", "disqualify", "requalify", "rescore"]),
    ),
    st.tuples(st.just("score_queued"), scores),
    st.tuples(st.just("final"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("metric"), st.sampled_from(["pairwise_f1", "bcubed_f1", "ari"])),
    st.tuples(st.just("limit"), st.integers(0, 3)),
    st.tuples(st.just("ladder"), st.sampled_from([("off", None), ("fixed", 0.1), ("auto", None)])),
    st.tuples(st.just("truth"), st.booleans()),
)


def apply(world: World, event: tuple) -> None:
    kind, *args = event
    subs = world.submissions()
    if kind == "submit":
        team_index, phase_index, minute, values = args
        alive = world.live_teams()
        team = alive[team_index % len(alive)]
        submission = Submission.objects.create(
            phase=world.phases[phase_index], team=team, file="x.csv", original_name="x.csv",
            queued_at=world.start, task_id=f"t{len(subs)}",
        )  # fmt: skip
        # Out of order on purpose: a later upload may be scored first.
        Submission.objects.filter(pk=submission.pk).update(
            created_at=world.start + dt.timedelta(minutes=minute)
        )
        world.score(submission, values)
    elif kind == "fail":
        team_index, phase_index = args
        alive = world.live_teams()
        Submission.objects.create(
            phase=world.phases[phase_index], team=alive[team_index % len(alive)], file="x.csv",
            original_name="x.csv", state="failed", counts_for_quota=False,
        )  # fmt: skip
    elif kind == "moderate" and subs:
        index, action = args
        try:
            submission_moderate(
                submission=subs[index % len(subs)], action=action, reason="check",
                actor=world.organiser,
            )  # fmt: skip
        except ServiceError:
            pass
    elif kind == "score_queued":
        for submission in Submission.objects.filter(
            phase__challenge=world.challenge, state="queued"
        ):
            world.score(submission, args[0])
    elif kind == "final" and subs:
        index, final = args
        submission = subs[index % len(subs)]
        member = submission.team.memberships.first()
        if member is not None:
            try:
                submission_set_final(submission=submission, user=member.user, final=final)
            except ServiceError:
                pass
    elif kind == "merge":
        alive = world.live_teams()
        source, target = alive[args[0] % len(alive)], alive[args[1] % len(alive)]
        try:
            leader = source.memberships.get(role="leader").user
            request = merge_request_create(from_team=source, to_team=target, user=leader)
            merge_request_accept(
                merge_request=request, user=target.memberships.get(role="leader").user
            )
        except ServiceError:
            pass
    elif kind == "metric":
        challenge_update(
            challenge=world.challenge, actor=world.organiser, data={"primary_metric": args[0]}
        )
        world.challenge.refresh_from_db()
    elif kind == "limit":
        challenge_update(
            challenge=world.challenge,
            actor=world.organiser,
            data={"final_selection_limit": args[0]},
        )
        world.challenge.refresh_from_db()
    elif kind == "ladder":
        ladder, step = args[0]
        phase = world.phases[0]
        phase_update(
            phase=phase, actor=world.organiser, data={"ladder": ladder, "ladder_step": step}
        )
        phase.refresh_from_db()
    elif kind == "truth":
        phase = world.phases[0]
        phase_set_truth(
            phase=phase,
            uploaded=ContentFile(factories.TRUTH_CSV.encode(), name="truth.csv"),
            actor=world.organiser,
        )
        phase.refresh_from_db()
        if args[0]:
            phase_rescore(phase=phase, actor=world.organiser, reason="new truth")


class TestLiveStandingsEqualARebuild(TestCase):
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(events, min_size=1, max_size=14))
    def test_random_event_sequences(self, sequence):
        world = World()
        for event in sequence:
            apply(world, event)
        assert_live_equals_rebuild(world.phases)


@pytest.mark.django_db
def test_each_kind_of_event_keeps_the_table_equal_to_a_rebuild(tmp_path, settings):
    """A fixed sequence with every event at least once, so none depends on Hypothesis's draw."""
    world = World()
    sequence = [
        ("submit", 0, 0, 10, (0.5, 0.3, 0.2)),
        ("submit", 0, 0, 5, (0.7, 0.6, 0.4)),
        ("submit", 1, 0, 20, (0.9, 0.0, 0.8)),
        ("submit", 2, 1, 30, (0.25, 0.95, 0.2)),
        ("submit", 3, 0, 40, (0.95 - 0.05, 0.3, 0.4)),
        ("fail", 1, 0),
        ("final", 0, True),
        ("moderate", 2, "hide"),
        ("moderate", 2, "unhide"),
        ("moderate", 1, "disqualify"),
        ("moderate", 1, "requalify"),
        ("moderate", 0, "rescore"),
        ("score_queued", (0.2, 0.3, 0.4)),
        ("merge", 1, 2),
        ("metric", "bcubed_f1"),
        ("limit", 1),
        ("ladder", ("fixed", 0.1)),
        ("ladder", ("auto", None)),
        ("truth", True),
        ("score_queued", (0.5, 0.6, 0.4)),
    ]
    counts = []
    for event in sequence:
        apply(world, event)
        counts.append(Standing.objects.filter(phase__challenge=world.challenge).count())
        assert_live_equals_rebuild(world.phases)
    assert max(counts) >= 3  # the sequence did fill the table


@pytest.mark.django_db
def test_rebuild_command_writes_and_checks(capsys):
    from django.core.management import call_command

    world = World()
    apply(world, ("submit", 0, 0, 10, (0.5, 0.3, 0.2)))
    Standing.objects.all().delete()
    call_command("rebuild_standings", "--check")
    assert "1 differ" in capsys.readouterr().out
    call_command("rebuild_standings")
    assert Standing.objects.filter(phase=world.phases[0]).count() == 1
    call_command("rebuild_standings", "--check")
    assert "all equal" in capsys.readouterr().out
