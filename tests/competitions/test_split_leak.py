"""Probing the public/private split with single-ad files through the real pipeline reveals
nothing: every figure stored and shown is the same whichever ad the file names."""

import pytest

from competitions.models import Submission
from competitions.services.submissions import submission_create
from competitions.truth_cache import truth_cache
from tests.factories import TRUTH_CSV, upload

pytestmark = pytest.mark.django_db

ADS = [line.split(",") for line in TRUTH_CSV.splitlines()[1:]]


def test_single_ad_files_score_the_same_for_public_and_private_ads(
    team_member, phase, django_capture_on_commit_callbacks, settings
):
    settings.SCORING_TRUTH_CACHE_MB = 64
    truth_cache().clear()
    phase.daily_limit = len(ADS)
    phase.save()
    shown = {}
    for ad, _, usage in ADS:
        with django_capture_on_commit_callbacks(execute=True):
            submission = submission_create(
                user=team_member, phase=phase, uploaded=upload(f"ad_id,cluster_id\n{ad},x\n")
            )
        submission.refresh_from_db()
        assert submission.state == Submission.State.SCORED
        shown[usage, ad] = (
            submission.public_scores,
            submission.private_scores,
            submission.all_scores,
            submission.public_score,
            submission.private_score,
            submission.warnings,
        )
    assert {usage for usage, _ in shown} == {"Public", "Private"}
    first = next(iter(shown.values()))
    assert all(figures == first for figures in shown.values())
    assert first[0]["coverage"] == 1 / len(ADS)


def test_migration_rewrites_per_split_counts_of_older_submissions(phase, team_member):
    import importlib

    from django.apps import apps

    from tests.factories import TeamFactory

    migration = importlib.import_module("competitions.migrations.0011_whole_file_counts")
    team = TeamFactory(challenge=phase.challenge)
    old = Submission.objects.create(
        phase=phase,
        team=team,
        file="x.csv",
        state=Submission.State.SCORED,
        all_scores={"pairwise_f1": 0.5, "coverage": 0.125, "n_predicted_clusters": 8},
        public_scores={"pairwise_f1": 0.7, "coverage": 0.2, "n_predicted_clusters": 5},
        private_scores={"pairwise_f1": 0.1, "coverage": 0.0, "n_predicted_clusters": 3},
    )
    migration.whole_file_counts(apps, None)
    old.refresh_from_db()
    assert old.public_scores == {"pairwise_f1": 0.7, "coverage": 0.125, "n_predicted_clusters": 8}
    assert old.private_scores == {"pairwise_f1": 0.1, "coverage": 0.125, "n_predicted_clusters": 8}
