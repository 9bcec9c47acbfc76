import datetime as dt

import pytest
from django.utils import timezone

from competitions.models import Submission
from competitions.services.submissions import SubmissionRefused, submission_create
from tests.factories import PARTIAL_CSV, PERFECT_CSV, upload

pytestmark = pytest.mark.django_db


def submit(user, phase, content, name="p.csv", **kwargs):
    return submission_create(user=user, phase=phase, uploaded=upload(content, name), **kwargs)


def test_perfect_upload_is_scored_one(team_member, phase, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase, PERFECT_CSV)
    submission.refresh_from_db()
    assert submission.state == Submission.State.SCORED
    assert submission.public_score == pytest.approx(1.0)
    assert submission.private_score == pytest.approx(1.0)
    assert submission.attempts == 1
    assert submission.started_at <= submission.finished_at
    assert submission.duration_ms is not None


def test_partial_upload_scores_public_pairs(team_member, phase, django_capture_on_commit_callbacks):
    # Public ads a1,a2,a4,a6,a8: true pairs (a1,a2); predicted pairs (a1,a2) -> F1 = 1.
    # Private ads a3,a5,a7: true pairs none among themselves; predicted none.
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase, PARTIAL_CSV)
    submission.refresh_from_db()
    assert submission.state == Submission.State.SCORED
    assert submission.all_scores["pairwise_precision"] == pytest.approx(1.0)
    assert submission.all_scores["pairwise_recall"] == pytest.approx(1 / 4)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("", "p.csv", "empty"),
        ("ad_id,cluster_id\na1,x\n", "p.xlsx", "not a CSV"),
        ("id,label\na1,x\n", "p.csv", "ad_id,cluster_id"),
    ],
)
def test_refused_uploads_leave_no_row(team_member, phase, content, name, expected):
    with pytest.raises(SubmissionRefused) as refused:
        submit(team_member, phase, content, name)
    assert expected in str(refused.value)
    assert Submission.objects.count() == 0


def test_oversized_upload_is_refused(team_member, phase, settings):
    settings.SUBMISSION_MAX_BYTES = 10
    with pytest.raises(SubmissionRefused, match="limit"):
        submit(team_member, phase, PERFECT_CSV)
    assert Submission.objects.count() == 0


def test_file_error_in_worker_fails_clearly_without_quota(
    team_member, phase, django_capture_on_commit_callbacks
):
    bad = "ad_id,cluster_id\na1,x\na1,y\na2,q\n"
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase, bad)
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert submission.failure == Submission.Failure.FILE
    assert "a1" in submission.error_message
    assert "op1" not in submission.error_message  # nothing of the hidden truth leaks
    assert submission.counts_for_quota is False


def test_daily_limit_counts_only_accepted(team_member, phase, django_capture_on_commit_callbacks):
    phase.daily_limit = 2
    phase.save()
    for content in ["ad_id,cluster_id\nnope,1\n", PERFECT_CSV, PARTIAL_CSV]:  # first one fails
        with django_capture_on_commit_callbacks(execute=True):
            submit(team_member, phase, content)
    with pytest.raises(SubmissionRefused, match="next reset"):
        submit(team_member, phase, PERFECT_CSV)
    assert Submission.objects.filter(state=Submission.State.SCORED).count() == 2


def test_submission_outside_phase_is_refused(team_member, phase):
    phase.ends_at = timezone.now() - dt.timedelta(seconds=1)
    phase.starts_at = phase.ends_at - dt.timedelta(days=1)
    phase.save()
    with pytest.raises(SubmissionRefused, match="closed"):
        submit(team_member, phase, PERFECT_CSV)


def test_redelivered_task_does_not_rescore(team_member, phase, django_capture_on_commit_callbacks):
    from competitions.services.scoring import submission_score

    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase, PERFECT_CSV)
    assert submission_score(submission_id=submission.pk) == "skipped"
    submission.refresh_from_db()
    assert submission.attempts == 1
