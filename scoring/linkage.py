"""Clustering metrics from one sparse contingency table, in O(n) after one sort.

Conventions (see README.md): identical clusterings score 1 on every similarity measure, even when
both are all singletons or one cluster; a pairwise ratio whose denominator is zero (no predicted
pairs, or no true pairs) is 1 when the other side has no pairs either and 0 otherwise, so
"no links" and "everything in one cluster" both score pairwise F1 = 0 against a truth with links.
Counts are int64 (exact up to ~3e9 ads); sums of pair counts are Python ints, so products of
them never overflow; logs and ratios are float64.
"""

from collections.abc import Collection
from dataclasses import dataclass
from math import log, sqrt

import numpy as np

from .ami import expected_mutual_information


@dataclass(frozen=True)
class Contingency:
    """Non-zero cells n_ij of the true × predicted table, with row and column sums.

    ``cells[k]`` ads are in true cluster ``cell_rows[k]`` and predicted cluster ``cell_cols[k]``;
    ``row_sizes`` / ``col_sizes`` are the (all positive) true / predicted cluster sizes.
    """

    cells: np.ndarray
    cell_rows: np.ndarray
    cell_cols: np.ndarray
    row_sizes: np.ndarray
    col_sizes: np.ndarray

    @property
    def n(self) -> int:
        return int(self.row_sizes.sum())

    @property
    def identical(self) -> bool:
        # Every row and every column holds exactly one cell: the partitions are the same.
        return len(self.cells) == len(self.row_sizes) == len(self.col_sizes)


def _compact(
    labels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Dense 0..k-1 ids of non-negative int labels (keeping their order) and the size of each."""
    counts = np.bincount(labels, weights=weights)
    present = counts > 0
    dense = np.cumsum(present) - 1
    return dense[labels], counts[present].astype(np.int64)


def _check(true_labels, pred_labels) -> tuple[np.ndarray, np.ndarray]:
    true_labels = np.asarray(true_labels, dtype=np.int64)
    pred_labels = np.asarray(pred_labels, dtype=np.int64)
    if true_labels.shape != pred_labels.shape or true_labels.ndim != 1:
        raise ValueError("labellings must be 1-d arrays of the same length")
    return true_labels, pred_labels


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array and how often each occurs."""
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return sorted_keys[starts], np.diff(np.append(starts, len(sorted_keys))).astype(np.int64)


def _table(cell_keys: np.ndarray, cells: np.ndarray, width: int) -> Contingency:
    """The table of cells given as keys true * width + pred, with their counts."""
    if len(cells) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Contingency(empty, empty, empty, empty, empty)
    cell_true, cell_pred = np.divmod(cell_keys, width)
    cell_rows, row_sizes = _compact(cell_true, cells)
    cell_cols, col_sizes = _compact(cell_pred, cells)
    return Contingency(cells, cell_rows, cell_cols, row_sizes, col_sizes)


def contingency(true_labels: np.ndarray, pred_labels: np.ndarray) -> Contingency:
    """The contingency table of two labellings given as non-negative integer arrays.

    Labels need not be dense, but the largest label should be O(n): they are counted with
    ``np.bincount``. Cells are found by sorting one int64 key per item.
    """
    true_labels, pred_labels = _check(true_labels, pred_labels)
    if len(true_labels) == 0:
        return _table(np.zeros(0, np.int64), np.zeros(0, np.int64), 1)
    width = int(pred_labels.max()) + 1
    return _table(*_runs(np.sort(true_labels * width + pred_labels)), width)


def split_contingencies(
    true_labels: np.ndarray, pred_labels: np.ndarray, in_first: np.ndarray
) -> tuple[Contingency, Contingency, Contingency]:
    """Tables of all items, of the items flagged ``in_first`` and of the others, from one sort.

    The flag is the lowest bit of each key, so after sorting the two halves of a cell of the
    whole table sit next to each other and merging them is one linear pass.
    """
    true_labels, pred_labels = _check(true_labels, pred_labels)
    width = int(pred_labels.max(initial=0)) + 1
    keys = (true_labels * width + pred_labels) * 2 + np.asarray(in_first, dtype=np.int64)
    split_keys, split_cells = _runs(np.sort(keys))
    flagged = (split_keys & 1).astype(bool)
    cell_keys = split_keys >> 1
    first_of_cell = np.flatnonzero(np.concatenate(([True], cell_keys[1:] != cell_keys[:-1])))
    whole = _table(cell_keys[first_of_cell], np.add.reduceat(split_cells, first_of_cell), width)
    if len(split_cells) == 0:
        whole = _table(cell_keys, split_cells, width)
    first = _table(cell_keys[flagged], split_cells[flagged], width)
    rest = _table(cell_keys[~flagged], split_cells[~flagged], width)
    return whole, first, rest


def _pairs(sizes: np.ndarray) -> int:
    """Number of unordered pairs inside groups of the given sizes, exactly."""
    sizes = sizes.astype(np.int64, copy=False)
    return int((sizes * (sizes - 1) // 2).sum())


def _ratio(numerator: int, denominator: int, other_side_empty: bool) -> float:
    if denominator == 0:
        return 1.0 if other_side_empty else 0.0
    return numerator / denominator


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _xlogx_sum(values: np.ndarray) -> float:
    """Sum of x log x over positive integer counts, by distinct value: counts repeat a lot (most
    are 1, whose term is 0), so this is one bincount and a few logs instead of a log per count.
    """
    multiplicity = np.bincount(values.astype(np.int64, copy=False))
    distinct = np.flatnonzero(multiplicity[2:]) + 2
    x = distinct.astype(np.float64)
    return float(np.dot(multiplicity[distinct].astype(np.float64), x * np.log(x)))


def pair_counts(table: Contingency) -> dict[str, int]:
    """True positive, predicted and true pairs, and all pairs: exact Python ints."""
    n = table.n
    return {
        "tp": _pairs(table.cells),
        "predicted": _pairs(table.col_sizes),
        "true": _pairs(table.row_sizes),
        "total": n * (n - 1) // 2,
    }


def clustering_metrics(table: Contingency, skip: Collection[str] = ()) -> dict[str, float]:
    """Every similarity measure of the predicted clustering against the true one."""
    n = table.n
    if n == 0:
        raise ValueError("no items to score")
    identical = table.identical
    counts = pair_counts(table)
    tp, predicted, true, total = counts["tp"], counts["predicted"], counts["true"], counts["total"]
    fp, fn = predicted - tp, true - tp
    tn = total - tp - fp - fn

    precision = _ratio(tp, predicted, other_side_empty=true == 0)
    recall = _ratio(tp, true, other_side_empty=predicted == 0)
    result = {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": 1.0 if predicted == true == 0 else 2 * tp / (predicted + true),
    }

    squares = table.cells.astype(np.float64) ** 2
    bcubed_precision = float((squares / table.col_sizes[table.cell_cols]).sum()) / n
    bcubed_recall = float((squares / table.row_sizes[table.cell_rows]).sum()) / n
    result["bcubed_precision"] = bcubed_precision
    result["bcubed_recall"] = bcubed_recall
    result["bcubed_f1"] = _f1(bcubed_precision, bcubed_recall)

    # Adjusted Rand index from the pair confusion matrix, in exact integer arithmetic.
    if fn == 0 and fp == 0:
        result["ari"] = 1.0
    else:
        result["ari"] = 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))

    n_rows, n_cols = len(table.row_sizes), len(table.col_sizes)
    h_true, h_pred, mutual_info = information(table)
    mean_entropy = (h_true + h_pred) / 2

    if identical:
        result["nmi"] = 1.0
    else:
        result["nmi"] = mutual_info / mean_entropy if mutual_info > 0 else 0.0
    homogeneity = mutual_info / h_true if n_rows > 1 else 1.0
    completeness = mutual_info / h_pred if n_cols > 1 else 1.0
    result["v_measure"] = 1.0 if identical else _f1(homogeneity, completeness)

    if identical:
        result["fowlkes_mallows"] = 1.0
    elif tp == 0:
        result["fowlkes_mallows"] = 0.0
    else:
        result["fowlkes_mallows"] = sqrt(tp / predicted) * sqrt(tp / true)

    if "ami" not in skip:
        result["ami"] = adjusted_mutual_info(table, (h_true, h_pred, mutual_info))

    is_row_whole = table.cells == table.row_sizes[table.cell_rows]
    is_col_whole = table.cells == table.col_sizes[table.cell_cols]
    exact = int(np.count_nonzero(is_row_whole & is_col_whole))
    result["exact_cluster_f1"] = _f1(exact / n_cols, exact / n_rows)

    result["n_predicted_clusters"] = n_cols
    result["largest_predicted_cluster"] = int(table.col_sizes.max())
    return result


def information(table: Contingency) -> tuple[float, float, float]:
    """Entropy of the true and of the predicted clustering, and their mutual information (nats).

    With S(x) = sum x log x: H = log n - S(sizes) / n and MI = log n + (S(cells) - S(rows) -
    S(cols)) / n, so each is one pass over the table.
    """
    n = table.n
    n_rows, n_cols = len(table.row_sizes), len(table.col_sizes)
    log_n = log(n)
    s_rows = _xlogx_sum(table.row_sizes) if n_rows > 1 else 0.0
    s_cols = _xlogx_sum(table.col_sizes) if n_cols > 1 else 0.0
    h_true = max(0.0, log_n - s_rows / n) if n_rows > 1 else 0.0
    h_pred = max(0.0, log_n - s_cols / n) if n_cols > 1 else 0.0
    if n_rows == 1 or n_cols == 1:
        return h_true, h_pred, 0.0  # one side is a single cluster: no information
    mutual_info = log_n + (_xlogx_sum(table.cells) - s_rows - s_cols) / n
    return h_true, h_pred, min(max(mutual_info, 0.0), h_true, h_pred)


def adjusted_mutual_info(
    table: Contingency, info: tuple[float, float, float] | None = None
) -> float:
    """AMI with arithmetic normalisation (scikit-learn's default), 1 for identical clusterings."""
    if table.identical:
        return 1.0
    h_true, h_pred, mutual_info = info or information(table)
    emi = expected_mutual_information(table.row_sizes, table.col_sizes)
    denominator = (h_true + h_pred) / 2 - emi
    # As scikit-learn: keep the sign of a denominator that rounding pushed through zero.
    eps = float(np.finfo(np.float64).eps)
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    return (mutual_info - emi) / denominator
