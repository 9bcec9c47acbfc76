"""The task registry the platform builds its forms and leaderboards from."""

import dataclasses

import pytest

import scoring
from scoring import TASKS


def test_task_names():
    assert set(TASKS) == {
        "ad-linkage",
        "pair-ranking",
        "classification",
        "binary-probability",
        "regression",
    }


@pytest.mark.parametrize("spec", TASKS.values(), ids=list(TASKS))
def test_specs_are_complete(spec):
    assert spec.default_metric in spec.metrics
    assert spec.default_metric in spec.ranking_metrics
    assert set(spec.higher_is_better) == set(spec.metrics) == set(spec.metric_labels)
    assert spec.truth_columns[-1] == "usage"
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.label = "changed"
    assert hash(spec) == hash(spec.name)


def test_ad_linkage_spec():
    spec = TASKS["ad-linkage"]
    assert spec.submission_columns == ("ad_id", "cluster_id")
    assert spec.default_metric == "pairwise_f1"
    assert "ami" in spec.metrics and "coverage" not in spec.ranking_metrics
    assert TASKS["binary-probability"].higher_is_better["log_loss"] is False
    assert TASKS["regression"].higher_is_better == {"rmse": False, "mae": False}


def test_unknown_task(tmp_path):
    with pytest.raises(ValueError, match="unknown task"):
        scoring.evaluate("ranking", tmp_path / "t.csv", tmp_path / "s.csv")
