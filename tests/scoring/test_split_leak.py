"""Which ads are Public must not be readable from what a participant is shown.

A file listing a single ad is the sharpest probe: whichever ad it names, every figure reported
with ``per_split_counts=False`` (what the platform shows) must be the same, so nothing but the
primary score itself (identical too, here) could tell a Public ad from a Private one.
"""

import pytest

import scoring

from .helpers import write_submission, write_truth

IDS = [f"ad{i}" for i in range(8)]
CLUSTERS = ["A", "A", "B", "B", "C", "C", "D", "E"]
USAGE = ["Public", "Private", "Public", "Public", "Private", "Private", "Public", "Private"]


@pytest.fixture
def truth(tmp_path):
    return write_truth(tmp_path / "t.csv", IDS, CLUSTERS, USAGE)


def single_ad_results(truth, tmp_path, **options) -> dict[str, dict]:
    prepared = scoring.prepare_truth("ad-linkage", truth)
    results = {}
    for ad in IDS:
        sub = write_submission(tmp_path / f"{ad}.csv", [ad], ["x"])
        results[ad] = scoring.evaluate("ad-linkage", prepared, sub, **options)
    return results


def test_a_single_ad_file_reveals_nothing_about_the_split(truth, tmp_path):
    results = single_ad_results(truth, tmp_path, per_split_counts=False)
    public_ad, private_ad = results["ad0"], results["ad1"]
    assert public_ad == private_ad
    for result in results.values():
        assert result == public_ad  # every figure of every split, warnings and counts
    assert public_ad["public"]["coverage"] == public_ad["all"]["coverage"] == 1 / len(IDS)
    assert public_ad["private"]["n_predicted_clusters"] == len(IDS)


def test_per_split_counts_are_what_would_leak(truth, tmp_path):
    # The library's default (for organisers, who know the split) does count per split: this
    # is the probe the platform must not answer.
    results = single_ad_results(truth, tmp_path)
    assert results["ad0"]["public"]["coverage"] > 0
    assert results["ad1"]["public"]["coverage"] == 0


def test_two_linked_ads_show_cluster_counts_of_the_whole_file(truth, tmp_path):
    prepared = scoring.prepare_truth("ad-linkage", truth)
    shown = []
    for pair in (("ad2", "ad3"), ("ad0", "ad1")):  # both Public; one Public and one Private
        sub = write_submission(tmp_path / "pair.csv", list(pair), ["x", "x"])
        result = scoring.evaluate("ad-linkage", prepared, sub, per_split_counts=False)
        shown.append(
            {
                name: (result["public"][name], result["private"][name])
                for name in ("coverage", "n_predicted_clusters", "largest_predicted_cluster")
            }
        )
    assert (
        shown[0]
        == shown[1]
        == {
            "coverage": (0.25, 0.25),
            "n_predicted_clusters": (7, 7),
            "largest_predicted_cluster": (2, 2),
        }
    )
