"""Every clustering metric against scikit-learn and brute force, on random small clusterings."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk

from scoring.linkage import clustering_metrics, contingency, split_contingencies

from .helpers import assert_metrics_close, reference_metrics, sklearn_pair_precision_recall


@st.composite
def labellings(draw, max_n=40):
    """Two labellings of the same n items, drawn to hit singletons, one cluster and ties."""
    n = draw(st.integers(1, max_n))
    true_k = draw(st.integers(1, n))
    true = draw(st.lists(st.integers(0, true_k - 1), min_size=n, max_size=n))
    kind = draw(st.sampled_from(["random", "same", "singletons", "one", "perturbed"]))
    if kind == "same":
        pred = list(true)
    elif kind == "singletons":
        pred = list(range(n))
    elif kind == "one":
        pred = [0] * n
    elif kind == "perturbed":
        pred = [t if draw(st.booleans()) else draw(st.integers(0, n)) for t in true]
    else:
        pred_k = draw(st.integers(1, n))
        pred = draw(st.lists(st.integers(0, pred_k - 1), min_size=n, max_size=n))
    return np.array(true), np.array(pred)


def score(true, pred, **options):
    return clustering_metrics(contingency(true, pred), **options)


@settings(max_examples=300, deadline=None)
@given(labellings())
def test_every_metric_matches_sklearn_and_brute_force(pair):
    true, pred = pair
    assert_metrics_close(score(true, pred), reference_metrics(true, pred))


@settings(max_examples=200, deadline=None)
@given(labellings())
def test_pairwise_precision_recall_match_sklearn_pair_confusion(pair):
    true, pred = pair
    ours = score(true, pred)
    precision, recall = sklearn_pair_precision_recall(true, pred)
    if precision is not None:
        assert abs(ours["pairwise_precision"] - precision) <= 1e-12
    if recall is not None:
        assert abs(ours["pairwise_recall"] - recall) <= 1e-12


@settings(max_examples=200, deadline=None)
@given(labellings())
def test_fowlkes_mallows_matches_sklearn_except_identical_singletons(pair):
    true, pred = pair
    all_singletons = len(set(true.tolist())) == len(true)
    assume(not (all_singletons and len(set(pred.tolist())) == len(pred)))
    assert abs(score(true, pred)["fowlkes_mallows"] - sk.fowlkes_mallows_score(true, pred)) < 1e-9


@settings(max_examples=100, deadline=None)
@given(labellings(), st.permutations(range(40)))
def test_metrics_ignore_label_names_and_order(pair, permutation):
    true, pred = pair
    renamed = np.array(permutation)[pred % 40] + 1000 * (pred // 40)
    order = np.random.default_rng(len(true)).permutation(len(true))
    a, b = score(true, pred), score(true[order], renamed[order])
    for name in a:
        assert abs(a[name] - b[name]) < 1e-12, name


@given(labellings())
@settings(max_examples=100, deadline=None)
def test_identical_clusterings_score_one_everywhere(pair):
    true, _ = pair
    result = score(true, true)
    for name in (
        "pairwise_precision",
        "pairwise_recall",
        "pairwise_f1",
        "bcubed_f1",
        "ari",
        "nmi",
        "v_measure",
        "fowlkes_mallows",
        "ami",
        "exact_cluster_f1",
    ):
        assert result[name] == 1.0, name


def test_all_singletons_identical_is_perfect_where_sklearn_fmi_says_zero():
    labels = np.arange(6)
    result = score(labels, labels)
    assert sk.fowlkes_mallows_score(labels, labels) == 0.0  # the known scikit-learn quirk
    assert result["fowlkes_mallows"] == 1.0
    assert result["ami"] == 1.0
    assert result["pairwise_f1"] == 1.0


def test_no_links_and_one_big_cluster_both_score_zero_pairwise_f1():
    true = np.array([0, 0, 1, 1, 2])
    no_links = score(true, np.arange(5))
    assert no_links["pairwise_f1"] == 0.0
    assert no_links["pairwise_precision"] == 0.0  # nothing claimed against a truth with links
    assert no_links["pairwise_recall"] == 0.0
    one = score(true, np.zeros(5, dtype=int))
    assert one["pairwise_f1"] == 2 * 2 / (10 + 2)
    assert one["pairwise_recall"] == 1.0
    assert score(np.zeros(5, dtype=int), np.arange(5))["pairwise_f1"] == 0.0


def test_truth_without_pairs_against_a_prediction_with_pairs():
    result = score(np.arange(4), np.array([0, 0, 1, 2]))
    assert result["pairwise_precision"] == 0.0
    assert result["pairwise_recall"] == 0.0  # no true pairs to find, but links were claimed
    assert result["pairwise_f1"] == 0.0


def test_one_ad():
    result = score(np.array([3]), np.array([9]))
    assert all(result[m] == 1.0 for m in ("pairwise_f1", "ari", "nmi", "ami", "bcubed_f1"))
    assert result["n_predicted_clusters"] == 1


def test_skip_leaves_out_ami_only():
    true, pred = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])
    assert "ami" not in score(true, pred, skip=("ami",))
    assert set(score(true, pred)) - set(score(true, pred, skip=("ami",))) == {"ami"}


def test_contingency_cells_and_sums():
    table = contingency(np.array([5, 5, 5, 9, 9]), np.array([0, 0, 7, 7, 7]))
    cells = sorted(
        zip(
            table.row_sizes[table.cell_rows].tolist(),
            table.col_sizes[table.cell_cols].tolist(),
            table.cells.tolist(),
            strict=True,
        )
    )
    assert cells == [(2, 3, 2), (3, 2, 2), (3, 3, 1)]
    assert table.n == 5
    assert sorted(table.row_sizes.tolist()) == [2, 3]


def as_cells(table) -> list[tuple[int, int, int]]:
    """A table as sorted (true size, predicted size, count) triples, independent of numbering."""
    rows = table.row_sizes[table.cell_rows].tolist()
    cols = table.col_sizes[table.cell_cols].tolist()
    return sorted(zip(rows, cols, table.cells.tolist(), strict=True))


@settings(max_examples=100, deadline=None)
@given(labellings(), st.data())
def test_split_contingencies_equal_separate_tables(pair, data):
    true, pred = pair
    flags = np.array(data.draw(st.lists(st.booleans(), min_size=len(true), max_size=len(true))))
    whole, first, rest = split_contingencies(true, pred, flags)
    assert as_cells(whole) == as_cells(contingency(true, pred))
    assert as_cells(first) == as_cells(contingency(true[flags], pred[flags]))
    assert as_cells(rest) == as_cells(contingency(true[~flags], pred[~flags]))
    if flags.any():
        assert clustering_metrics(first) == clustering_metrics(
            contingency(true[flags], pred[flags])
        )
