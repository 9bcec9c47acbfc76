"""Reference methods for a generated corpus, and their scores against its truth.

What a team must beat: the organiser sees these scores when a challenge is generated from the
template, and `bench/difficulty.py` prints them for every difficulty preset.

- ``contacts``: ads sharing a phone number or an e-mail address (read from the columns and the
  text with `starter.phones`) are linked; contacts in more than 40 ads are skipped as shared.
- ``exact_text``: ads whose title and body are identical once case and spacing are folded.
- ``baseline``: the starter baseline (`starter.baseline`), contacts plus near-duplicate text.

Scores come from the platform's own scorer (`scoring.evaluate`), so they are what the leaderboard
would show for the same file. Plain Python: no Django.
"""

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from scoring import evaluate

from .baseline import _read_ads, _UnionFind, cluster, contact_groups

REFERENCES = ("contacts", "exact_text", "baseline")
REFERENCE_LABELS = {
    "contacts": "Shared phone or e-mail",
    "exact_text": "Identical text",
    "baseline": "Starter baseline",
}
METRICS = ("pairwise_f1", "pairwise_precision", "pairwise_recall", "bcubed_f1")
MAX_CONTACT_ADS = 40
_SPACES = re.compile(r"\s+")


def contacts_only(ads: dict[str, list[str]]) -> list[str]:
    """One label per ad: the ads sharing any phone or e-mail (not a hub) are linked."""
    n = len(ads["ad_id"])
    forest = _UnionFind(n, n)
    for members in contact_groups(ads):
        if len(members) <= MAX_CONTACT_ADS:
            for i, j in zip(members, members[1:], strict=False):
                forest.union(i, j)
    return [f"c{forest.find(i)}" for i in range(n)]


def exact_text(ads: dict[str, list[str]]) -> list[str]:
    """One label per ad: identical title and body (case and spacing folded) share a label."""
    label_of: dict[str, str] = {}
    return [
        label_of.setdefault(_SPACES.sub(" ", f"{t} {b}").strip().casefold(), f"t{len(label_of)}")
        for t, b in zip(ads["title"], ads["body"], strict=True)
    ]


def reference_labels(ads: dict[str, list[str]], methods=REFERENCES) -> dict[str, list[str]]:
    """Labels of each reference method for the ads (columns as `starter.baseline` reads them)."""
    runners = {
        "contacts": contacts_only,
        "exact_text": exact_text,
        "baseline": lambda a: cluster(a)[0],
    }
    return {name: runners[name](ads) for name in methods}


def reference_scores(
    ads_path: str | Path, truth_path: str | Path, work_dir: str | Path, methods=REFERENCES
) -> dict[str, dict[str, dict[str, float]]]:
    """``{method: {"public": {metric: value}, "private": {...}}}`` for each reference method.

    Writes each method's submission into ``work_dir`` and scores it with `scoring.evaluate`.
    """
    ads = _read_ads(ads_path)
    work = Path(work_dir)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, labels in reference_labels(ads, methods).items():
        path = work / f"reference_{name}.csv"
        table = pa.table({"ad_id": pa.array(ads["ad_id"]), "cluster_id": pa.array(labels)})
        pa_csv.write_csv(table, path)
        result = evaluate("ad-linkage", truth_path, path, skip=("ami",))
        out[name] = {
            split: {metric: result[split][metric] for metric in METRICS}
            for split in ("public", "private")
        }
    return out
