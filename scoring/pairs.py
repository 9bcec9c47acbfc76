"""The pair-ranking variant of ad linkage: scored pairs ``ad_id_a,ad_id_b,score``.

Pairs are unordered; the truth is the same clustering file as for ad linkage, and a pair is true
when both ads have the same cluster. A pair belongs to the public split when both of its ads are
Public, to the private split when both are Private; a mixed pair counts only in ``all``.

Average precision is taken over *all* true pairs of the split, so a true pair never submitted
counts as missed: AP = sum over the hits of precision at the hit's rank / number of true pairs.
Pairs with equal scores form one block and share the precision at the end of the block (as in
scikit-learn's average_precision_score), so the order of tied rows in the file does not matter.
Precision@k counts the true pairs among the k highest-scored pairs, divided by k even when fewer
were submitted; a block of ties crossing rank k contributes its average hit rate. A split with no
true pairs has no average precision (None).
"""

import numpy as np
import pyarrow as pa

from .adlinkage import read_linkage_truth, truth_summary
from .columns import describe_lines, parse_floats
from .errors import InvalidSubmission, count, examples
from .specs import TASKS
from .truth import PreparedTruth, index_ids, match_ids

SPEC = TASKS["pair-ranking"]
CUTOFFS = (100, 1000)


def true_pair_count(labels: np.ndarray) -> int:
    sizes = np.bincount(labels).astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def ranking_metrics(scores: np.ndarray, hits: np.ndarray, n_true: int) -> dict:
    """AP over all ``n_true`` true pairs and precision@k, for pairs with these scores and hits."""
    order = np.argsort(-scores, kind="stable")
    scores, hits = scores[order], hits[order].astype(np.int64)
    found = np.cumsum(hits)
    # The last position of each block of equal scores.
    ends = np.flatnonzero(np.append(scores[1:] != scores[:-1], True))
    result: dict = {}
    if n_true == 0:
        result["average_precision"] = None
    elif len(scores) == 0:
        result["average_precision"] = 0.0
    else:
        hits_at_end = found[ends]
        new_hits = np.diff(hits_at_end, prepend=0)
        precision = hits_at_end / (ends + 1)
        result["average_precision"] = float(np.dot(new_hits, precision)) / n_true
    for k in CUTOFFS:
        result[f"precision_at_{k}"] = precision_at(k, scores, found, ends)
    return result


def precision_at(k: int, scores: np.ndarray, found: np.ndarray, ends: np.ndarray) -> float:
    if len(scores) == 0:
        return 0.0
    if len(scores) <= k:
        return float(found[-1]) / k
    block = int(np.searchsorted(ends, k - 1))  # the block that holds rank k
    block_end = int(ends[block])
    block_start = int(ends[block - 1]) + 1 if block else 0
    before = int(found[block_start - 1]) if block_start else 0
    in_block = int(found[block_end]) - before
    taken = k - block_start
    return (before + taken * in_block / (block_end - block_start + 1)) / k


def evaluate_pair_ranking(truth: PreparedTruth, table: pa.Table, submission_path) -> dict:
    labels = truth.target
    first, second = match_ids(
        truth,
        submission_path,
        [("ad_id_a", table.column("ad_id_a")), ("ad_id_b", table.column("ad_id_b"))],
    )
    scores = parse_floats(submission_path, table.column("score"), "score")

    same = np.flatnonzero(first == second)
    if len(same):
        values = table.column("ad_id_a").take(same[:10]).to_pylist()
        raise InvalidSubmission(
            f"A pair must join two different ads; {count(len(same), 'row')} pair an ad with itself "
            f"({describe_lines(submission_path, same)}: {examples(values)})."
        )
    low, high = np.minimum(first, second), np.maximum(first, second)
    keys = low * truth.n + high
    order = np.argsort(keys, kind="stable")
    repeated = order[1:][keys[order][1:] == keys[order][:-1]]
    if len(repeated):
        repeated = np.sort(repeated)
        a = table.column("ad_id_a").take(repeated[:10]).to_pylist()
        b = table.column("ad_id_b").take(repeated[:10]).to_pylist()
        raise InvalidSubmission(
            f"Duplicate pairs: {count(len(repeated), 'row')} repeat{'s' if len(repeated) == 1 else ''} "
            "a pair given on an earlier row "
            "(pairs are unordered, so a,b and b,a are the same pair) "
            f"({describe_lines(submission_path, repeated)}: "
            f"{examples(f'{x},{y}' for x, y in zip(a, b, strict=True))})."
        )

    hits = labels[first] == labels[second]
    result: dict = {}
    for split, mask in (("all", None), ("public", truth.is_public), ("private", truth.is_private)):
        if mask is None:
            result[split] = ranking_metrics(scores, hits, true_pair_count(labels))
        else:
            inside = mask[first] & mask[second]
            result[split] = ranking_metrics(
                scores[inside], hits[inside], true_pair_count(labels[mask])
            )
    warnings = []
    if table.num_rows < max(CUTOFFS):
        warnings.append(
            f"Your file has {table.num_rows:,} pairs; precision@k divides by k, so ranks "
            "beyond your last pair count as misses."
        )
    return {**result, "warnings": warnings, "n_submitted": table.num_rows}


def validate_pair_ranking_truth(path) -> dict:
    truth, labels = read_linkage_truth(path, SPEC)
    index_ids(truth)
    summary = truth_summary(truth, labels)
    summary["n_public_true_pairs"] = true_pair_count(labels[truth.is_public])
    summary["n_private_true_pairs"] = true_pair_count(labels[truth.is_private])
    return summary
