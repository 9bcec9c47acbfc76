"""Nothing is lost or stranded: killed workers, a flushed Redis, a burst, runs that hit limits.

Real ``celery worker`` processes on the real Redis and PostgreSQL. The sweeper runs in the test
process (it is what beat would run every 3 s). Scoring is made slow on purpose by the tests'
own worker app (``tests/e2e/worker_app.py``). Every check reads the database: submissions and
their run history (``ScoringRun``), never the workers' logs.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from competitions.models import HousekeepingRun, ScoringRun, Submission
from competitions.selectors.quotas import team_quota
from competitions.services.sweeper import scoring_queue_length, submissions_sweep
from competitions.tasks import score_submission
from tests import factories
from tests.e2e.conftest import (
    ROOT,
    all_finished,
    lose_broker_messages,
    make_submissions,
    results_written,
    states,
    submitting_team,
    wait_for,
    worker_env,
)

pytestmark = pytest.mark.e2e


def test_worker_killed_mid_run_submission_scored_once_by_another(start_worker, settings):
    settings.SCORING_HEARTBEAT_STALE_SECONDS = 2
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    doomed = start_worker(extra_env={"E2E_SCORING_DELAY": "120"})
    [submission] = make_submissions(user, phase, 1, factories.PARTIAL_CSV)
    lost_task_id = submission.task_id

    def running_and_beating():
        submission.refresh_from_db()
        return submission.state == "running" and submission.heartbeat_at > submission.started_at

    wait_for(running_and_beating, timeout=60, message="the first worker to start scoring")
    assert submissions_sweep().requeued == []  # alive: left alone
    doomed.kill()  # SIGKILL, mid-run: no goodbye, no acknowledgement

    rescuer = start_worker()
    wait_for(lambda: submissions_sweep().requeued, timeout=30, message="the sweeper to notice")

    def finished():
        submission.refresh_from_db()
        return submission.is_finished

    wait_for(finished, timeout=60, message="the second worker to score it")
    assert submission.state == "scored", rescuer.output()[-3000:]
    assert submission.public_score == pytest.approx(1.0)
    assert submission.all_scores["pairwise_recall"] == pytest.approx(0.25)
    assert submission.attempts == 2
    assert submission.worker.startswith(rescuer.node_prefix)
    assert results_written(submission, doomed) == 0
    assert results_written(submission, rescuer) == 1
    runs = list(ScoringRun.objects.filter(submission=submission).order_by("attempt"))
    assert [(r.attempt, r.outcome) for r in runs] == [(1, "abandoned"), (2, "scored")]
    assert runs[0].worker.startswith(doomed.node_prefix)

    # The killed worker's message is still unacknowledged in Redis; when it comes back it
    # finds the submission scored and does nothing.
    finished_at = submission.finished_at
    score_submission.apply_async(args=[str(submission.pk)], task_id=lost_task_id)
    wait_for(lambda: scoring_queue_length() == 0, message="the redelivered message to be taken")
    time.sleep(2)  # time to run it, had it wanted to
    submission.refresh_from_db()
    assert (submission.attempts, submission.finished_at) == (2, finished_at)
    assert results_written(submission) == 1
    assert ScoringRun.objects.filter(submission=submission).count() == 2


def test_scoring_process_killed_taken_over_within_seconds(start_worker):
    """The OOM killer (or anyone) SIGKILLs the process scoring a file: its message goes back to
    the queue at once, and the delivery that gets it takes the silent run over as soon as the
    heartbeat is two beats late — no sweeper involved. Production heartbeat (5 s)."""
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    production_beat = {"SCORING_HEARTBEAT_SECONDS": "5"}
    doomed = start_worker(
        extra_env={
            **production_beat,
            "E2E_SCORING_DELAY": "120",
            "E2E_SCORING_DELAY_ATTEMPTS": "1",
        }
    )
    [submission] = make_submissions(user, phase, 1, factories.PARTIAL_CSV)

    def running():
        submission.refresh_from_db()
        return submission.state == "running"

    wait_for(running, timeout=60, message="the first worker to start scoring")
    start_worker(extra_env=production_beat).wait_ready()  # another worker, idle
    killed_at = timezone.now()
    for pid in doomed.pool_processes():
        os.kill(pid, signal.SIGKILL)

    def finished():
        submission.refresh_from_db()
        return submission.is_finished

    wait_for(finished, timeout=40, message="another process to take it over and score it")
    assert submission.state == "scored", doomed.output()[-3000:]
    assert submission.public_score == pytest.approx(1.0)
    assert submission.attempts == 2
    runs = list(ScoringRun.objects.filter(submission=submission).order_by("attempt"))
    assert [(r.attempt, r.outcome) for r in runs] == [(1, "abandoned"), (2, "scored")]
    assert "taken over" in runs[0].message
    # From the database's own timestamps: killed → scored by the next run in under 15 s.
    recovered_in = (submission.finished_at - killed_at).total_seconds()
    print(f"kill -9 → scored by the next run: {recovered_in:.1f} s")
    assert recovered_in < 15
    assert results_written(submission) == 1


def test_database_cut_off_from_worker_nothing_dropped(database_proxy, start_worker):
    """The worker reaches PostgreSQL through a relay the test cuts: each task that cannot reach
    the database is sent again later, never acknowledged and dropped. No sweeper runs here."""
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    worker = start_worker(database_port=database_proxy.port).wait_ready()
    database_proxy.cut()
    submissions = make_submissions(user, phase, 3, factories.PERFECT_CSV)
    # The worker takes every message off the queue (and fails to reach the database).
    wait_for(lambda: scoring_queue_length() == 0, timeout=30, message="the worker to try")
    time.sleep(2)
    assert states(submissions) == {"queued": 3}

    database_proxy.restore()
    wait_for(lambda: all_finished(submissions), timeout=60, message="all three to be scored")
    assert states(submissions) == {"scored": 3}
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}
    assert results_written(worker=worker) == 3


def test_redis_flushed_while_queued_every_submission_still_scored(real_broker, start_worker):
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    submissions = make_submissions(user, phase, 5, factories.PERFECT_CSV)
    assert scoring_queue_length() == 5
    lose_broker_messages()  # as if Redis restarted empty
    assert scoring_queue_length() == 0

    worker = start_worker().wait_ready()
    with pytest.MonkeyPatch.context() as patch:  # however long the worker took to start
        patch.setattr(django_settings, "SCORING_QUEUED_GRACE_SECONDS", 3600)
        submissions_sweep(queue_length=0)  # nothing waited the grace period yet: nothing sent
    assert states(submissions) == {"queued": 5}  # the messages really are gone

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "SCORING_QUEUED_GRACE_SECONDS", 0)
        report = submissions_sweep()
    assert sorted(report.resent) == sorted(str(s.pk) for s in submissions)
    wait_for(lambda: all_finished(submissions), timeout=60, message="all five to be scored")
    assert states(submissions) == {"scored": 5}
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}
    assert results_written(worker=worker) == 5


def test_burst_of_200_over_two_workers_scored_exactly_once(start_worker):
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    workers = [start_worker(), start_worker()]
    for worker in workers:
        worker.wait_ready()
    submissions = make_submissions(user, phase, 200, factories.PERFECT_CSV)

    reports = []

    def done():
        reports.append(submissions_sweep())  # sweeping all along must change nothing
        return all_finished(submissions)

    wait_for(done, timeout=120, interval=0.5, message="200 submissions to be scored")
    assert states(submissions) == {"scored": 200}
    assert set(Submission.objects.values_list("attempts", flat=True)) == {1}
    assert [r for r in reports if r.resent or r.requeued or r.failed] == []
    # Exactly one run per submission, and it wrote the result.
    runs = ScoringRun.objects.filter(submission__in=submissions)
    assert runs.count() == 200
    assert set(runs.values_list("outcome", flat=True)) == {"scored"}
    assert runs.values("submission").distinct().count() == 200
    by_worker = {w.node_prefix: 0 for w in workers}
    for worker_name in Submission.objects.values_list("worker", flat=True):
        by_worker[worker_name.split("@")[0] + "@"] += 1
    assert all(count > 0 for count in by_worker.values()), by_worker  # both took a share


def test_time_limit_and_memory_exhaustion_retried_then_charged_worker_carries_on(start_worker):
    # 6 s: the slow file's limit (its runs sleep 30 s).
    phase = factories.PhaseFactory(time_limit_seconds=6)
    user = submitting_team(phase, daily_limit=10)
    team = user.memberships.get().team
    worker = start_worker(
        extra_env={
            "E2E_SCORING_DELAY": "30",
            "E2E_SCORING_DELAY_MATCH": "slow",
            "SCORING_MEMORY_LIMIT_MB": "64",
            # The scoring core parses even a million rows within 64 MB: this file's runs ask
            # for 1 GB (the tests' worker app), as one that needs too much memory would.
            "E2E_SCORING_GREEDY_MATCH": "greedy",
        }
    )
    [first] = make_submissions(user, phase, 1, factories.PERFECT_CSV, "first.csv")
    [slow] = make_submissions(user, phase, 1, factories.PERFECT_CSV, "slow.csv")
    [greedy] = make_submissions(user, phase, 1, factories.PERFECT_CSV, "greedy.csv")
    [after] = make_submissions(user, phase, 1, factories.PARTIAL_CSV, "after.csv")
    runs = [first, slow, greedy, after]
    wait_for(lambda: all_finished(runs), timeout=90, message="the four runs to finish")
    for run in runs:
        run.refresh_from_db()
    assert worker.process.poll() is None  # still serving

    assert first.state == after.state == "scored", worker.output()[-3000:]
    assert after.public_score == pytest.approx(1.0)
    # Each limit was hit twice (the retry confirms it): the file's problem, with the limit named.
    assert (slow.state, slow.failure, slow.limit_hit) == ("failed", "file", "time")
    assert "time limit of 6 s, in two runs" in slow.error_message
    assert (greedy.state, greedy.failure) == ("failed", "file"), greedy.error_message
    assert "memory limit of 64 MB, in two runs" in greedy.error_message
    for failed in (slow, greedy):
        assert failed.error_message.startswith("Problem with your file")
        assert failed.counts_for_quota is False
        assert failed.attempts == 2
        first_run = failed.runs.get(attempt=1)
        assert (first_run.outcome, first_run.failure) == ("failed", "platform")
        assert first_run.limit_hit == failed.limit_hit
    quota = team_quota(team=team, phase=phase)
    assert quota.used_today == 2  # the two scored ones only
    assert (quota.failed_today, quota.limit_failures_today) == (2, 2)
    # One worker process served all four, one after the other: the limits cost it nothing.
    assert {run.worker for run in runs} == {first.worker}


def test_beat_dead_a_worker_runs_the_sweep_itself(real_broker, start_worker):
    """No beat at all, and the queued submissions' messages lost: a worker notices that no
    sweep has run, sweeps itself, and the submissions are scored."""
    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    submissions = make_submissions(user, phase, 2, factories.PERFECT_CSV)
    lose_broker_messages()
    worker = start_worker(
        extra_env={
            "SCORING_WORKER_SWEEP": "true",
            "SCORING_SWEEP_INTERVAL_SECONDS": "1",
            "SCORING_QUEUED_GRACE_SECONDS": "1",
        }
    )
    wait_for(lambda: all_finished(submissions), timeout=60, message="the worker's own sweep")
    assert states(submissions) == {"scored": 2}
    sweep = HousekeepingRun.objects.get(name="sweeper")
    assert sweep.ran_by.startswith(worker.node_prefix) and sweep.ran_by.endswith("(beat silent)")


def test_whole_worker_killed_rescued_by_the_sweeper_within_seconds(start_worker, tmp_path):
    """kill -9 of a whole worker (main process and pool together, as when its host dies): its
    message stays unacknowledged in Redis, so nobody is redelivered it; beat's sweeper sees the
    heartbeat two beats silent and sends the submission to another worker. Production
    heartbeat, stale threshold and sweep interval (the settings' defaults)."""
    from django.conf import settings as live

    phase = factories.PhaseFactory()
    user = submitting_team(phase)
    production = {
        "SCORING_HEARTBEAT_SECONDS": "5",
        "SCORING_WORKER_SWEEP": "false",  # only beat sweeps here
    }
    assert (live.SCORING_HEARTBEAT_STALE_SECONDS, live.SCORING_SWEEP_INTERVAL_SECONDS) == (10, 3)
    doomed = start_worker(
        extra_env={**production, "E2E_SCORING_DELAY": "120", "E2E_SCORING_DELAY_ATTEMPTS": "1"}
    )
    [submission] = make_submissions(user, phase, 1, factories.PARTIAL_CSV)

    def running():
        submission.refresh_from_db()
        return submission.state == "running"

    wait_for(running, timeout=60, message="the first worker to start scoring")
    rescuer = start_worker(extra_env=production).wait_ready()
    env = worker_env()
    env.update(production)
    log = open(tmp_path / "beat.log", "wb")
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.e2e.worker_app", "beat", "-l", "INFO",
         "-s", str(tmp_path / "beat-schedule"), "--pidfile="],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        killed_at = timezone.now()
        doomed.kill()  # SIGKILL to the whole process group: no goodbye, no acknowledgement

        def finished():
            submission.refresh_from_db()
            return submission.is_finished

        wait_for(finished, timeout=60, message="the sweeper and another worker to score it")
    finally:
        os.killpg(beat.pid, signal.SIGKILL)
        beat.wait()
        log.close()
    assert submission.state == "scored", rescuer.output()[-3000:]
    assert submission.attempts == 2
    assert submission.worker.startswith(rescuer.node_prefix)
    runs = list(ScoringRun.objects.filter(submission=submission).order_by("attempt"))
    assert [(r.attempt, r.outcome) for r in runs] == [(1, "abandoned"), (2, "scored")]
    assert HousekeepingRun.objects.get(name="sweeper").ran_by.startswith("beat")
    # From the database's own timestamps: whole worker killed → scored by another in < 15 s.
    recovered_in = (submission.finished_at - killed_at).total_seconds()
    print(f"whole worker kill -9 → scored by another: {recovered_in:.1f} s")
    assert recovered_in < 15
    assert results_written(submission) == 1
