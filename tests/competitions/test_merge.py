"""Team merging as Kaggle does it: who asks, who accepts, and the rules that refuse a merge."""

import datetime as dt

import pytest
from django.utils import timezone

from competitions.models import (
    AuditLog,
    Membership,
    MergeRequest,
    Notification,
    QuotaOverride,
    Submission,
    Team,
)
from competitions.selectors.notifications import notification_text
from competitions.services import submissions as submission_services
from competitions.services.merges import (
    MergeError,
    merge_request_accept,
    merge_request_cancel,
    merge_request_create,
    merge_request_refuse,
)
from competitions.services.submissions import SubmissionRefused, submission_create
from tests import factories

pytestmark = pytest.mark.django_db


def make_submission(team, phase, user=None, **fields):
    fields.setdefault("state", Submission.State.SCORED)
    return Submission.objects.create(
        phase=phase, team=team, submitted_by=user, file="x.csv", original_name="x.csv", **fields
    )


def make_team(challenge, name, size=1):
    team = factories.TeamFactory(challenge=challenge, name=name)
    team.users = [factories.UserFactory() for _ in range(size)]
    for index, user in enumerate(team.users):
        factories.add_member(team, user, role="leader" if index == 0 else "member")
    team.leader = team.users[0]
    return team


@pytest.fixture
def phase(db):
    # Open for two whole UTC days before today: three quota days including today.
    today = timezone.now().astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return factories.PhaseFactory(
        starts_at=today - dt.timedelta(days=2) + dt.timedelta(hours=6),
        ends_at=today + dt.timedelta(days=10),
        daily_limit=2,
    )


@pytest.fixture
def challenge(phase):
    return phase.challenge


@pytest.fixture
def absorbed(challenge):
    return make_team(challenge, "Absorbed", size=2)


@pytest.fixture
def target(challenge):
    return make_team(challenge, "Target", size=2)


def test_the_other_leader_accepts_and_everything_moves(phase, absorbed, target):
    mine = make_submission(absorbed, phase, absorbed.leader)
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    assert any("asks to merge" in text for text in factories.notification_texts(target.leader))

    merged = merge_request_accept(merge_request=request, user=target.leader)

    assert merged.pk == target.pk
    assert not Team.objects.filter(pk=absorbed.pk).exists()
    assert set(target.memberships.values_list("user_id", flat=True)) == {
        u.pk for u in absorbed.users + target.users
    }
    # One leader: the target's. The absorbed leader is a member now.
    assert target.memberships.get(role=Membership.Role.LEADER).user == target.leader
    mine.refresh_from_db()
    assert mine.team_id == target.pk
    entry = AuditLog.objects.get(action="team.merge")
    assert entry.actor == target.leader
    assert entry.data["absorbed_team"] == "Absorbed"
    assert entry.data["submissions_moved"] == 1
    assert sorted(entry.data["members_moved"]) == sorted(str(u) for u in absorbed.users)
    for user in absorbed.users + target.users:
        assert any("merged into Target" in text for text in factories.notification_texts(user))


@pytest.mark.parametrize("who", ["absorbed leader", "target member", "stranger"])
def test_only_the_target_leader_may_accept(absorbed, target, who):
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    user = {
        "absorbed leader": absorbed.leader,
        "target member": target.users[1],
        "stranger": factories.UserFactory(),
    }[who]
    with pytest.raises(MergeError, match="Only the leader of Target can accept"):
        merge_request_accept(merge_request=request, user=user)
    assert Team.objects.filter(pk=absorbed.pk).exists()


def test_only_the_leader_may_ask(absorbed, target):
    with pytest.raises(MergeError, match="Only the leader of Absorbed"):
        merge_request_create(from_team=absorbed, to_team=target, user=absorbed.users[1])


def test_no_merging_with_itself_or_across_challenges(absorbed):
    with pytest.raises(MergeError, match="cannot merge with itself"):
        merge_request_create(from_team=absorbed, to_team=absorbed, user=absorbed.leader)
    elsewhere = make_team(factories.ChallengeFactory(), "Elsewhere")
    with pytest.raises(MergeError, match="same challenge"):
        merge_request_create(from_team=absorbed, to_team=elsewhere, user=absorbed.leader)


def test_refused_after_the_merger_deadline(challenge, absorbed, target):
    challenge.merger_deadline = timezone.now() + dt.timedelta(hours=1)
    challenge.save()
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    late = challenge.merger_deadline + dt.timedelta(seconds=1)
    with pytest.raises(MergeError, match="merger deadline passed .*can no longer merge"):
        merge_request_accept(merge_request=request, user=target.leader, now=late)
    with pytest.raises(MergeError, match="merger deadline"):
        merge_request_create(from_team=target, to_team=absorbed, user=target.leader, now=late)
    merge_request_accept(merge_request=request, user=target.leader, now=challenge.merger_deadline)
    assert not Team.objects.filter(pk=absorbed.pk).exists()


def test_refused_above_the_size_cap(challenge, absorbed, target):
    challenge.max_team_size = 3
    challenge.save()
    with pytest.raises(MergeError, match="would have 4 members; the limit is 3"):
        merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    challenge.max_team_size = 4
    challenge.save()
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    # A member joins the target meanwhile: checked again at acceptance.
    factories.add_member(target, factories.UserFactory())
    with pytest.raises(MergeError, match="would have 5 members; the limit is 4"):
        merge_request_accept(merge_request=request, user=target.leader)


def test_refused_above_the_submission_budget(phase, absorbed, target):
    # Daily limit 2, third day of the phase: together at most 6 counted submissions.
    for _ in range(4):
        make_submission(absorbed, phase, absorbed.leader)
    for _ in range(3):
        make_submission(target, phase, target.leader)
    with pytest.raises(MergeError) as refused:
        merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    message = str(refused.value)
    assert "have made 7 submissions in Development" in message
    assert "2 a day × 3 days = 6" in message
    assert "Try again tomorrow" in message


def test_the_budget_counts_only_submissions_that_count(phase, absorbed, target):
    for _ in range(4):
        make_submission(absorbed, phase, absorbed.leader)
    make_submission(target, phase, target.leader)
    make_submission(target, phase, target.leader)
    for _ in range(3):  # files that failed validation never cost quota, nor weigh on a merge
        make_submission(
            target, phase, target.leader, state=Submission.State.FAILED, counts_for_quota=False
        )
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    merge_request_accept(merge_request=request, user=target.leader)
    assert Submission.objects.filter(team=target).count() == 9


def test_the_budget_is_per_phase_and_capped_by_the_total_limit(phase, absorbed, target):
    phase.total_limit = 4
    phase.save()
    later = factories.PhaseFactory(
        challenge=phase.challenge,
        name="Final",
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=5),
    )
    make_submission(absorbed, later, absorbed.leader)  # a phase not started yet: not counted
    for _ in range(3):
        make_submission(absorbed, phase, absorbed.leader)
    make_submission(target, phase, target.leader)
    merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)  # 4 ≤ 4
    make_submission(target, phase, target.leader)
    with pytest.raises(MergeError, match="more than its total limit of 4"):
        merge_request_create(from_team=target, to_team=absorbed, user=target.leader)


def test_refused_when_a_submission_was_disqualified(phase, absorbed, target):
    make_submission(target, phase, target.leader, is_disqualified=True)
    with pytest.raises(MergeError, match="Target has a submission the organisers disqualified"):
        merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)


def test_baseline_entries_do_not_merge(challenge, absorbed):
    baseline = make_team(challenge, "Baseline")
    baseline.is_baseline = True
    baseline.save()
    with pytest.raises(MergeError, match="baseline"):
        merge_request_create(from_team=absorbed, to_team=baseline, user=absorbed.leader)


def test_duplicate_and_crossing_requests_are_refused(absorbed, target):
    merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    with pytest.raises(MergeError, match="already asked to merge into Target"):
        merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    with pytest.raises(MergeError, match="Absorbed has already asked to merge into your team"):
        merge_request_create(from_team=target, to_team=absorbed, user=target.leader)


def test_refuse_and_withdraw(absorbed, target):
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    with pytest.raises(MergeError, match="Only the leader of Target can refuse"):
        merge_request_refuse(merge_request=request, user=absorbed.leader)
    merge_request_refuse(merge_request=request, user=target.leader, note="We are full of ideas")
    request.refresh_from_db()
    assert request.state == MergeRequest.State.REFUSED
    assert request.decided_at is not None
    note = Notification.objects.get(user=absorbed.leader)
    text = notification_text(note)
    assert "refused" in text and "We are full of ideas" in text
    with pytest.raises(MergeError, match="already refused"):
        merge_request_accept(merge_request=request, user=target.leader)

    again = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    with pytest.raises(MergeError, match="Only the leader of Absorbed can withdraw"):
        merge_request_cancel(merge_request=again, user=target.leader)
    merge_request_cancel(merge_request=again, user=absorbed.leader)
    again.refresh_from_db()
    assert again.state == MergeRequest.State.CANCELLED


def test_final_choices_over_the_limit_keep_the_targets(phase, absorbed, target):
    theirs = [make_submission(absorbed, phase, absorbed.leader, is_final=True) for _ in range(2)]
    ours = [make_submission(target, phase, target.leader, is_final=True) for _ in range(1)]
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    merge_request_accept(merge_request=request, user=target.leader)
    finals = set(Submission.objects.filter(team=target, is_final=True).values_list("pk", flat=True))
    assert finals == {s.pk for s in ours}
    assert not Submission.objects.filter(pk__in=[s.pk for s in theirs], is_final=True).exists()


def test_final_choices_within_the_limit_survive(phase, absorbed, target):
    theirs = make_submission(absorbed, phase, absorbed.leader, is_final=True)
    ours = make_submission(target, phase, target.leader, is_final=True)
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    merge_request_accept(merge_request=request, user=target.leader)
    assert Submission.objects.filter(pk__in=[theirs.pk, ours.pk], is_final=True).count() == 2


def test_quota_overrides_of_the_absorbed_team_are_logged_when_dropped(phase, absorbed, target):
    QuotaOverride.objects.create(
        team=absorbed, phase=phase, daily_limit=9, reason="late start", created_by=target.leader
    )
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    merge_request_accept(merge_request=request, user=target.leader)
    dropped = AuditLog.objects.get(action="team.merge").data["quota_overrides_dropped"]
    assert dropped[0]["reason"] == "late start"


def test_an_upload_during_a_merge_is_refused_not_lost(monkeypatch, phase, absorbed, target):
    """The merge commits while the file is being stored: the upload must not land in the
    deleted team nor fail with an error, but be refused with a clear message."""
    request = merge_request_create(from_team=absorbed, to_team=target, user=absorbed.leader)
    real_storage = submission_services.private_storage()

    class MergingStorage:
        def save(self, name, content):
            merge_request_accept(merge_request=request, user=target.leader)
            return real_storage.save(name, content)

        def delete(self, name):
            real_storage.delete(name)

    monkeypatch.setattr(submission_services, "private_storage", MergingStorage)
    with pytest.raises(SubmissionRefused, match="Your team changed while the file was uploading"):
        submission_create(
            user=absorbed.users[1], phase=phase, uploaded=factories.upload(factories.PERFECT_CSV)
        )
    assert not Team.objects.filter(pk=absorbed.pk).exists()
    assert Submission.objects.count() == 0


# --- through the pages -------------------------------------------------------------------------


def test_merge_through_the_team_pages(client, challenge, absorbed, target):
    team_page = f"/e/{challenge.event.slug}/{challenge.slug}/team/"
    client.force_login(absorbed.leader)
    response = client.post(f"/teams/{absorbed.pk}/merge/", {"to_team": target.pk}, follow=True)
    assert "Merge request sent to Target" in response.content.decode()
    request = MergeRequest.objects.get()

    client.force_login(factories.UserFactory())  # not in either team: the request is invisible
    assert client.post(f"/merges/{request.pk}/accept/").status_code == 404

    client.force_login(target.users[1])
    page = client.get(team_page).content.decode()
    assert "Absorbed" in page and "Your leader decides." in page
    response = client.post(f"/merges/{request.pk}/accept/", follow=True)
    assert "Only the leader of Target can accept" in response.content.decode()

    client.force_login(target.leader)
    assert "Accept and merge" in client.get(team_page).content.decode()
    response = client.post(f"/merges/{request.pk}/accept/", follow=True)
    assert "Absorbed merged into Target." in response.content.decode()
    assert target.memberships.count() == 4


def test_merge_request_to_an_unknown_team_explains(client, absorbed):
    client.force_login(absorbed.leader)
    response = client.post(f"/teams/{absorbed.pk}/merge/", {"to_team": "999999"}, follow=True)
    assert "Choose the team you want to merge into." in response.content.decode()
