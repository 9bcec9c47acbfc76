"""DataJam's scoring core: parse, validate and score prediction files. No Django in here.

>>> from scoring import evaluate
>>> evaluate("ad-linkage", "truth.csv", "submission.csv")["public"]["pairwise_f1"]  # doctest: +SKIP
"""

from .api import (
    check_submission_header,
    check_submission_size,
    evaluate,
    prepare_truth,
    validate_truth,
)
from .errors import InvalidSubmission, InvalidTruth, ScoringError
from .specs import TASKS, TaskSpec
from .truth import PreparedTruth

__all__ = [
    "TASKS",
    "InvalidSubmission",
    "InvalidTruth",
    "PreparedTruth",
    "ScoringError",
    "TaskSpec",
    "check_submission_header",
    "check_submission_size",
    "evaluate",
    "prepare_truth",
    "validate_truth",
]
