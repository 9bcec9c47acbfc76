"""The edit services own every rule about changing events, challenges and phases."""

import datetime as dt

import pytest
from django.utils import timezone

from competitions.models import AuditLog, EventRole, Submission
from competitions.selectors.leaderboards import board_all
from competitions.services import PermissionRefused
from competitions.services.challenges import ChallengeRefused, challenge_create, challenge_update
from competitions.services.events import EventRefused, event_create, event_update, role_grant
from competitions.services.phases import PhaseRefused, phase_create, phase_update
from competitions.services.standings import standings_rebuild
from competitions.services.teams import TeamError, rules_accept, team_create
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(phase):
    user = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=user, role="organiser")
    return user


def scored(phase, team, **metrics_by_split):
    """A scored submission with stored metrics; its primary scores derived as a worker would."""
    metric = phase.challenge.primary_metric
    public, private = metrics_by_split["public"], metrics_by_split["private"]
    submission = Submission.objects.create(
        phase=phase, team=team, file="x.csv", original_name="x.csv", state="scored",
        public_scores=public, private_scores=private, all_scores=public,
        public_score=public.get(metric), private_score=private.get(metric),
    )  # fmt: skip
    standings_rebuild(phase=phase)  # as if the worker had written it (with its standing)
    return submission


def test_a_new_primary_metric_re_ranks_from_stored_metrics_without_rescoring(phase, organiser):
    challenge = phase.challenge
    teams = [factories.TeamFactory(challenge=challenge, name=n) for n in ("A", "B", "C")]
    # A is best by pairwise F1, C is best by adjusted Rand index.
    metrics = [
        ({"pairwise_f1": 0.9, "ari": 0.2}, {"pairwise_f1": 0.8, "ari": 0.1}),
        ({"pairwise_f1": 0.5, "ari": 0.5}, {"pairwise_f1": 0.6, "ari": 0.4}),
        ({"pairwise_f1": 0.1, "ari": 0.9}, {"pairwise_f1": 0.2, "ari": 0.7}),
    ]
    for team, (public, private) in zip(teams, metrics, strict=True):
        scored(phase, team, public=public, private=private)
    assert [r.team_name for r in board_all(phase).rows] == ["A", "B", "C"]

    challenge_update(challenge=challenge, actor=organiser, data={"primary_metric": "ari"})

    assert [(r.team_name, r.score) for r in board_all(phase).rows] == [
        ("C", 0.9), ("B", 0.5), ("A", 0.2),
    ]  # fmt: skip
    assert [(r.team_name, r.score) for r in board_all(phase, kind="private").rows] == [
        ("C", 0.7), ("B", 0.4), ("A", 0.1),
    ]  # fmt: skip
    assert set(Submission.objects.values_list("state", "attempts")) == {("scored", 0)}
    entry = AuditLog.objects.get(action="challenge.edit")
    assert entry.data["changed"] == {"primary_metric": ["pairwise_f1", "ari"]}
    assert entry.data["rescored_from_stored_metrics"] == 3


def test_a_lower_is_better_metric_ranks_the_other_way(organiser):
    phase = factories.PhaseFactory(
        challenge=factories.ChallengeFactory(task="regression", primary_metric="rmse")
    )
    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    for name, rmse, mae in [("A", 1.0, 3.0), ("B", 2.0, 1.0)]:
        team = factories.TeamFactory(challenge=phase.challenge, name=name)
        scores = {"rmse": rmse, "mae": mae}
        scored(phase, team, public=scores, private=scores)
    assert [r.team_name for r in board_all(phase).rows] == ["A", "B"]
    challenge_update(challenge=phase.challenge, actor=organiser, data={"primary_metric": "mae"})
    assert [r.team_name for r in board_all(phase).rows] == ["B", "A"]


def test_metric_must_belong_to_the_task(phase, organiser):
    with pytest.raises(ChallengeRefused, match="not a metric of the task") as refused:
        challenge_update(
            challenge=phase.challenge, actor=organiser, data={"primary_metric": "rmse"}
        )
    assert refused.value.field == "primary_metric"
    phase.challenge.refresh_from_db()
    assert phase.challenge.primary_metric == "pairwise_f1"


def test_task_change_refused_once_truth_or_submissions_exist(phase, organiser):
    data = {"task": "regression", "primary_metric": "rmse"}
    with pytest.raises(ChallengeRefused, match="cannot change once"):
        challenge_update(challenge=phase.challenge, actor=organiser, data=data)
    fresh = factories.ChallengeFactory(event=phase.challenge.event)
    challenge_update(challenge=fresh, actor=organiser, data=data)
    fresh.refresh_from_db()
    assert (fresh.task, fresh.primary_metric) == ("regression", "rmse")


def test_slug_unique_within_the_event(phase, organiser):
    event = phase.challenge.event
    data = {"title": "Other", "slug": phase.challenge.slug, "task": "ad-linkage",
            "primary_metric": "pairwise_f1"}  # fmt: skip
    with pytest.raises(ChallengeRefused, match="uses this slug"):
        challenge_create(event=event, actor=organiser, data=data)
    other_event = factories.EventFactory()
    EventRole.objects.create(event=other_event, user=organiser, role="organiser")
    assert challenge_create(event=other_event, actor=organiser, data=data).slug == data["slug"]


def test_phase_changes_are_audited_with_old_and_new_values(phase, organiser):
    old_end = phase.ends_at
    new_end = old_end + dt.timedelta(days=3)
    phase_update(phase=phase, actor=organiser, data={"ends_at": new_end, "daily_limit": 9})
    entry = AuditLog.objects.get(action="phase.edit")
    assert entry.data["changed"] == {
        "ends_at": [old_end.isoformat(), new_end.isoformat()],
        "daily_limit": ["5", "9"],
    }
    with pytest.raises(PhaseRefused, match="end after it starts"):
        phase_update(phase=phase, actor=organiser, data={"ends_at": phase.starts_at})
    phase.refresh_from_db()
    assert phase.ends_at == new_end


def test_phase_create_checks_dates(phase, organiser):
    now = timezone.now()
    with pytest.raises(PhaseRefused):
        phase_create(
            challenge=phase.challenge, actor=organiser,
            data={"name": "Final", "starts_at": now, "ends_at": now - dt.timedelta(days=1)},
        )  # fmt: skip


def test_events_end_after_they_start_and_keep_unique_slugs(phase, organiser):
    now = timezone.now()
    event = phase.challenge.event
    with pytest.raises(EventRefused, match="end after it starts"):
        event_update(event=event, actor=organiser, data={"starts_at": now, "ends_at": now})
    with pytest.raises(EventRefused, match="address"):
        event_create(actor=organiser, data={"name": "X", "slug": event.slug})
    created = event_create(actor=organiser, data={"name": "New", "slug": "new-event"})
    assert EventRole.objects.filter(event=created, user=organiser, role="organiser").exists()


def test_services_refuse_people_who_may_not(phase, organiser):
    stranger = factories.UserFactory()
    challenge, event = phase.challenge, phase.challenge.event
    with pytest.raises(PermissionRefused):
        challenge_update(challenge=challenge, actor=stranger, data={"title": "Mine"})
    with pytest.raises(PermissionRefused):
        phase_update(phase=phase, actor=stranger, data={"daily_limit": 99})
    with pytest.raises(PermissionRefused):
        event_update(event=event, actor=stranger, data={"name": "Mine"})
    with pytest.raises(PermissionRefused):
        role_grant(event=event, actor=stranger, email=stranger.email, role="organiser")
    challenge.refresh_from_db()
    phase.refresh_from_db()
    assert (challenge.title, phase.daily_limit) != ("Mine", 99)
    assert not AuditLog.objects.exists()


def test_judges_never_compete_where_they_judge(phase, organiser):
    challenge = phase.challenge
    judge = factories.UserFactory()
    role_grant(event=challenge.event, actor=organiser, email=judge.email, role="judge")
    with pytest.raises(TeamError, match="You judge this event"):
        rules_accept(challenge=challenge, user=judge)
    competitor = factories.UserFactory()
    rules_accept(challenge=challenge, user=competitor)
    team_create(challenge=challenge, user=competitor, name="Racers")
    with pytest.raises(EventRefused, match="cannot compete in the event they judge"):
        role_grant(event=challenge.event, actor=organiser, email=competitor.email, role="judge")


def test_only_organisers_make_baseline_teams(phase, organiser):
    participant = factories.UserFactory()
    rules_accept(challenge=phase.challenge, user=participant)
    with pytest.raises(PermissionRefused):
        team_create(challenge=phase.challenge, user=participant, name="Fake", is_baseline=True)
    rules_accept(challenge=phase.challenge, user=organiser)
    team = team_create(challenge=phase.challenge, user=organiser, name="Ref", is_baseline=True)
    assert team.is_baseline
