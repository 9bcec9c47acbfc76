"""The worker keeps prepared truths warm, and a new truth is never scored from an old entry."""

import pytest

import scoring
from competitions.models import EventRole, Submission
from competitions.services.phases import phase_set_truth
from competitions.services.submissions import submission_create
from competitions.truth_cache import TruthCache, truth_cache, truth_key
from tests import factories
from tests.factories import PERFECT_CSV, TRUTH_CSV, upload

pytestmark = pytest.mark.django_db

# The same ads, but a4 and a5 are now different operators: PERFECT_CSV is no longer perfect.
NEW_TRUTH_CSV = TRUTH_CSV.replace("a5,op2,", "a5,op3,")


@pytest.fixture
def cache(settings):
    settings.SCORING_TRUTH_CACHE_MB = 64
    truth_cache().clear()
    yield truth_cache()
    truth_cache().clear()


def submit(user, phase, callbacks) -> Submission:
    with callbacks(execute=True):
        submission = submission_create(user=user, phase=phase, uploaded=upload(PERFECT_CSV))
    submission.refresh_from_db()
    assert submission.state == Submission.State.SCORED, submission.error_message
    return submission


def test_second_submission_uses_the_warm_truth(
    cache, team_member, phase, django_capture_on_commit_callbacks
):
    first = submit(team_member, phase, django_capture_on_commit_callbacks)
    assert (cache.misses, cache.hits) == (1, 0)
    second = submit(team_member, phase, django_capture_on_commit_callbacks)
    assert (cache.misses, cache.hits) == (1, 1)
    assert second.all_scores == first.all_scores
    assert second.public_scores == first.public_scores
    assert cache.keys() == [truth_key(phase)]


def test_a_new_truth_version_is_never_served_stale(
    cache, team_member, phase, django_capture_on_commit_callbacks
):
    before = submit(team_member, phase, django_capture_on_commit_callbacks)
    assert before.all_scores["pairwise_f1"] == 1.0
    organiser = factories.UserFactory()
    EventRole.objects.create(event=phase.challenge.event, user=organiser, role="organiser")
    with django_capture_on_commit_callbacks(execute=True):
        phase_set_truth(phase=phase, uploaded=upload(NEW_TRUTH_CSV, "t.csv"), actor=organiser)
    phase.refresh_from_db()
    after = submit(team_member, phase, django_capture_on_commit_callbacks)
    assert after.truth_version == phase.truth_version == 2
    # Scored against the new truth, exactly as a cold evaluation of it would be.
    with phase.truth_file.open("rb"):
        expected = scoring.evaluate(
            "ad-linkage", phase.truth_file.path, after.file.path, per_split_counts=False
        )
    assert after.all_scores == expected["all"] and after.all_scores["pairwise_f1"] < 1.0
    assert cache.misses == 2
    assert cache.keys() == [truth_key(phase)]  # the old version's entry is gone


def test_entries_are_bounded_least_recently_used_first(tmp_path):
    phases = [factories.PhaseFactory() for _ in range(3)]
    size = TruthCache(10**9).get(phases[0]).nbytes
    cache = TruthCache(2 * size)
    for phase in phases[:2]:
        cache.get(phase)
    cache.get(phases[0])  # now the most recently used
    cache.get(phases[2])  # over the bound: phases[1] goes
    assert cache.keys() == [truth_key(phases[0]), truth_key(phases[2])]
    assert cache.nbytes <= cache.limit_bytes
    assert cache.misses == 3 and cache.hits == 1


def test_a_zero_limit_keeps_nothing_and_still_scores():
    phase = factories.PhaseFactory()
    cache = TruthCache(0)
    first, second = cache.get(phase), cache.get(phase)
    assert first is not second and cache.keys() == [] and cache.misses == 2


def test_a_run_out_of_memory_drops_the_warm_truths(
    cache, team_member, phase, django_capture_on_commit_callbacks, monkeypatch
):
    from competitions.services.scoring import submission_score

    submit(team_member, phase, django_capture_on_commit_callbacks)
    assert cache.keys() == [truth_key(phase)]
    with django_capture_on_commit_callbacks(execute=False):
        submission = submission_create(user=team_member, phase=phase, uploaded=upload(PERFECT_CSV))

    def too_big(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(scoring, "evaluate", too_big)
    assert submission_score(submission_id=submission.pk, memory_limit_mb=256) == "retry"
    assert cache.keys() == []  # the retry gets the whole allowance
