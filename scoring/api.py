"""The scoring core's public entry points: one per use, dispatching on the task name."""

import math
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from os import PathLike
from typing import BinaryIO

from .adlinkage import evaluate_ad_linkage, prepare_linkage_truth, validate_ad_linkage_truth
from .io import check_header, check_size, read_csv
from .pairs import evaluate_pair_ranking, validate_pair_ranking_truth
from .specs import get_spec
from .tabular import evaluate_tabular, prepare_tabular_truth, validate_tabular_truth
from .truth import PreparedTruth

Path = str | PathLike
SPLITS = ("all", "public", "private")


def prepare_truth(task: str, truth_path: Path) -> PreparedTruth:
    """Read, check and index a truth file once, for any number of :func:`evaluate` calls.

    The result is immutable and holds only what scoring needs (ids and their hash index,
    Public/Private flags, cluster codes or targets); ``.nbytes`` says roughly how much memory.
    Raises InvalidTruth as :func:`evaluate` would.
    """
    spec = get_spec(task)
    if spec.name in ("ad-linkage", "pair-ranking"):
        return prepare_linkage_truth(truth_path, spec)
    return prepare_tabular_truth(spec, truth_path)


def evaluate(
    task: str,
    truth: Path | PreparedTruth,
    submission_path: Path,
    *,
    skip: Collection[str] = (),
    per_split_counts: bool = True,
    max_bytes: int | None = None,
) -> dict:
    """Score a submission on all ads and on the public and private splits.

    ``truth`` is the truth file's path, or what :func:`prepare_truth` made of it (the same
    result, bit for bit, without reading the truth again). Returns ``{"all": {metric: value},
    "public": {...}, "private": {...}, "warnings": [str], "n_submitted": int}``. Values are
    floats (counts such as ``n_predicted_clusters`` are ints; a metric undefined on a split is
    None), ready for JSON. Raises InvalidSubmission with a message for the participant, or
    InvalidTruth when the truth file is at fault.

    ``skip`` leaves out expensive metrics (only ``"ami"`` for now); the platform never passes
    it, the benchmark does to compare like with like. ``per_split_counts=False`` reports the
    figures that count the file's ads (``coverage`` and the predicted cluster counts) for the
    whole file in every split, so they reveal nothing about which ads are Public: the
    platform passes it for what participants see. ``max_bytes`` caps the submission's size
    once decompressed: a larger file (a gzip bomb) is refused before it is parsed.
    """
    spec = get_spec(task)
    if isinstance(truth, PreparedTruth):
        if truth.task != spec.name:
            raise ValueError(f"this truth was prepared for {truth.task!r}, not {spec.name!r}")
        prepared = truth
        table = read_csv(submission_path, spec.submission_columns, max_bytes=max_bytes)
    else:
        # Read the submission in a second thread while this one prepares the truth (pyarrow
        # releases the GIL); a broken truth is reported first, as it is the platform's fault.
        with ThreadPoolExecutor(max_workers=1) as pool:
            reading = pool.submit(
                read_csv, submission_path, spec.submission_columns, max_bytes=max_bytes
            )
            try:
                prepared = prepare_truth(spec.name, truth)
            except BaseException:
                reading.cancel()
                raise
            table = reading.result()
    if spec.name == "ad-linkage":
        result = evaluate_ad_linkage(
            prepared, table, submission_path, skip=skip, per_split_counts=per_split_counts
        )
    elif spec.name == "pair-ranking":
        result = evaluate_pair_ranking(prepared, table, submission_path)
    else:
        result = evaluate_tabular(spec, prepared, table, submission_path)
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


def check_submission_size(source: Path | BinaryIO, max_bytes: int) -> None:
    """Upload-time check that a file (a path or an open binary file) is at most ``max_bytes``
    once decompressed; a gzip file is inflated in chunks, never kept, and stopped at the limit.
    Raises InvalidSubmission."""
    check_size(source, max_bytes)
