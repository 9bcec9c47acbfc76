"""The ad-linkage task: a clustering of ads (``ad_id,cluster_id``) against the true operators."""

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import encode, refuse_empty
from .errors import InvalidTruth, show
from .linkage import Contingency, clustering_metrics, split_contingencies
from .specs import TASKS
from .truth import PreparedTruth, Truth, index_ids, match_ids, read_truth, refuse_duplicates

SPEC = TASKS["ad-linkage"]
SPLITS = ("all", "public", "private")
# Figures that count the participant's own ads: with ``per_split_counts=False`` the public and
# private splits report them for the whole file, so that they say nothing about the split.
FILE_FIGURES = ("coverage", "n_predicted_clusters", "largest_predicted_cluster")


def read_clustering_truth(path, spec=SPEC) -> Truth:
    """A truth file of ``ad_id,cluster_id,usage`` with a cluster for every ad."""
    truth = read_truth(spec, path)
    refuse_empty(
        path,
        truth.column("cluster_id"),
        "cluster_id",
        InvalidTruth,
        " Give every ad a cluster; an ad that stands alone needs a cluster_id of its own.",
    )
    return truth


def read_linkage_truth(path, spec=SPEC) -> tuple[Truth, np.ndarray]:
    """The truth and its cluster of every ad as int codes (also used by pair-ranking)."""
    truth = read_clustering_truth(path, spec)
    labels, _ = encode(truth.column("cluster_id"))
    return truth, labels


def truth_summary(truth: Truth, labels: np.ndarray) -> dict:
    sizes = np.bincount(labels)
    warnings = []
    for name, mask in (("Public", truth.is_public), ("Private", truth.is_private)):
        split_sizes = np.bincount(labels[mask])
        if split_sizes.max() < 2:
            warnings.append(
                f"No two {name} ads share a cluster, so pairwise precision, recall and F1 on "
                f"the {name.lower()} split can only be 0 or 1."
            )
    return {
        "n_rows": truth.n,
        "n_public": int(truth.is_public.sum()),
        "n_private": int(truth.is_private.sum()),
        "n_clusters": len(sizes),
        "n_singletons": int(np.count_nonzero(sizes == 1)),
        "largest_cluster": int(sizes.max()),
        "n_true_pairs": int((sizes * (sizes - 1) // 2).sum()),
        "warnings": warnings,
    }


def predicted_labels(
    n: int, rows: np.ndarray, codes: np.ndarray, values: pa.Array
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted cluster of every truth ad, as ints: the submitted labels (``codes`` into
    ``values``, one per submitted row), and a fresh label for each ad with an empty cluster_id
    or no row (it stands alone). Also returns which ads were submitted, and the codes with
    -1 for an empty cluster_id."""
    empty_code = pc.index(values, "").as_py()
    if empty_code >= 0:
        codes = np.where(codes == empty_code, -1, codes)
    labelled = codes >= 0
    labels = np.arange(len(values), len(values) + n, dtype=np.int64)
    labels[rows[labelled]] = codes[labelled]
    submitted = np.zeros(n, dtype=bool)
    submitted[rows] = True
    return labels, submitted, codes


def giant_cluster_warning(n: int, codes: np.ndarray, values: pa.Array) -> str | None:
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    if not len(counts):
        return None
    biggest = int(counts.argmax())
    size = int(counts[biggest])
    if size < 2 or 2 * size <= n:
        return None
    return (
        f"Your largest cluster, cluster_id {show(values[biggest].as_py())}, holds {size:,} of the "
        f"{n:,} ads ({size / n:.0%}). Every cluster_id is an ordinary label, -1 included: "
        "tools such as HDBSCAN and InfoShield write -1 for 'unclustered', which here links all "
        "those ads together. Leave cluster_id empty for an ad that stands alone."
    )


def prepare_linkage_truth(path, spec=SPEC) -> PreparedTruth:
    """Read, check and index a clustering truth once (ad-linkage and pair-ranking)."""
    truth = read_clustering_truth(path, spec)
    index = index_ids(truth)
    labels, _ = encode(truth.column("cluster_id"))
    return PreparedTruth(spec.name, str(path), index, truth.is_public, truth.is_private, labels)


def evaluate_ad_linkage(
    truth: PreparedTruth,
    table: pa.Table,
    submission_path,
    *,
    skip: Collection[str] = (),
    per_split_counts: bool = True,
) -> dict:
    # pyarrow releases the GIL: factorise the predicted labels in a second thread while this
    # one matches the ids.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pred_codes = pool.submit(encode, table.column("cluster_id"))
        ids = table.column("ad_id")
        (rows,) = match_ids(truth, submission_path, [("ad_id", ids)])
        refuse_duplicates(rows, truth.n, ids, "ad_id")
        codes, values = pred_codes.result()

    n = truth.n
    pred_labels, submitted, codes = predicted_labels(n, rows, codes, values)
    tables = split_contingencies(truth.target, pred_labels, truth.is_public)
    coverage = (submitted, submitted[truth.is_public], submitted[truth.is_private])
    result = {
        split: score(table_, float(share.mean()), skip)
        for split, table_, share in zip(SPLITS, tables, coverage, strict=True)
    }
    if not per_split_counts:
        for split in ("public", "private"):
            result[split].update({name: result["all"][name] for name in FILE_FIGURES})

    warnings = []
    missing = n - len(rows)
    if missing:
        verb = "has" if missing == 1 else "have"
        warnings.append(
            f"{missing:,} of the {n:,} ads {verb} no row in your file; they were scored as ads "
            f"that stand alone (coverage {len(rows) / n:.1%})."
        )
    giant = giant_cluster_warning(n, codes, values)
    if giant:
        warnings.append(giant)
    return {**result, "warnings": warnings, "n_submitted": table.num_rows}


def score(table: Contingency, coverage: float, skip: Collection[str] = ()) -> dict:
    metrics = clustering_metrics(table, skip=skip)
    metrics["coverage"] = coverage
    return {name: metrics[name] for name in SPEC.metrics if name in metrics}


def validate_ad_linkage_truth(path) -> dict:
    truth, labels = read_linkage_truth(path)
    index_ids(truth)  # unique ids
    return truth_summary(truth, labels)
