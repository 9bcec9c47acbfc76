import pandas as pd
import pytest

from starter.baseline import (
    SHARED_CONTACT_TEXT,
    close_pairs,
    cluster,
    default_cluster_cap,
    main,
    predict,
    shingle_matrix,
)
from starter.generate import generate_corpus
from tests.starter.metrics import scores, split_scores

METRICS = ("pairwise_f1", "bcubed_f1", "ari")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, n_ads=3_000, seed=7)
    return out


@pytest.fixture(scope="module")
def baseline(corpus):
    summary = predict(corpus / "ads.csv", corpus / "submission.csv")
    submission = pd.read_csv(corpus / "submission.csv", dtype=str, keep_default_na=False)
    return summary, submission


def references(corpus) -> dict[str, pd.DataFrame]:
    ads = pd.read_csv(corpus / "ads.csv", dtype=str, keep_default_na=False)
    return {
        "no links": pd.DataFrame({"ad_id": ads["ad_id"], "cluster_id": ads["ad_id"]}),
        "one cluster": pd.DataFrame({"ad_id": ads["ad_id"], "cluster_id": "all"}),
    }


def test_submission_has_one_row_per_ad(corpus, baseline):
    _, submission = baseline
    ads = pd.read_csv(corpus / "ads.csv", dtype=str, keep_default_na=False)
    assert list(submission.columns) == ["ad_id", "cluster_id"]
    assert list(submission["ad_id"]) == list(ads["ad_id"])
    assert (submission["cluster_id"] != "").all()
    header = (corpus / "submission.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "ad_id,cluster_id"


def test_beats_both_references_on_both_splits(corpus, baseline):
    _, submission = baseline
    ours = split_scores(corpus / "truth.csv", submission)
    refs = {
        name: split_scores(corpus / "truth.csv", sub) for name, sub in references(corpus).items()
    }
    for split in ("public", "private"):
        for metric in METRICS:
            best_reference = max(ref[split][metric] for ref in refs.values())
            assert ours[split][metric] > best_reference + 0.05, (split, metric, ours, refs)
        assert ours[split]["pairwise_f1"] > 0.5
        assert refs["no links"][split]["pairwise_f1"] == 0.0


def test_largest_cluster_respects_the_guard(corpus, baseline):
    summary, submission = baseline
    assert submission["cluster_id"].value_counts().max() <= default_cluster_cap(3_000)
    assert summary["largest_cluster"] == submission["cluster_id"].value_counts().max()
    tight = predict(corpus / "ads.csv", corpus / "tight.csv", max_cluster_size=10)
    sizes = pd.read_csv(corpus / "tight.csv", dtype=str)["cluster_id"].value_counts()
    assert sizes.max() <= 10 and tight["largest_cluster"] <= 10
    assert tight["refused_merges"] > 0


def test_metrics_helper_on_known_cases():
    truth = pd.Series(["a", "a", "a", "b", "b", "c"])
    perfect = scores(truth, truth.map({"a": 1, "b": 2, "c": 3}))
    assert perfect["pairwise_f1"] == perfect["bcubed_f1"] == pytest.approx(1.0)
    assert perfect["ari"] == pytest.approx(1.0)
    split = scores(truth, pd.Series(["x", "x", "y", "z", "z", "w"]))
    # Predicted pairs: (0,1), (3,4); true pairs: 3 in a, 1 in b.
    assert split["pairwise_precision"] == 1.0 and split["pairwise_recall"] == pytest.approx(0.5)
    # B-cubed recall per ad: 2/3, 2/3, 1/3, 1, 1, 1.
    assert split["bcubed_recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 3) / 6)


def test_agrees_with_the_scoring_engine(corpus, baseline):
    scoring = pytest.importorskip("scoring")
    ours = split_scores(corpus / "truth.csv", baseline[1])
    engine = scoring.evaluate("ad-linkage", corpus / "truth.csv", corpus / "submission.csv")
    for split in ("public", "private"):
        for metric in METRICS:
            assert engine[split][metric] == pytest.approx(ours[split][metric], abs=1e-9)


def test_command_line(corpus, tmp_path, capsys):
    assert main([str(corpus / "ads.csv"), "-o", str(tmp_path / "sub.csv")]) == 0
    assert '"n_ads": 3000' in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "sub.csv")) == 3_000


def _ads(texts: list[str], phone: str) -> dict[str, list[str]]:
    n = len(texts)
    return {
        "ad_id": [f"ad_{k}" for k in range(n)],
        "title": ["Appointments"] * n,
        "body": texts,
        "phone": [phone] * n,
        "email": [""] * n,
    }


SAME_OPERATOR = [
    "welcome friends I offer calm relaxing home visits every morning and evening in the old town",
    "welcome friends I offer calm relaxing home visits on weekends only near the river park today",
]
OTHER_WRITERS = [
    "fresh flowers delivered fast across the city with a smile from our florist team",
    "expert tutoring for piano lessons at your place with flexible hours all week long",
    "reliable moving help available with a large van and two strong careful helpers",
]


def test_a_contact_that_looks_shared_links_only_its_ads_that_read_alike():
    ads = _ads(SAME_OPERATOR + OTHER_WRITERS, "416-555-0134")
    texts = [f"{t} {b}" for t, b in zip(ads["title"], ads["body"], strict=True)]
    shingles = shingle_matrix(texts)
    (similarity, i, j), *rest = close_pairs(shingles, list(range(5)), 0.0)
    # The two ads of one operator are below the text threshold but above the contact's.
    assert (i, j) == (0, 1) and SHARED_CONTACT_TEXT <= similarity < 0.45
    assert all(s < SHARED_CONTACT_TEXT for s, _, _ in rest)
    labels, summary = cluster(ads)
    # Five ads in five text clusters: the phone looks shared and does not join them all ...
    assert summary["contacts_text_checked"] == 1 and summary["contacts_used"] == 0
    assert summary["text_links"] == 0 and summary["contact_text_links"] == 1
    # ... but the two ads that share the phone and some wording are linked, the others are not.
    assert labels[0] == labels[1]
    assert len({labels[0], *labels[2:]}) == 4


def test_a_contact_of_one_writer_links_all_its_ads():
    ads = _ads(SAME_OPERATOR + OTHER_WRITERS[:1], "416-555-0134")
    labels, summary = cluster(ads)  # 3 ads: too few to look shared
    assert summary["contacts_used"] == 1 and len(set(labels)) == 1
    hub = _ads(SAME_OPERATOR + OTHER_WRITERS, "416-555-0134")
    labels, summary = cluster(hub, max_contact_ads=4)  # a hub: skipped whatever its texts
    assert summary["contacts_skipped"] == 1 and summary["contact_text_links"] == 0
    assert len(set(labels)) == 5
