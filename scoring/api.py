"""The scoring core's public entry points: one per use, dispatching on the task name."""

import math
from collections.abc import Collection
from os import PathLike

from .adlinkage import evaluate_ad_linkage, validate_ad_linkage_truth
from .io import check_header
from .pairs import evaluate_pair_ranking, validate_pair_ranking_truth
from .specs import get_spec
from .tabular import evaluate_tabular, validate_tabular_truth

Path = str | PathLike
SPLITS = ("all", "public", "private")


def evaluate(
    task: str, truth_path: Path, submission_path: Path, *, skip: Collection[str] = ()
) -> dict:
    """Score a submission on all ads and on the public and private splits.

    Returns ``{"all": {metric: value}, "public": {...}, "private": {...}, "warnings": [str],
    "n_submitted": int}``. Values are floats (counts such as ``n_predicted_clusters`` are ints;
    a metric undefined on a split is None), ready for JSON. Raises InvalidSubmission with a
    message for the participant, or InvalidTruth when the truth file is at fault.

    ``skip`` leaves out expensive metrics (only ``"ami"`` for now); the platform never passes
    it, the benchmark does to compare like with like.
    """
    spec = get_spec(task)
    if spec.name == "ad-linkage":
        result = evaluate_ad_linkage(truth_path, submission_path, skip=skip)
    elif spec.name == "pair-ranking":
        result = evaluate_pair_ranking(truth_path, submission_path)
    else:
        result = evaluate_tabular(spec, truth_path, submission_path)
    for split in SPLITS:
        result[split] = {name: _json_number(value) for name, value in result[split].items()}
    return result


def _json_number(value):
    """Counts stay ints; a float that is not finite (e.g. an RMSE that overflowed) becomes None."""
    if value is None or isinstance(value, int):
        return value
    value = float(value)
    return value if math.isfinite(value) else None


def validate_truth(task: str, truth_path: Path) -> dict:
    """Check an organiser's truth file; returns a JSON-ready summary (counts and ``warnings``)."""
    spec = get_spec(task)
    if spec.name == "ad-linkage":
        return validate_ad_linkage_truth(truth_path)
    if spec.name == "pair-ranking":
        return validate_pair_ranking_truth(truth_path)
    return validate_tabular_truth(spec, truth_path)


def check_submission_header(task: str, path: Path) -> None:
    """Cheap upload-time check of the first KBs: readable, UTF-8, the right header, some rows."""
    check_header(path, get_spec(task).submission_columns)
