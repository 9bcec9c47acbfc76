"""Classification, binary probability and regression, against scikit-learn, and their errors."""

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

import scoring
from scoring import InvalidSubmission, InvalidTruth

from .helpers import write_csv

SPLITS = {"all": None, "public": "Public", "private": "Private"}


def files(folder: Path, task: str, ids, truth_values, usage, predictions, order=None):
    spec = scoring.TASKS[task]
    truth = write_csv(
        folder / "t.csv", ",".join(spec.truth_columns), zip(ids, truth_values, usage, strict=True)
    )
    order = range(len(ids)) if order is None else order
    sub = write_csv(
        folder / "s.csv",
        ",".join(spec.submission_columns),
        [(ids[i], predictions[i]) for i in order],
    )
    return truth, sub


def subset(values, usage, split):
    return [v for v, u in zip(values, usage, strict=True) if split is None or u == split]


@st.composite
def usages(draw, n):
    usage = draw(st.lists(st.sampled_from(["Public", "Private"]), min_size=n, max_size=n))
    usage[0], usage[-1] = "Public", "Private"
    return usage


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_classification_matches_sklearn(data):
    n = data.draw(st.integers(2, 30))
    labels = st.sampled_from(["cat", "dog", "0", "00", "é"])
    truth = data.draw(st.lists(labels, min_size=n, max_size=n))
    pred = data.draw(st.lists(labels, min_size=n, max_size=n))
    usage = data.draw(usages(n))
    ids = [f"{i:03d}" for i in range(n)]
    order = data.draw(st.permutations(range(n)))
    with tempfile.TemporaryDirectory() as folder:
        result = scoring.evaluate(
            "classification", *files(Path(folder), "classification", ids, truth, usage, pred, order)
        )
    for split, usage_value in SPLITS.items():
        t, p = subset(truth, usage, usage_value), subset(pred, usage, usage_value)
        assert result[split]["accuracy"] == pytest.approx(sk.accuracy_score(t, p), abs=1e-12)
        expected = sk.f1_score(t, p, average="macro", zero_division=0)
        assert result[split]["macro_f1"] == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_binary_probability_matches_sklearn(data):
    n = data.draw(st.integers(2, 30))
    truth = data.draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    probability = data.draw(
        st.lists(st.sampled_from([0.0, 1.0, 0.5, 0.25, 1e-3, 0.999]), min_size=n, max_size=n)
    )
    usage = data.draw(usages(n))
    ids = [str(i) for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        paths = files(Path(folder), "binary-probability", ids, truth, usage, probability)
        result = scoring.evaluate("binary-probability", *paths)
    for split, usage_value in SPLITS.items():
        t, p = subset(truth, usage, usage_value), subset(probability, usage, usage_value)
        if len(set(t)) < 2:
            assert result[split]["roc_auc"] is None
        else:
            assert result[split]["roc_auc"] == pytest.approx(sk.roc_auc_score(t, p), abs=1e-12)
        expected = sk.log_loss(t, p, labels=[0, 1])
        assert result[split]["log_loss"] == pytest.approx(expected, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_regression_matches_sklearn(data):
    n = data.draw(st.integers(2, 30))
    numbers = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    truth = data.draw(st.lists(numbers, min_size=n, max_size=n))
    pred = data.draw(st.lists(numbers, min_size=n, max_size=n))
    usage = data.draw(usages(n))
    ids = [f"id-{i}" for i in range(n)]
    with tempfile.TemporaryDirectory() as folder:
        paths = files(
            Path(folder), "regression", ids, map(repr, truth), usage, list(map(repr, pred))
        )
        result = scoring.evaluate("regression", *paths)
    for split, usage_value in SPLITS.items():
        t, p = subset(truth, usage, usage_value), subset(pred, usage, usage_value)
        rmse = math.sqrt(sk.mean_squared_error(t, p))
        assert result[split]["rmse"] == pytest.approx(rmse, rel=1e-12, abs=1e-9)
        assert result[split]["mae"] == pytest.approx(
            sk.mean_absolute_error(t, p), rel=1e-12, abs=1e-9
        )


@pytest.fixture
def binary(tmp_path):
    ids = ["007", "7", "a", "b"]
    truth = write_csv(
        tmp_path / "t.csv",
        "id,label,usage",
        zip(ids, [1, 0, 1, 0], ["Public", "Public", "Private", "Private"], strict=True),
    )
    return truth, ids


def refused(truth, tmp_path, rows, task="binary-probability") -> str:
    header = ",".join(scoring.TASKS[task].submission_columns)
    with pytest.raises(InvalidSubmission) as caught:
        scoring.evaluate(task, truth, write_csv(tmp_path / "s.csv", header, rows))
    return str(caught.value)


def test_probabilities_outside_zero_one(binary, tmp_path):
    truth, ids = binary
    message = refused(truth, tmp_path, zip(ids, [0.5, 1.5, -0.1, 0.2], strict=True))
    assert "between 0 and 1" in message and "2 rows" in message and "lines 3, 4" in message
    assert "'1.5'" in message


def test_probabilities_that_are_not_numbers(binary, tmp_path):
    truth, ids = binary
    message = refused(truth, tmp_path, zip(ids, ["0.5", "high", " 0.2", "nan"], strict=True))
    assert "finite number" in message and "3 rows" in message
    assert "'high'" in message and "lines 3, 4, 5" in message


def test_missing_duplicate_and_unknown_ids(binary, tmp_path):
    truth, _ = binary
    missing = refused(truth, tmp_path, [("007", 0.5), ("a", 0.5)])
    assert "Missing id: 2 ids of the test data have no row" in missing
    assert "'7'" in missing and "'b'" in missing
    duplicate = refused(truth, tmp_path, [("007", 0.5), ("7", 0.1), ("7", 0.1), ("a", 1), ("b", 0)])
    assert "Duplicate id: 1 id appears on more than one row: '7'" in duplicate
    unknown = refused(truth, tmp_path, [("07", 0.5)])
    assert "Unknown id" in unknown and "'07'" in unknown


def test_empty_class_label(tmp_path):
    truth = write_csv(
        tmp_path / "t.csv", "id,label,usage", [("a", "x", "Public"), ("b", "y", "Private")]
    )
    message = refused(truth, tmp_path, [("a", "x"), ("b", "")], task="classification")
    assert "empty label" in message and "line 3" in message


def test_single_class_split_has_no_roc_auc_and_validate_warns(tmp_path):
    truth = write_csv(
        tmp_path / "t.csv",
        "id,label,usage",
        [("a", 1, "Public"), ("b", 1, "Public"), ("c", 0, "Private"), ("d", 1, "Private")],
    )
    sub = write_csv(
        tmp_path / "s.csv", "id,probability", [("a", 0.9), ("b", 0.8), ("c", 0.2), ("d", 0.6)]
    )
    result = scoring.evaluate("binary-probability", truth, sub)
    assert result["public"]["roc_auc"] is None
    assert result["private"]["roc_auc"] == 1.0
    assert result["public"]["log_loss"] == pytest.approx(
        sk.log_loss([1, 1], [0.9, 0.8], labels=[0, 1])
    )
    summary = scoring.validate_truth("binary-probability", truth)
    assert summary["n_positive"] == 3
    assert any("Public" in w and "ROC AUC" in w for w in summary["warnings"])


@pytest.mark.parametrize(
    ("task", "rows", "expected"),
    [
        ("binary-probability", [("a", "yes", "Public"), ("b", "0", "Private")], "must be 0 or 1"),
        ("regression", [("a", "1.5", "Public"), ("b", "n/a", "Private")], "finite number"),
        ("classification", [("a", "x", "Public"), ("a", "y", "Private")], "unique"),
        ("classification", [("a", "x", "Public"), ("b", "y", "Test")], "Public or Private"),
    ],
)
def test_bad_truth(tmp_path, task, rows, expected):
    header = ",".join(scoring.TASKS[task].truth_columns)
    with pytest.raises(InvalidTruth, match=expected):
        scoring.validate_truth(task, write_csv(tmp_path / "t.csv", header, rows))


def test_validate_truth_summaries(tmp_path):
    classes = write_csv(
        tmp_path / "c.csv",
        "id,label,usage",
        [("a", "x", "Public"), ("b", "y", "Private"), ("c", "x", "Private")],
    )
    assert scoring.validate_truth("classification", classes)["n_classes"] == 2
    values = write_csv(
        tmp_path / "r.csv", "id,value,usage", [("a", 1, "Public"), ("b", 3, "Private")]
    )
    summary = scoring.validate_truth("regression", values)
    assert summary["n_rows"] == 2 and summary["mean"] == 2.0


def test_regression_sorted_ids_are_matched_not_positional(tmp_path):
    truth = write_csv(
        tmp_path / "t.csv",
        "id,value,usage",
        [("1", 1.0, "Public"), ("10", 10.0, "Private"), ("2", 2.0, "Private")],
    )
    sub = write_csv(tmp_path / "s.csv", "id,value", [("2", 2.0), ("1", 1.0), ("10", 10.0)])
    result = scoring.evaluate("regression", truth, sub)
    assert result["all"] == {"rmse": 0.0, "mae": 0.0}
    assert np.isfinite(result["public"]["rmse"])


def test_overflowing_errors_are_reported_as_none_not_infinity(tmp_path):
    truth = write_csv(
        tmp_path / "t.csv", "id,value,usage", [("a", "1e200", "Public"), ("b", "0", "Private")]
    )
    sub = write_csv(tmp_path / "s.csv", "id,value", [("a", "-1e200"), ("b", "0")])
    result = scoring.evaluate("regression", truth, sub)
    assert result["public"]["rmse"] is None
    assert result["public"]["mae"] == 2e200
    assert result["private"] == {"rmse": 0.0, "mae": 0.0}
