"""What each task type expects and reports: read by the platform to build forms and leaderboards."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaskSpec:
    name: str
    label: str
    submission_columns: tuple[str, ...]
    truth_columns: tuple[str, ...]
    metrics: tuple[str, ...]
    default_metric: str
    higher_is_better: Mapping[str, bool]
    metric_labels: Mapping[str, str]
    # Metrics that make sense as a challenge's primary (ranking) metric; the others are
    # informational (coverage, cluster counts) and only shown next to the score.
    ranking_metrics: tuple[str, ...] = field(default=())

    def __hash__(self) -> int:  # the mappings are not hashable; a task is known by its name
        return hash(self.name)

    def header(self) -> str:
        return ",".join(self.submission_columns)


LINKAGE_METRIC_LABELS = {
    "pairwise_precision": "Pairwise precision",
    "pairwise_recall": "Pairwise recall",
    "pairwise_f1": "Pairwise F1",
    "bcubed_precision": "B-cubed precision",
    "bcubed_recall": "B-cubed recall",
    "bcubed_f1": "B-cubed F1",
    "ari": "Adjusted Rand index",
    "nmi": "Normalised mutual information",
    "v_measure": "V-measure",
    "fowlkes_mallows": "Fowlkes–Mallows index",
    "ami": "Adjusted mutual information",
    "exact_cluster_f1": "Exact-cluster F1",
    "coverage": "Coverage",
    "n_predicted_clusters": "Predicted clusters",
    "largest_predicted_cluster": "Largest predicted cluster",
}
LINKAGE_INFORMATIONAL = ("coverage", "n_predicted_clusters", "largest_predicted_cluster")

PAIR_METRIC_LABELS = {
    "average_precision": "Average precision (all true pairs)",
    "precision_at_100": "Precision@100",
    "precision_at_1000": "Precision@1000",
}


def _spec(name, label, submission, truth, labels, default, lower_is_better=(), informational=()):
    metrics = tuple(labels)
    return TaskSpec(
        name=name,
        label=label,
        submission_columns=submission,
        truth_columns=truth,
        metrics=metrics,
        default_metric=default,
        higher_is_better={m: m not in lower_is_better for m in metrics},
        metric_labels=dict(labels),
        ranking_metrics=tuple(m for m in metrics if m not in informational),
    )


TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "ad-linkage",
            "Ad linkage (clustering)",
            ("ad_id", "cluster_id"),
            ("ad_id", "cluster_id", "usage"),
            LINKAGE_METRIC_LABELS,
            "pairwise_f1",
            informational=LINKAGE_INFORMATIONAL,
        ),
        _spec(
            "pair-ranking",
            "Ad linkage (ranked pairs)",
            ("ad_id_a", "ad_id_b", "score"),
            ("ad_id", "cluster_id", "usage"),
            PAIR_METRIC_LABELS,
            "average_precision",
        ),
        _spec(
            "classification",
            "Classification",
            ("id", "label"),
            ("id", "label", "usage"),
            {"accuracy": "Accuracy", "macro_f1": "Macro F1"},
            "macro_f1",
        ),
        _spec(
            "binary-probability",
            "Binary probability",
            ("id", "probability"),
            ("id", "label", "usage"),
            {"roc_auc": "ROC AUC", "log_loss": "Log loss"},
            "roc_auc",
            lower_is_better=("log_loss",),
        ),
        _spec(
            "regression",
            "Regression",
            ("id", "value"),
            ("id", "value", "usage"),
            {"rmse": "RMSE", "mae": "MAE"},
            "rmse",
            lower_is_better=("rmse", "mae"),
        ),
    )
}


def get_spec(task: str) -> TaskSpec:
    try:
        return TASKS[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}") from None
