"""Ad-linkage files end to end through ``scoring.evaluate``: formats, splits and edge cases."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring

from .helpers import (
    assert_metrics_close,
    reference_metrics,
    write_csv,
    write_submission,
    write_truth,
)

SPLITS = ("all", "public", "private")
ID_ALPHABET = st.sampled_from(["7", "007", "07", "a", "é", "廣告", "ad 1", "-1", "x,y", 'q"'])


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if ("," in value or '"' in value) else value


@st.composite
def scenarios(draw):
    """A truth over distinct string ids and a submission that may drop ads, leave labels empty,
    use -1, or reorder rows."""
    ids = draw(
        st.lists(
            ID_ALPHABET | st.text("abc0", min_size=1, max_size=3),
            min_size=2,
            max_size=25,
            unique=True,
        )
    )
    n = len(ids)
    clusters = [f"op{draw(st.integers(0, max(1, n // 3)))}" for _ in ids]
    usage = [draw(st.sampled_from(["Public", "Private"])) for _ in ids]
    usage[0], usage[1] = "Public", "Private"
    kept = [i for i in range(n) if draw(st.integers(0, 5)) > 0] or [0]
    labels = draw(
        st.lists(st.sampled_from(["", "-1", "A", "B", "C", "07", "7"]), min_size=n, max_size=n)
    )
    order = draw(st.permutations(kept))
    return ids, clusters, usage, [(ids[i], labels[i]) for i in order]


def expected(ids, clusters, usage, submitted, split) -> dict:
    """Reference metrics: missing ads and empty labels become singletons of their own."""
    given_label = dict(submitted)
    members = [i for i in range(len(ids)) if split == "all" or usage[i].lower() == split]
    true = [clusters[i] for i in members]
    pred = [given_label.get(ids[i]) or f"\0singleton{i}" for i in members]
    reference = reference_metrics(true, pred)
    reference["coverage"] = sum(ids[i] in given_label for i in members) / len(members)
    return reference


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.booleans(), st.booleans())
def test_evaluate_matches_reference_on_every_split(scenario, gz, bom_crlf):
    ids, clusters, usage, submitted = scenario
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        truth = write_truth(folder / "t.csv", map(quote, ids), clusters, usage)
        sub = write_submission(
            folder / "s.bin",
            [quote(i) for i, _ in submitted],
            [quote(c) for _, c in submitted],
            gz=gz,
            bom=bom_crlf,
            crlf=bom_crlf,
        )
        result = scoring.evaluate("ad-linkage", truth, sub)
    assert result["n_submitted"] == len(submitted)
    for split in SPLITS:
        assert_metrics_close(result[split], expected(ids, clusters, usage, submitted, split))
    assert list(result["all"]) == list(scoring.TASKS["ad-linkage"].metrics)


@pytest.fixture
def truth(tmp_path):
    return write_truth(
        tmp_path / "truth.csv",
        ["1", "2", "3", "4", "5", "6"],
        ["OP_A", "OP_A", "OP_B", "OP_B", "OP_C", "OP_D"],
        ["Public", "Public", "Public", "Private", "Private", "Private"],
    )


def evaluate(truth, tmp_path, rows, **options):
    sub = write_csv(tmp_path / "sub.csv", "ad_id,cluster_id", rows, **options)
    return scoring.evaluate("ad-linkage", truth, sub)


def test_perfect_submission_with_other_label_names(truth, tmp_path):
    result = evaluate(truth, tmp_path, [(1, "x"), (2, "x"), (3, "y"), (4, "y"), (5, ""), (6, "")])
    for split in SPLITS:
        assert result[split]["pairwise_f1"] == 1.0
        assert result[split]["ami"] == 1.0
        assert result[split]["coverage"] == 1.0
    assert result["warnings"] == []


def test_empty_cluster_ids_are_each_their_own_cluster(truth, tmp_path):
    result = evaluate(truth, tmp_path, [(i, "") for i in range(1, 7)])
    assert result["all"]["n_predicted_clusters"] == 6
    assert result["all"]["largest_predicted_cluster"] == 1
    assert result["all"]["pairwise_f1"] == 0.0


def test_minus_one_is_an_ordinary_label_and_a_giant_cluster_is_warned(truth, tmp_path):
    result = evaluate(truth, tmp_path, [(1, "x"), (2, "x")] + [(i, -1) for i in range(3, 7)])
    assert result["all"]["n_predicted_clusters"] == 2
    assert result["all"]["largest_predicted_cluster"] == 4
    (warning,) = result["warnings"]
    assert "'-1'" in warning and "4 of the 6 ads" in warning
    assert "ordinary label" in warning and "empty" in warning


def test_half_the_ads_in_one_cluster_is_not_warned(truth, tmp_path):
    result = evaluate(truth, tmp_path, [(1, -1), (2, -1), (3, -1), (4, 1), (5, 2), (6, 3)])
    assert result["warnings"] == []


def test_missing_ads_are_singletons_and_lower_coverage(truth, tmp_path):
    result = evaluate(truth, tmp_path, [(1, "x"), (2, "x"), (3, "y")])
    assert result["all"]["coverage"] == 0.5
    assert result["public"]["coverage"] == 1.0
    assert result["private"]["coverage"] == 0.0
    assert result["public"]["pairwise_f1"] == 1.0
    assert result["all"]["n_predicted_clusters"] == 5
    assert any("3 of the 6 ads have no row" in w for w in result["warnings"])


def test_public_and_private_splits_restrict_both_clusterings(truth, tmp_path):
    # 3 and 4 are one operator split across Public and Private: the pair counts in "all" only.
    result = evaluate(truth, tmp_path, [(1, "a"), (2, "b"), (3, "c"), (4, "c"), (5, "d"), (6, "e")])
    assert result["public"]["pairwise_recall"] == 0.0
    assert result["private"]["pairwise_f1"] == 1.0  # no pairs on either side
    assert result["all"]["pairwise_recall"] == 0.5
    assert result["public"]["n_predicted_clusters"] == 3
    assert result["private"]["n_predicted_clusters"] == 3


def test_ids_are_strings_007_is_not_7(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv", ["007", "7", "07"], ["A", "A", "B"], ["Public", "Private", "Public"]
    )
    result = evaluate(truth, tmp_path, [("007", "x"), ("7", "x"), ("07", "y")])
    assert result["all"]["pairwise_f1"] == 1.0
    with pytest.raises(scoring.InvalidSubmission, match="'0007'"):
        evaluate(truth, tmp_path, [("0007", "x"), ("7", "x"), ("07", "y")])


def test_unicode_ids_and_labels(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv",
        ["廣告-1", "annonce-é", "ad🙂"],
        ["A", "A", "B"],
        ["Public", "Private", "Public"],
    )
    result = evaluate(truth, tmp_path, [("廣告-1", "opé"), ("annonce-é", "opé"), ("ad🙂", "🙂")])
    assert result["all"]["exact_cluster_f1"] == 1.0


def test_bom_crlf_and_gzip_with_a_misleading_name(truth, tmp_path):
    rows = [(1, "x"), (2, "x"), (3, "y"), (4, "y"), (5, "z"), (6, "w")]
    plain = evaluate(truth, tmp_path, rows)
    sub = write_csv(tmp_path / "upload.csv", "ad_id,cluster_id", rows, bom=True, crlf=True, gz=True)
    packed = scoring.evaluate("ad-linkage", truth, sub)
    assert packed == plain
    gz_truth = write_csv(
        tmp_path / "truth.bin",
        "ad_id,cluster_id,usage",
        [line.split(",") for line in truth.read_text().splitlines()[1:]],
        gz=True,
    )
    assert scoring.evaluate("ad-linkage", gz_truth, sub) == plain


def test_quoted_fields(truth, tmp_path):
    result = evaluate(
        truth,
        tmp_path,
        [('"1"', '"a,b"'), (2, '"a,b"'), (3, '""'), (4, ""), (5, '"x""y"'), (6, "z")],
    )
    assert result["all"]["pairwise_precision"] == 1.0
    assert result["all"]["pairwise_recall"] == 0.5


def test_result_is_plain_json(truth, tmp_path):
    import json

    result = evaluate(truth, tmp_path, [(1, "x"), (2, "x")])
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert all(type(v) in (int, float) for s in SPLITS for v in result[s].values())


def test_validate_truth_summary(truth):
    summary = scoring.validate_truth("ad-linkage", truth)
    assert summary == {
        "n_rows": 6,
        "n_public": 3,
        "n_private": 3,
        "n_clusters": 4,
        "n_singletons": 2,
        "largest_cluster": 2,
        "n_true_pairs": 2,
        "warnings": [
            "No two Private ads share a cluster, so pairwise precision, recall and F1 on the "
            "private split can only be 0 or 1."
        ],
    }


def test_large_heavy_tailed_submission_matches_inner_functions(tmp_path):
    """A few thousand ads through the files, against the same metrics from the labels."""
    from scoring.linkage import clustering_metrics, contingency

    rng = np.random.default_rng(7)
    sizes = np.minimum(rng.zipf(1.8, 3000), 200)
    true = np.repeat(np.arange(len(sizes)), sizes)[:5000]
    n = len(true)
    pred = np.where(rng.random(n) < 0.2, rng.integers(0, n, n), true)
    ids = [f"ad{i:05d}" for i in range(n)]
    usage = np.where(rng.random(n) < 0.3, "Public", "Private")
    t = write_truth(tmp_path / "t.csv", ids, [f"c{c}" for c in true], usage)
    order = rng.permutation(n)
    s = write_submission(
        tmp_path / "s.csv", [ids[i] for i in order], [f"p{pred[i]}" for i in order]
    )
    result = scoring.evaluate("ad-linkage", t, s)
    public = usage == "Public"
    inner = clustering_metrics(contingency(true[public], pred[public]))
    for name, value in inner.items():
        assert result["public"][name] == pytest.approx(value, abs=1e-12), name
