"""Small, independent scoring helpers for the starter-kit tests and README figures.

Deliberately separate from ``scoring/``: pair counts from a contingency table, B-cubed averaged
over ads, and scikit-learn's ARI, each restricted to the ads of one usage split.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def scores(truth: pd.Series, pred: pd.Series) -> dict[str, float]:
    """Pairwise P/R/F1, B-cubed P/R/F1 and ARI of two labelings indexed the same way."""
    frame = pd.DataFrame({"t": truth.to_numpy(), "p": pred.to_numpy()})
    joint = frame.groupby(["t", "p"]).size()
    true_sizes = frame.groupby("t").size()
    pred_sizes = frame.groupby("p").size()
    both = _pairs(joint.to_numpy())
    true_pairs = _pairs(true_sizes.to_numpy())
    pred_pairs = _pairs(pred_sizes.to_numpy())
    precision = both / pred_pairs if pred_pairs else 0.0
    recall = both / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: each ad's precision is |its true cluster ∩ its predicted cluster| / |predicted|.
    cell = joint.to_numpy().astype(float)
    t_of = true_sizes.reindex(joint.index.get_level_values(0)).to_numpy()
    p_of = pred_sizes.reindex(joint.index.get_level_values(1)).to_numpy()
    n = len(frame)
    b_precision = float((cell * cell / p_of).sum() / n)
    b_recall = float((cell * cell / t_of).sum() / n)
    b_f1 = 2 * b_precision * b_recall / (b_precision + b_recall)
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1,
        "bcubed_precision": b_precision,
        "bcubed_recall": b_recall,
        "bcubed_f1": b_f1,
        "ari": float(adjusted_rand_score(frame["t"], frame["p"])),
    }


def split_scores(truth_path, submission: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Scores on the Public and Private ads separately; empty cluster ids stand alone."""
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    pred = submission.set_index("ad_id")["cluster_id"].reindex(truth["ad_id"]).fillna("")
    pred = pred.where(pred != "", "__alone__" + pred.index.to_series())
    out = {}
    for usage in ("Public", "Private"):
        mask = (truth["usage"] == usage).to_numpy()
        out[usage.lower()] = scores(truth["cluster_id"][mask], pred[mask])
    return out
