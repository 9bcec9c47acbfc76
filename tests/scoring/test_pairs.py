"""Pair ranking: average precision over all true pairs and precision@k, with ties."""

import itertools
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

import scoring
from scoring import InvalidSubmission
from scoring.pairs import precision_at, ranking_metrics

from .helpers import write_csv, write_truth


def brute_average_precision(scores, hits, n_true):
    """Each hit counts the precision among all pairs scored at least as high as it."""
    if n_true == 0:
        return None
    total = 0.0
    for score, hit in zip(scores, hits, strict=True):
        if hit:
            at_least = [h for s, h in zip(scores, hits, strict=True) if s >= score]
            total += sum(at_least) / len(at_least)
    return total / n_true


def brute_precision_at(k, scores, hits):
    """The mean, over every order of tied pairs, of the hits among the first k."""
    outcomes = []
    for order in itertools.permutations(range(len(scores))):
        ranked = [scores[i] for i in order]
        if all(a >= b for a, b in itertools.pairwise(ranked)):
            outcomes.append(sum(hits[i] for i in order[:k]) / k)
    return sum(outcomes) / len(outcomes)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.booleans()), max_size=7),
    st.integers(0, 9),
    st.integers(1, 8),
)
def test_ranking_metrics_against_brute_force(pairs, extra_true, k):
    scores = np.array([s for s, _ in pairs], dtype=float)
    hits = np.array([h for _, h in pairs], dtype=bool)
    n_true = int(hits.sum()) + extra_true
    result = ranking_metrics(scores, hits, n_true)
    expected = brute_average_precision(scores, hits, n_true)
    if expected is None:
        assert result["average_precision"] is None
    else:
        assert result["average_precision"] == pytest.approx(expected, abs=1e-12)
        if hits.any() and not hits.all():
            # scikit-learn's AP on the submitted pairs, rescaled to all true pairs
            sk_ap = sk.average_precision_score(hits, scores) * hits.sum() / n_true
            assert result["average_precision"] == pytest.approx(sk_ap, abs=1e-12)
    if len(pairs):
        order = np.argsort(-scores, kind="stable")
        found = np.cumsum(hits[order])
        sorted_scores = scores[order]
        ends = np.flatnonzero(np.append(sorted_scores[1:] != sorted_scores[:-1], True))
        assert precision_at(k, sorted_scores, found, ends) == pytest.approx(
            brute_precision_at(k, scores, hits) if len(pairs) > k else hits.sum() / k, abs=1e-12
        )


@pytest.fixture
def truth(tmp_path):
    # Public: a1 a2 a3 (operator X) and b1; Private: c1 c2 (operator Y) and a4 (operator X).
    return write_truth(
        tmp_path / "t.csv",
        ["a1", "a2", "a3", "b1", "c1", "c2", "a4"],
        ["X", "X", "X", "B", "Y", "Y", "X"],
        ["Public", "Public", "Public", "Public", "Private", "Private", "Private"],
    )


def evaluate(truth, tmp_path, rows):
    sub = write_csv(tmp_path / "s.csv", "ad_id_a,ad_id_b,score", rows)
    return scoring.evaluate("pair-ranking", truth, sub)


def test_splits_and_missed_pairs(truth, tmp_path):
    result = evaluate(
        truth,
        tmp_path,
        [("a1", "a2", 0.9), ("c2", "c1", 0.8), ("a1", "b1", 0.7), ("a3", "a4", 0.6)],
    )
    # all: 3 + 1 + 3 = 7 true pairs (a1..a4: 6, c1c2: 1); hits at ranks 1, 2, 4
    assert result["all"]["average_precision"] == pytest.approx((1 + 1 + 3 / 4) / 7)
    # public: pairs a1a2 (hit), a1b1 (miss); true public pairs a1a2 a1a3 a2a3
    assert result["public"]["average_precision"] == pytest.approx(1 / 3)
    assert result["private"]["average_precision"] == 1.0  # c1c2 is the only private pair
    assert result["all"]["precision_at_100"] == pytest.approx(3 / 100)
    assert result["public"]["precision_at_100"] == pytest.approx(1 / 100)
    assert result["n_submitted"] == 4
    assert result["warnings"] and "precision@k" in result["warnings"][0]


def test_perfect_ranking(truth, tmp_path):
    ids = ["a1", "a2", "a3", "b1", "c1", "c2", "a4"]
    labels = dict(zip(ids, "XXXBYYX", strict=True))
    rows = [
        (a, b, 1.0 if labels[a] == labels[b] else 0.0) for a, b in itertools.combinations(ids, 2)
    ]
    result = evaluate(truth, tmp_path, rows)
    for split in ("all", "public", "private"):
        assert result[split]["average_precision"] == 1.0


def test_split_without_true_pairs_has_no_average_precision(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv",
        ["a", "b", "c", "d"],
        ["1", "2", "3", "3"],
        ["Public", "Public", "Private", "Private"],
    )
    result = evaluate(truth, tmp_path, [("a", "b", 1.0)])
    assert result["public"]["average_precision"] is None
    assert result["private"]["average_precision"] == 0.0


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("a1", "a1", 1)], "pair an ad with itself"),
        ([("a1", "a2", 1), ("a2", "a1", 0.5)], "Duplicate pairs: 1 row repeats a pair"),
        ([("a1", "zz", 1)], "Unknown ad_id_b"),
        ([("a1", "a2", "high")], "finite number"),
        ([("a1", "a2", "inf")], "finite number"),
        ([("", "a2", "1")], "empty ad_id_a"),
    ],
)
def test_bad_pairs(truth, tmp_path, rows, expected):
    with pytest.raises(InvalidSubmission, match=expected) as caught:
        evaluate(truth, tmp_path, rows)
    assert "X" not in str(caught.value).replace("Unknown", "")


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_evaluate_pairs_against_brute_force(data):
    n = data.draw(st.integers(2, 9))
    ids = [f"{i:02d}" for i in range(n)]
    clusters = data.draw(st.lists(st.sampled_from("PQR"), min_size=n, max_size=n))
    usage = data.draw(st.lists(st.sampled_from(["Public", "Private"]), min_size=n, max_size=n))
    usage[0], usage[1] = "Public", "Private"
    chosen = data.draw(
        st.lists(st.sampled_from(list(itertools.combinations(range(n), 2))), unique=True)
    )
    scores = [data.draw(st.sampled_from([0.1, 0.2, 0.3])) for _ in chosen]
    rows = [
        (ids[j], ids[i], s) if data.draw(st.booleans()) else (ids[i], ids[j], s)
        for (i, j), s in zip(chosen, scores, strict=True)
    ]
    with tempfile.TemporaryDirectory() as folder:
        truth = write_truth(Path(folder) / "t.csv", ids, clusters, usage)
        if not rows:
            return
        sub = write_csv(Path(folder) / "s.csv", "ad_id_a,ad_id_b,score", rows)
        result = scoring.evaluate("pair-ranking", truth, sub)
    for split in ("all", "public", "private"):
        inside = [i for i in range(n) if split == "all" or usage[i].lower() == split]
        n_true = sum(clusters[i] == clusters[j] for i, j in itertools.combinations(inside, 2))
        kept = [
            (s, clusters[i] == clusters[j])
            for (i, j), s in zip(chosen, scores, strict=True)
            if i in inside and j in inside
        ]
        expected = brute_average_precision([s for s, _ in kept], [h for _, h in kept], n_true)
        assert result[split]["average_precision"] == pytest.approx(expected, abs=1e-12)
