"""The sweeper, the heartbeat and the run token: stuck submissions come back, live ones stay."""

import datetime as dt
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

import scoring
from competitions import tasks, worker
from competitions.models import Notification, Submission
from competitions.selectors.quotas import team_quota
from competitions.services import scoring as scoring_services
from competitions.services import sweeper
from competitions.services.scoring import (
    submission_fail_time_limit,
    submission_heartbeat,
    submission_record_scores,
    submission_requeue,
    submission_score,
    submission_start,
)
from competitions.services.submissions import SubmissionRefused, submission_create
from competitions.services.sweeper import submissions_sweep
from competitions.worker import Heartbeat, memory_ceiling
from tests import factories
from tests.factories import PERFECT_CSV, upload

pytestmark = pytest.mark.django_db


def submit(user, phase, content=PERFECT_CSV) -> Submission:
    """A queued submission whose message is not sent (on-commit callbacks are not run)."""
    return submission_create(user=user, phase=phase, uploaded=upload(content))


def start_run(submission: Submission, *, silent_for: float = 0, running_for: float = 0):
    """Claim the submission as a worker would, then age its heartbeat and start."""
    run = submission_start(submission_id=submission.pk, task_id="t1", worker="w1@host")
    now = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        heartbeat_at=now - dt.timedelta(seconds=silent_for),
        started_at=now - dt.timedelta(seconds=max(running_for, silent_for)),
    )
    run.refresh_from_db()
    return run


def age_queue(submission: Submission, seconds: float) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        queued_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


@pytest.fixture
def sweeper_settings(settings):
    settings.SCORING_HEARTBEAT_STALE_SECONDS = 30
    settings.SCORING_MAX_ATTEMPTS = 3
    settings.SCORING_QUEUED_GRACE_SECONDS = 15
    settings.SCORING_QUEUED_TIMEOUT_SECONDS = 300
    settings.SCORING_TIME_LIMIT_SECONDS = 60
    settings.SCORING_HARD_TIME_LIMIT_GRACE_SECONDS = 10
    return settings


# Running submissions


def test_vanished_worker_is_requeued_then_scored_once(
    team_member, phase, sweeper_settings, django_capture_on_commit_callbacks
):
    submission = start_run(submit(team_member, phase), silent_for=31)
    with django_capture_on_commit_callbacks(execute=True):
        report = submissions_sweep(queue_length=0)
    assert report.requeued == [str(submission.pk)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.SCORED
    assert submission.public_score == pytest.approx(1.0)
    assert submission.attempts == 2  # the lost run and the one that scored it
    assert submission.task_id != "t1"  # a new message, not the lost one


def test_live_worker_keeps_its_submission(team_member, phase, sweeper_settings):
    submission = start_run(submit(team_member, phase), silent_for=5, running_for=50)
    report = submissions_sweep(queue_length=0)
    assert report.requeued == report.failed == []
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING
    assert submission.attempts == 1


def test_heartbeat_between_look_and_update_wins(team_member, phase, sweeper_settings, monkeypatch):
    """The worker beats after the sweeper saw it silent: the sweeper's update must miss."""
    submission = start_run(submit(team_member, phase), silent_for=60)
    why_stuck = sweeper._why_stuck

    def beat_then_judge(seen, now):
        assert submission_heartbeat(submission_id=seen.pk, run_token=seen.run_token)
        return why_stuck(seen, now)

    monkeypatch.setattr(sweeper, "_why_stuck", beat_then_judge)
    report = submissions_sweep(queue_length=0)
    assert report.requeued == []
    submission.refresh_from_db()
    assert submission.state == Submission.State.RUNNING
    assert submission.heartbeat_at > timezone.now() - dt.timedelta(seconds=5)


def test_run_past_hard_time_limit_is_requeued(team_member, phase, sweeper_settings):
    phase.time_limit_seconds = 20  # hard limit 30 s; the sweeper waits a stale period more
    phase.save()
    submission = start_run(submit(team_member, phase), silent_for=1, running_for=61)
    report = submissions_sweep(queue_length=0)
    assert report.requeued == [str(submission.pk)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.QUEUED
    assert submission.run_token == ""


def test_gives_up_after_max_attempts_refunds_and_tells_team(
    team_member, phase, sweeper_settings, django_capture_on_commit_callbacks
):
    team = team_member.memberships.get().team
    teammate = factories.UserFactory()
    factories.add_member(team, teammate)
    submission = start_run(submit(team_member, phase), silent_for=120)
    Submission.objects.filter(pk=submission.pk).update(attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        report = submissions_sweep(queue_length=0)
    assert report.failed == [str(submission.pk)]
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert submission.failure == Submission.Failure.PLATFORM
    assert submission.counts_for_quota is False
    assert "3 attempts" in submission.error_message
    assert "stopped responding" in submission.error_message
    assert "not a problem with your file" in submission.error_message
    notified = Notification.objects.filter(link__contains=str(submission.pk))
    assert sorted(n.user_id for n in notified) == sorted([team_member.pk, teammate.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([team_member.email, teammate.email])
    assert "could not be scored" in mail.outbox[0].subject
    # Swept again: nothing more happens, nobody is told twice.
    assert submissions_sweep(queue_length=0).failed == []
    assert Notification.objects.count() == 2


def test_quota_refund_lets_the_team_submit_again(
    team_member, phase, sweeper_settings, django_capture_on_commit_callbacks
):
    phase.daily_limit = 1
    phase.save()
    submission = start_run(submit(team_member, phase), silent_for=120)
    Submission.objects.filter(pk=submission.pk).update(attempts=3)
    submissions_sweep(queue_length=0)
    again = submit(team_member, phase)  # refused if the failed one still counted
    assert again.state == Submission.State.QUEUED


# Queued submissions whose message was lost


def test_lost_message_is_sent_again_when_the_queue_is_empty(
    team_member, phase, sweeper_settings, django_capture_on_commit_callbacks
):
    old, recent = submit(team_member, phase), submit(team_member, phase)
    age_queue(old, 20)
    age_queue(recent, 5)  # may still be on its way to a worker
    with django_capture_on_commit_callbacks(execute=True):
        report = submissions_sweep(queue_length=0)
    assert report.resent == [str(old.pk)]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == Submission.State.SCORED
    assert old.attempts == 1
    assert recent.state == Submission.State.QUEUED


def test_nothing_sent_again_while_the_queue_holds_every_message(
    team_member, phase, sweeper_settings
):
    submissions = [submit(team_member, phase) for _ in range(2)]
    for submission in submissions:
        age_queue(submission, 3600)  # workers are down: a long wait, but nothing is lost
    assert submissions_sweep(queue_length=2).resent == []


def test_partial_loss_sends_again_only_long_waiting_ones(team_member, phase, sweeper_settings):
    long_waiting, waiting = submit(team_member, phase), submit(team_member, phase)
    age_queue(long_waiting, 301)
    age_queue(waiting, 60)
    report = submissions_sweep(queue_length=1)
    assert report.resent == [str(long_waiting.pk)]


def test_unreachable_broker_leaves_queued_submissions_alone(team_member, phase, sweeper_settings):
    submission = submit(team_member, phase)
    age_queue(submission, 3600)
    report = submissions_sweep(queue_length=None)
    assert report.resent == []
    assert "broker unreachable" in str(report)


def test_two_sweepers_send_a_lost_message_once(team_member, phase, sweeper_settings):
    submission = submit(team_member, phase)
    age_queue(submission, 60)
    stale_copy = Submission.objects.get(pk=submission.pk)
    assert submissions_sweep(queue_length=0).resent == [str(submission.pk)]
    # A second sweeper that read the row before the first one changed it:
    assert not submission_requeue(
        submission=stale_copy,
        from_states=(Submission.State.QUEUED,),
        expect={"queued_at": stale_copy.queued_at},
    )


def test_management_command_reports(team_member, phase, sweeper_settings, monkeypatch):
    submission = start_run(submit(team_member, phase), silent_for=100)
    monkeypatch.setattr(sweeper, "scoring_queue_length", lambda: 0)
    from io import StringIO

    out = StringIO()
    call_command("sweep_submissions", stdout=out)
    assert f"requeued: {submission.pk}" in out.getvalue()
    assert "1 running requeued" in out.getvalue()


# The run token: two runs never both write a result


def test_run_that_lost_its_submission_cannot_write(team_member, phase, sweeper_settings):
    first = start_run(submit(team_member, phase), silent_for=100)
    submissions_sweep(queue_length=0)  # requeued: the first run is presumed dead
    second = submission_start(submission_id=first.pk, task_id="t2", worker="w2@host")
    result = {"public": {"pairwise_f1": 0.5}, "private": {}, "all": {}, "warnings": []}
    assert not submission_record_scores(submission=first, result=result)  # the late first run
    assert submission_record_scores(
        submission=second, result={**result, "public": {"pairwise_f1": 0.75}}
    )
    assert not submission_record_scores(submission=second, result=result)  # and only once
    second.refresh_from_db()
    assert second.state == Submission.State.SCORED
    assert second.public_score == pytest.approx(0.75)
    assert second.attempts == 2


def test_redelivered_message_for_scored_submission_does_nothing(
    team_member, phase, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase)
    submission.refresh_from_db()
    finished_at = submission.finished_at
    assert tasks.score_submission.apply(args=[str(submission.pk)]).get() == "skipped"
    submission.refresh_from_db()
    assert submission.attempts == 1
    assert submission.finished_at == finished_at


# Failures: the platform's or the file's, and what each costs


def test_time_limit_is_retried_once_then_charged_to_the_file(
    team_member, phase, sweeper_settings, monkeypatch
):
    phase.time_limit_seconds = 7
    phase.save()
    submission = submit(team_member, phase)

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(scoring, "evaluate", too_slow)
    # First run: maybe the worker's bad luck. The platform's cost: back to the queue.
    assert submission_score(submission_id=submission.pk) == "retry"
    submission.refresh_from_db()
    assert (submission.state, submission.attempts) == (Submission.State.QUEUED, 1)
    [first] = submission.runs.all()
    assert (first.outcome, first.failure, first.limit_hit) == ("failed", "platform", "time")
    assert "time limit of 7 s" in first.message
    # Second run confirms it: the file's problem, counted as a failed file, no quota.
    assert submission_score(submission_id=submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED
    assert (submission.failure, submission.limit_hit) == ("file", "time")
    assert submission.error_message.startswith("Problem with your file")
    assert "time limit of 7 s, in two runs" in submission.error_message
    assert "header ad_id,cluster_id" in submission.error_message  # how to stay under it
    assert submission.counts_for_quota is False
    quota = team_quota(team=submission.team, phase=phase)
    assert (quota.failed_today, quota.limit_failures_today, quota.used_today) == (1, 1, 0)


def test_memory_limit_is_retried_once_then_charged_to_the_file(team_member, phase, monkeypatch):
    submission = submit(team_member, phase)

    def too_big(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(scoring, "evaluate", too_big)

    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "retry"
    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "failed"
    submission.refresh_from_db()
    assert (submission.failure, submission.limit_hit) == ("file", "memory")
    assert "memory limit of 256 MB, in two runs" in submission.error_message
    assert submission.counts_for_quota is False
    runs = list(submission.runs.values_list("outcome", "failure", "limit_hit"))
    assert runs == [("failed", "platform", "memory"), ("failed", "file", "memory")]


def test_limit_hit_once_then_scored_costs_the_file_nothing(team_member, phase, monkeypatch):
    submission = submit(team_member, phase)
    evaluate = scoring.evaluate
    calls = []

    def unlucky_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError()
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(scoring, "evaluate", unlucky_once)
    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "retry"
    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "scored"
    submission.refresh_from_db()
    assert (submission.state, submission.failure, submission.limit_hit) == ("scored", "", "")
    assert team_quota(team=submission.team, phase=phase).failed_today == 0


def test_limit_hit_on_the_last_attempt_stays_the_platforms(
    team_member, phase, sweeper_settings, monkeypatch
):
    sweeper_settings.SCORING_MAX_ATTEMPTS = 1
    submission = submit(team_member, phase)
    monkeypatch.setattr(scoring, "evaluate", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "error"
    submission.refresh_from_db()
    assert (submission.state, submission.failure) == ("failed", "platform")
    assert "not a problem with your file" in submission.error_message


def test_team_with_too_many_limit_failures_today_is_refused_until_the_reset(
    team_member, phase, settings, monkeypatch
):
    settings.SCORING_LIMIT_FAILURES_PER_DAY = 2
    phase.failed_daily_limit = 10
    phase.save()
    monkeypatch.setattr(scoring, "evaluate", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    for _ in range(2):
        submission = submit(team_member, phase)
        submission_score(submission_id=submission.pk, memory_limit_mb=256)
        assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "failed"
    with pytest.raises(SubmissionRefused) as refused:
        submit(team_member, phase)
    assert "needed more than the scoring memory or time limit" in str(refused.value)
    assert "after the reset at" in str(refused.value)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert team_quota(team=submission.team, phase=phase, now=tomorrow).limit_failures_today == 0


def test_file_failure_says_it_is_the_file(team_member, phase):
    submission = submit(team_member, phase, "ad_id,cluster_id\na1,x\na1,y\n")
    assert submission_score(submission_id=submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.failure == Submission.Failure.FILE
    assert submission.error_message.startswith("Problem with your file")
    assert "a1" in submission.error_message


def test_hard_time_limit_reported_by_worker_handles_that_run_only(team_member, phase):
    submission = start_run(submit(team_member, phase))
    assert not submission_fail_time_limit(submission_id=submission.pk, task_id="another")
    tasks.score_submission.on_failure(TimeLimitExceeded(40), "t1", [str(submission.pk)], {}, None)
    submission.refresh_from_db()
    assert submission.state == Submission.State.QUEUED  # first time: retried
    [run] = submission.runs.all()
    assert (run.outcome, run.limit_hit) == ("failed", "time")
    assert "time limit" in run.message
    second = submission_start(submission_id=submission.pk, task_id="t2")
    tasks.score_submission.on_failure(TimeLimitExceeded(40), "t2", [str(submission.pk)], {}, None)
    second.refresh_from_db()
    assert (second.state, second.failure, second.limit_hit) == ("failed", "file", "time")


def test_broker_outage_at_upload_keeps_the_submission_queued(
    team_member, phase, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis. Connection refused.")

    monkeypatch.setattr(tasks.score_submission, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase)  # no error for the person uploading
    submission.refresh_from_db()
    assert submission.state == Submission.State.QUEUED


def test_time_limits_sent_with_the_message(
    team_member, phase, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.SCORING_TIME_LIMIT_SECONDS = 100
    settings.SCORING_HARD_TIME_LIMIT_GRACE_SECONDS = 15
    sent = []
    monkeypatch.setattr(tasks.score_submission, "apply_async", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(team_member, phase)
    assert sent == [
        {
            "args": [str(submission.pk)],
            "task_id": submission.task_id,
            "soft_time_limit": 100,
            "time_limit": 115,
        }
    ]
    phase.time_limit_seconds = 9
    assert scoring_services.scoring_time_limits(phase) == (9, 24)


# The heartbeat and the memory ceiling


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_until_the_run_is_taken(team_member, phase, monkeypatch):
    monkeypatch.setattr(
        scoring_services, "send_score_task", lambda **kwargs: True
    )  # no eager scoring
    submission = start_run(submit(team_member, phase), silent_for=100)

    def beat():
        return submission_heartbeat(submission_id=submission.pk, run_token=submission.run_token)

    with Heartbeat(beat, interval=0.05) as heartbeat:
        deadline = time.monotonic() + 5
        while heartbeat.beats < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert heartbeat.beats >= 2
        submission.refresh_from_db()
        assert submission.heartbeat_at > timezone.now() - dt.timedelta(seconds=2)
        Submission.objects.filter(pk=submission.pk).update(run_token="someone-else")
        time.sleep(0.3)
        beats = heartbeat.beats
        time.sleep(0.2)
        assert heartbeat.beats == beats  # it stopped: the run no longer owns the submission


def test_memory_ceiling_turns_exhaustion_into_memory_error():
    if worker.resource is None or worker._address_space_bytes() is None:
        pytest.skip("needs Linux (RLIMIT_AS and /proc)")
    with pytest.raises(MemoryError):
        with memory_ceiling(64):
            bytearray(512 * 1024 * 1024)
    assert len(bytearray(128 * 1024 * 1024)) > 0  # the ceiling is lifted afterwards


def test_worker_process_numeric_libraries_use_one_thread(settings):
    import pyarrow
    from threadpoolctl import threadpool_info, threadpool_limits

    settings.SCORING_THREADS_PER_PROCESS = 1
    before = pyarrow.cpu_count()
    with threadpool_limits(limits=None):  # puts the BLAS thread counts back afterwards
        try:
            worker._one_core_per_process()
            assert pyarrow.cpu_count() == 1
            assert {pool["num_threads"] for pool in threadpool_info()} == {1}
        finally:
            pyarrow.set_cpu_count(before)


# Takeover: a redelivered or duplicate task takes a silent run over without the sweeper


def test_duplicate_delivery_takes_over_a_silent_run(team_member, phase, settings):
    settings.SCORING_HEARTBEAT_SECONDS = 5  # takeover after 10 s of silence
    first = start_run(submit(team_member, phase), silent_for=11)
    second = submission_start(submission_id=first.pk, task_id="t2", worker="w2@host")
    assert second is not None and second.run_token != first.run_token
    assert second.attempts == 2
    runs = {run.run_token: run for run in second.runs.all()}
    assert runs[first.run_token].outcome == "abandoned"
    assert "taken over" in runs[first.run_token].message
    result = {"public": {"pairwise_f1": 0.5}, "private": {}, "all": {}, "warnings": []}
    assert not submission_record_scores(submission=first, result=result)  # the old run
    assert not submission_heartbeat(submission_id=first.pk, run_token=first.run_token)
    assert submission_record_scores(submission=second, result=result)


@pytest.mark.django_db(transaction=True)  # the heartbeat thread must see the committed run
def test_duplicate_delivery_leaves_a_beating_run_alone(team_member, phase, settings):
    settings.SCORING_HEARTBEAT_SECONDS = 0.2  # takeover after 0.4 s of silence
    queued = Submission.objects.create(  # a row only: no message, so no eager run
        phase=phase,
        team=team_member.memberships.get().team,
        file="submissions/never-read.csv",
        original_name="p.csv",
        queued_at=timezone.now(),
    )
    first = start_run(queued)
    with Heartbeat(
        lambda: submission_heartbeat(submission_id=first.pk, run_token=first.run_token), 0.2
    ):
        assert submission_start(submission_id=first.pk, task_id="t2", worker="w2@host") is None
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("running", 1)


def test_duplicate_delivery_of_a_run_out_of_attempts_leaves_it_to_the_sweeper(
    team_member, phase, settings
):
    settings.SCORING_HEARTBEAT_SECONDS = 5
    settings.SCORING_MAX_ATTEMPTS = 1
    first = start_run(submit(team_member, phase), silent_for=11)
    assert submission_start(submission_id=first.pk, task_id="t2") is None
    first.refresh_from_db()
    assert (first.state, first.run_token) == ("running", first.run_token)
