"""Counts that overflow int32 or int64 in naive code, and AMI against scikit-learn's loop."""

from fractions import Fraction
from math import comb, log

import numpy as np
import pytest
from scipy import sparse
from sklearn import metrics as sk
from sklearn.metrics.cluster import expected_mutual_information as sklearn_emi

from scoring.ami import expected_mutual_information
from scoring.linkage import Contingency, clustering_metrics, contingency


def table(cells, row_of_cell, col_of_cell) -> Contingency:
    """A contingency given as cells, without materialising any ads."""
    cells = np.array(cells, dtype=np.int64)
    rows, cols = np.array(row_of_cell), np.array(col_of_cell)
    return Contingency(
        cells=cells,
        cell_rows=rows,
        cell_cols=cols,
        row_sizes=np.bincount(rows, weights=cells).astype(np.int64),
        col_sizes=np.bincount(cols, weights=cells).astype(np.int64),
    )


TEN_MILLION = 10**7
HALF = TEN_MILLION // 2


def test_ten_million_ads_in_two_clusters_identical():
    result = clustering_metrics(table([HALF, HALF], [0, 1], [0, 1]))
    for name in ("pairwise_f1", "bcubed_f1", "ari", "nmi", "v_measure", "fowlkes_mallows", "ami"):
        assert result[name] == 1.0, name
    assert result["largest_predicted_cluster"] == HALF


def test_ten_million_ads_merged_into_one_cluster():
    result = clustering_metrics(table([HALF, HALF], [0, 1], [0, 0]))
    true_pairs, all_pairs = 2 * comb(HALF, 2), comb(TEN_MILLION, 2)
    assert all_pairs > 2**31 and true_pairs * all_pairs > 2**63  # where naive code breaks
    assert result["pairwise_precision"] == float(Fraction(true_pairs, all_pairs))
    assert result["pairwise_recall"] == 1.0
    assert result["ari"] == 0.0
    assert result["nmi"] == 0.0 and result["ami"] == 0.0
    assert result["bcubed_precision"] == 0.5


def test_ten_million_ads_partly_wrong_exact_fractions():
    # True clusters of 5M and 5M; predicted 6M (5M + 1M) and 4M.
    t = table([HALF, 10**6, 4 * 10**6], [0, 1, 1], [0, 0, 1])
    result = clustering_metrics(t)
    tp = comb(HALF, 2) + comb(10**6, 2) + comb(4 * 10**6, 2)
    predicted = comb(6 * 10**6, 2) + comb(4 * 10**6, 2)
    true = 2 * comb(HALF, 2)
    total = comb(TEN_MILLION, 2)
    fp, fn = predicted - tp, true - tp
    tn = total - tp - fp - fn
    ari = Fraction(2 * (tp * tn - fn * fp), (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    assert result["pairwise_precision"] == pytest.approx(float(Fraction(tp, predicted)), rel=1e-15)
    assert result["pairwise_recall"] == pytest.approx(float(Fraction(tp, true)), rel=1e-15)
    assert result["ari"] == pytest.approx(float(ari), rel=1e-12)
    n = TEN_MILLION
    mi = sum(
        c / n * log(n * c / (a * b))
        for c, a, b in (
            (HALF, HALF, 6 * 10**6),
            (10**6, HALF, 6 * 10**6),
            (4 * 10**6, HALF, 4 * 10**6),
        )
    )
    assert result["nmi"] > 0 and 0 < result["ami"] < result["nmi"]
    h_true = log(2)
    h_pred = -(0.6 * log(0.6) + 0.4 * log(0.4))
    assert result["nmi"] == pytest.approx(mi / ((h_true + h_pred) / 2), rel=1e-9)


def test_expected_mutual_information_at_ten_million_matches_sklearn():
    sizes = [HALF, 10**6, 4 * 10**6]
    matrix = sparse.csr_matrix(np.array([[sizes[0], 0], [sizes[1], sizes[2]]]))
    ours = expected_mutual_information(np.array([HALF, HALF]), np.array([6 * 10**6, 4 * 10**6]))
    # Both sum gammaln differences of numbers near 1.5e8, so they agree to ~1e-14 absolute.
    assert ours == pytest.approx(sklearn_emi(matrix, TEN_MILLION), rel=0, abs=1e-12)


def test_pair_counts_beyond_int32_from_labels():
    n = 200_000  # 2e10 pairs: past int32
    true = np.repeat([0, 1], n // 2)
    pred = np.zeros(n, dtype=np.int64)
    result = clustering_metrics(contingency(true, pred))
    assert result["pairwise_precision"] == pytest.approx(
        2 * comb(n // 2, 2) / comb(n, 2), rel=1e-15
    )
    assert result["ari"] == pytest.approx(sk.adjusted_rand_score(true, pred), abs=1e-12)


def test_expected_mutual_information_matches_sklearn_on_thousands_of_clusters():
    rng = np.random.default_rng(3)
    n = 4000
    true = rng.integers(0, 700, n)
    pred = np.where(rng.random(n) < 0.7, true, rng.integers(0, 900, n))
    t = contingency(true, pred)
    matrix = sk.cluster.contingency_matrix(true, pred, sparse=True)
    assert expected_mutual_information(t.row_sizes, t.col_sizes) == pytest.approx(
        sklearn_emi(matrix, n), rel=1e-10
    )
    assert clustering_metrics(t)["ami"] == pytest.approx(
        sk.adjusted_mutual_info_score(true, pred), abs=1e-9
    )


def test_expected_mutual_information_with_large_clusters_and_truncated_tails():
    # Sizes large enough that the tail cut-off leaves out most overlaps of every pair.
    rows = np.array([3000, 2500, 2000, 1500, 1000])
    cols = np.array([5000, 2000, 1500, 1000, 500])
    n = int(rows.sum())
    dense = np.zeros((5, 5), dtype=np.int64)
    # Any table with these margins will do: the expectation depends on the margins only.
    dense[0, 0], dense[1, 0], dense[2, 1], dense[3, 2], dense[4, 3] = 3000, 2000, 2000, 1500, 1000
    dense[1, 4] = 500
    matrix = sparse.csr_matrix(dense)
    assert (dense.sum(axis=1) == rows).all() and (dense.sum(axis=0) == cols).all()
    assert expected_mutual_information(rows, cols) == pytest.approx(
        sklearn_emi(matrix, n), rel=1e-10
    )
