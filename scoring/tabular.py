"""Classification, binary probability and regression, scored with scikit-learn.

Truth ``id,<target>,usage``; submission ``id,<prediction>``. Every truth id needs exactly one row:
a missing, duplicate or unknown id is an error. A metric that is undefined on a split (ROC AUC
when the split's truth has one class only) is reported as None.
"""

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import describe_lines, encode, parse_floats, refuse_empty, to_numpy
from .errors import InvalidSubmission, InvalidTruth, examples, show
from .specs import TaskSpec
from .truth import (
    PreparedTruth,
    Truth,
    index_ids,
    match_ids,
    read_truth,
    refuse_duplicates,
    refuse_missing,
)

BINARY_LABELS = ("0", "1")


def _sklearn():
    """scikit-learn takes a second or two to import: only tabular tasks pay for it."""
    from sklearn import metrics

    return metrics


def _classification(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    sk = _sklearn()
    return {
        "accuracy": float(sk.accuracy_score(y_true, y_pred)),
        "macro_f1": float(sk.f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }


def _binary(y_true: np.ndarray, probability: np.ndarray) -> dict:
    sk = _sklearn()
    one_class = len(np.unique(y_true)) < 2
    return {
        "roc_auc": None if one_class else float(sk.roc_auc_score(y_true, probability)),
        "log_loss": float(sk.log_loss(y_true, probability, labels=[0, 1])),
    }


def _regression(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    sk = _sklearn()
    with np.errstate(over="ignore"):  # an overflowing error is reported as None by the caller
        mse = float(sk.mean_squared_error(y_true, y_pred))
        return {"rmse": math.sqrt(mse), "mae": float(sk.mean_absolute_error(y_true, y_pred))}


def _truth_target(spec: TaskSpec, truth: Truth) -> np.ndarray:
    """The truth's target column, checked, as the array the metric functions take."""
    name = spec.truth_columns[1]
    column = truth.column(name)
    if spec.name == "regression":
        return parse_floats(truth.path, column, name, InvalidTruth)
    refuse_empty(truth.path, column, name, InvalidTruth)
    if spec.name == "binary-probability":
        ok = to_numpy(pc.is_in(column, value_set=pc.cast(BINARY_LABELS, "string")))
        if not ok.all():
            bad = np.flatnonzero(~ok)
            values = column.take(bad[:10]).to_pylist()
            raise InvalidTruth(
                f"{name} must be 0 or 1 for a binary-probability task; found {examples(values)} "
                f"({describe_lines(truth.path, bad)})."
            )
        return to_numpy(pc.equal(column, "1")).astype(np.int64)
    return to_numpy(column).astype(object)


def _submitted_target(spec: TaskSpec, path, table) -> np.ndarray:
    name = spec.submission_columns[1]
    column = table.column(name)
    if spec.name == "classification":
        refuse_empty(path, column, name, InvalidSubmission)
        return to_numpy(column).astype(object)
    values = parse_floats(path, column, name)
    if spec.name == "binary-probability":
        outside = np.flatnonzero((values < 0) | (values > 1))
        if len(outside):
            shown = ", ".join(show(v) for v in column.take(outside[:5]).to_pylist())
            raise InvalidSubmission(
                f"probability must be between 0 and 1; {len(outside):,} rows are not "
                f"({describe_lines(path, outside)}: {shown})."
            )
    return values


SCORERS = {
    "classification": _classification,
    "binary-probability": _binary,
    "regression": _regression,
}


def prepare_tabular_truth(spec: TaskSpec, path) -> PreparedTruth:
    truth = read_truth(spec, path)
    index = index_ids(truth)
    y_true = _truth_target(spec, truth)
    return PreparedTruth(spec.name, str(path), index, truth.is_public, truth.is_private, y_true)


def evaluate_tabular(
    spec: TaskSpec, truth: PreparedTruth, table: pa.Table, submission_path
) -> dict:
    y_true = truth.target
    id_name = spec.submission_columns[0]
    ids = table.column(id_name)
    (rows,) = match_ids(truth, submission_path, [(id_name, ids)])
    refuse_duplicates(rows, truth.n, ids, id_name)
    refuse_missing(rows, truth, id_name)
    submitted = _submitted_target(spec, submission_path, table)
    y_pred = np.empty(truth.n, dtype=submitted.dtype)
    y_pred[rows] = submitted

    scorer = SCORERS[spec.name]
    result = {
        "all": scorer(y_true, y_pred),
        "public": scorer(y_true[truth.is_public], y_pred[truth.is_public]),
        "private": scorer(y_true[truth.is_private], y_pred[truth.is_private]),
    }
    return {**result, "warnings": [], "n_submitted": table.num_rows}


def validate_tabular_truth(spec: TaskSpec, path) -> dict:
    truth = read_truth(spec, path)
    index_ids(truth)
    y_true = _truth_target(spec, truth)
    summary = {
        "n_rows": truth.n,
        "n_public": int(truth.is_public.sum()),
        "n_private": int(truth.is_private.sum()),
    }
    warnings = []
    if spec.name == "classification":
        _, classes = encode(truth.column(spec.truth_columns[1]))
        summary["n_classes"] = len(classes)
        summary["classes"] = classes.to_pylist()[:50]
    elif spec.name == "binary-probability":
        summary["n_classes"] = len(np.unique(y_true))
        summary["n_positive"] = int(y_true.sum())
        for split, mask in (("Public", truth.is_public), ("Private", truth.is_private)):
            if len(np.unique(y_true[mask])) < 2:
                warnings.append(
                    f"The {split} rows all have the same label, so ROC AUC is undefined there "
                    "(reported as empty); log loss still works."
                )
    else:
        summary["mean"] = float(y_true.mean())
        summary["std"] = float(y_true.std())
    summary["warnings"] = warnings
    return summary
