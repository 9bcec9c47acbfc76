"""Writing small truth and submission files, and reference metrics to compare against."""

import gzip
import itertools
from pathlib import Path

import numpy as np
from sklearn import metrics as sk

ENCODING = "utf-8"


def write_csv(
    path: Path, header: str, rows, *, bom=False, crlf=False, gz=False, encoding=ENCODING
) -> Path:
    newline = "\r\n" if crlf else "\n"
    text = newline.join([header, *(",".join(map(str, row)) for row in rows)]) + newline
    data = ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_truth(path: Path, ids, clusters, usage) -> Path:
    return write_csv(path, "ad_id,cluster_id,usage", zip(ids, clusters, usage, strict=True))


def write_submission(path: Path, ids, clusters, **options) -> Path:
    return write_csv(path, "ad_id,cluster_id", zip(ids, clusters, strict=True), **options)


def brute_force_pairs(true, pred) -> tuple[int, int, int]:
    """(true positive, predicted, true) pair counts by enumerating every pair."""
    tp = predicted = actual = 0
    for i, j in itertools.combinations(range(len(true)), 2):
        same_true, same_pred = true[i] == true[j], pred[i] == pred[j]
        tp += same_true and same_pred
        predicted += same_pred
        actual += same_true
    return tp, predicted, actual


def ratio(numerator, denominator, other_side_empty):
    if denominator == 0:
        return 1.0 if other_side_empty else 0.0
    return numerator / denominator


def reference_metrics(true, pred) -> dict:
    """Every ad-linkage metric from scikit-learn and brute force, with our documented edge cases."""
    true, pred = list(true), list(pred)
    n = len(true)
    tp, predicted, actual = brute_force_pairs(true, pred)
    identical = len(set(zip(true, pred, strict=True))) == len(set(true)) == len(set(pred))
    precision = ratio(tp, predicted, actual == 0)
    recall = ratio(tp, actual, predicted == 0)
    f1 = 1.0 if predicted == actual == 0 else 2 * tp / (predicted + actual)

    bp = br = 0.0
    for i in range(n):
        same_pred = [j for j in range(n) if pred[j] == pred[i]]
        same_true = [j for j in range(n) if true[j] == true[i]]
        both = [j for j in same_pred if true[j] == true[i]]
        bp += len(both) / len(same_pred)
        br += len(both) / len(same_true)
    bp, br = bp / n, br / n

    def clusters(labels):
        groups: dict = {}
        for i, label in enumerate(labels):
            groups.setdefault(label, set()).add(i)
        return {frozenset(g) for g in groups.values()}

    true_clusters, pred_clusters = clusters(true), clusters(pred)
    exact = len(true_clusters & pred_clusters)
    ep, er = exact / len(pred_clusters), exact / len(true_clusters)
    fmi = 1.0 if identical else sk.fowlkes_mallows_score(true, pred)
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": 2 * bp * br / (bp + br),
        "ari": sk.adjusted_rand_score(true, pred),
        "nmi": sk.normalized_mutual_info_score(true, pred),
        "v_measure": sk.v_measure_score(true, pred),
        "fowlkes_mallows": fmi,
        "ami": 1.0 if identical else sk.adjusted_mutual_info_score(true, pred),
        "exact_cluster_f1": 2 * ep * er / (ep + er) if ep + er else 0.0,
        "n_predicted_clusters": len(pred_clusters),
        "largest_predicted_cluster": max(len(c) for c in pred_clusters),
    }


def assert_metrics_close(ours: dict, reference: dict, tolerance=1e-9) -> None:
    for name, expected in reference.items():
        assert name in ours, name
        assert abs(ours[name] - expected) <= tolerance, (name, ours[name], expected)


def sklearn_pair_precision_recall(true, pred) -> tuple[float | None, float | None]:
    """Pairwise precision and recall from scikit-learn's pair confusion matrix (None: 0/0)."""
    (_, fp), (fn, tp) = sk.pair_confusion_matrix(np.asarray(true), np.asarray(pred))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall
