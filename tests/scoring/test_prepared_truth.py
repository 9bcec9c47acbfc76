"""A prepared (warm) truth scores exactly as the truth file does (cold), for every task."""

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.idindex import IdIndex

from .helpers import write_csv, write_submission, write_truth
from .test_ad_linkage import quote, scenarios

TEXT_IDS = st.text(
    st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=0, max_size=20
) | st.sampled_from(["a", "a\0", "\0", "x" * 64, "x" * 65, "é" * 40, "ad0000001", "ad000001"])


def same(cold: dict, warm: dict) -> None:
    """Bit for bit: floats compared with ==, and key order too."""
    assert list(cold) == list(warm)
    for key in cold:
        if isinstance(cold[key], dict):
            assert list(cold[key].items()) == list(warm[key].items()), key
        else:
            assert cold[key] == warm[key], key


def both(task, truth, submission, **options) -> tuple[dict, dict]:
    prepared = scoring.prepare_truth(task, truth)
    cold = scoring.evaluate(task, truth, submission, **options)
    warm = scoring.evaluate(task, prepared, submission, **options)
    again = scoring.evaluate(task, prepared, submission, **options)  # reusable: nothing consumed
    same(warm, again)
    return cold, warm


@settings(max_examples=60, deadline=None)
@given(scenarios(), scenarios(), st.booleans())
def test_ad_linkage_warm_equals_cold(first, second, per_split_counts):
    ids, clusters, usage, submitted = first
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        truth = write_truth(folder / "t.csv", map(quote, ids), clusters, usage)
        prepared = scoring.prepare_truth("ad-linkage", truth)
        # The same prepared truth serves several different files in turn.
        for _, _, _, rows in (first, (None, None, None, [(i, c) for i, c in second[3]])):
            rows = [(i, c) for i, c in rows if i in set(ids)]
            if not rows:
                continue
            sub = write_submission(
                folder / "s.csv", [quote(i) for i, _ in rows], [quote(c) for _, c in rows]
            )
            options = {"per_split_counts": per_split_counts}
            cold = scoring.evaluate("ad-linkage", truth, sub, **options)
            same(cold, scoring.evaluate("ad-linkage", prepared, sub, **options))
    assert submitted  # the scenario always submits some ads


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_pair_ranking_warm_equals_cold(data):
    n = data.draw(st.integers(3, 12))
    clusters = [f"op{data.draw(st.integers(0, 3))}" for _ in range(n)]
    usage = ["Public", "Private"] + [
        data.draw(st.sampled_from(["Public", "Private"])) for _ in range(n - 2)
    ]
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20)
    )
    pairs = list({tuple(sorted(p)) for p in pairs if p[0] != p[1]}) or [(0, 1)]
    scores = [data.draw(st.sampled_from(["0", "0.5", "1", "2e-3"])) for _ in pairs]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ids = [f"ad{i}" for i in range(n)]
        truth = write_truth(folder / "t.csv", ids, clusters, usage)
        sub = write_csv(
            folder / "s.csv",
            "ad_id_a,ad_id_b,score",
            [(ids[a], ids[b], s) for (a, b), s in zip(pairs, scores, strict=True)],
        )
        cold, warm = both("pair-ranking", truth, sub)
    same(cold, warm)


TABULAR = {
    "classification": st.sampled_from(["cat", "dog", "0", "é"]),
    "binary-probability": st.sampled_from(["0", "1"]),
    "regression": st.sampled_from(["0", "1.5", "-3e2", "7"]),
}
PREDICTIONS = {
    "classification": st.sampled_from(["cat", "dog", "0", "é"]),
    "binary-probability": st.sampled_from(["0", "0.25", "1", "0.999"]),
    "regression": st.sampled_from(["0", "1.5", "-3e2", "8", "1e3"]),
}


@pytest.mark.parametrize("task", TABULAR)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_tabular_warm_equals_cold(task, data):
    n = data.draw(st.integers(2, 20))
    ids = data.draw(
        st.lists(st.text("abc07", min_size=1, max_size=4), min_size=n, max_size=n, unique=True)
    )
    usage = ["Public", "Private"] + [
        data.draw(st.sampled_from(["Public", "Private"])) for _ in range(n - 2)
    ]
    truth_values = [data.draw(TABULAR[task]) for _ in range(n)]
    if task == "binary-probability":
        truth_values[0], truth_values[1] = "0", "1"
    predictions = [data.draw(PREDICTIONS[task]) for _ in range(n)]
    order = data.draw(st.permutations(range(n)))
    spec = scoring.TASKS[task]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        truth = write_csv(
            folder / "t.csv",
            ",".join(spec.truth_columns),
            zip(ids, truth_values, usage, strict=True),
        )
        sub = write_csv(
            folder / "s.csv",
            ",".join(spec.submission_columns),
            [(ids[i], predictions[i]) for i in order],
        )
        cold, warm = both(task, truth, sub)
    same(cold, warm)


def test_errors_are_the_same_warm_and_cold(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv", ["a1", "a2", "a3"], ["x", "x", "y"], ["Public", "Private", "Public"]
    )
    prepared = scoring.prepare_truth("ad-linkage", truth)
    cases = [
        [("a1", "c"), ("zz", "c"), ("yy", "d"), ("zz", "e")],  # unknown ids
        [("a1", "c"), ("a1", "d")],  # duplicates
        [("a1", "c"), ("", "d")],  # empty id
    ]
    for rows in cases:
        sub = write_submission(tmp_path / "s.csv", [i for i, _ in rows], [c for _, c in rows])
        with pytest.raises(scoring.InvalidSubmission) as cold:
            scoring.evaluate("ad-linkage", truth, sub)
        with pytest.raises(scoring.InvalidSubmission) as warm:
            scoring.evaluate("ad-linkage", prepared, sub)
        assert str(cold.value) == str(warm.value)


def test_unknown_ids_are_listed_in_file_order(tmp_path):
    truth = write_truth(tmp_path / "t.csv", ["a1", "a2"], ["x", "x"], ["Public", "Private"])
    sub = write_submission(tmp_path / "s.csv", ["a1", "zz", "yy", "zz"], ["c", "c", "d", "e"])
    with pytest.raises(scoring.InvalidSubmission, match="2 ids are not in .*: 'zz', 'yy'"):
        scoring.evaluate("ad-linkage", scoring.prepare_truth("ad-linkage", truth), sub)


def test_prepared_truth_refuses_another_task(tmp_path):
    truth = write_truth(tmp_path / "t.csv", ["a1", "a2"], ["x", "x"], ["Public", "Private"])
    prepared = scoring.prepare_truth("ad-linkage", truth)
    sub = write_csv(tmp_path / "s.csv", "ad_id_a,ad_id_b,score", [("a1", "a2", 1)])
    with pytest.raises(ValueError, match="prepared for 'ad-linkage'"):
        scoring.evaluate("pair-ranking", prepared, sub)
    assert prepared.nbytes > 0 and prepared.n == 2


def test_prepare_refuses_a_bad_truth_like_evaluate(tmp_path):
    truth = write_truth(
        tmp_path / "t.csv", ["a", "b", "a"], ["x", "y", "z"], ["Public", "Private", "Public"]
    )
    with pytest.raises(scoring.InvalidTruth, match="unique.*'a'"):
        scoring.prepare_truth("ad-linkage", truth)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT_IDS, min_size=0, max_size=40), st.lists(TEXT_IDS, max_size=40))
def test_index_finds_exactly_the_ids_a_dict_finds(truth_ids, queries):
    index = IdIndex.build(pa.chunked_array([pa.array(truth_ids, pa.string())], pa.string()))
    first: dict[str, int] = {}
    for row, value in enumerate(truth_ids):
        first.setdefault(value, row)
    duplicated = [row for row, value in enumerate(truth_ids) if first[value] != row]
    assert list(index.duplicated) == duplicated
    asked = queries + truth_ids
    rows = index.lookup(pa.array(asked, pa.string()))
    # A row holding that very id (with duplicates, any of them), or -1 when there is none.
    assert [truth_ids[r] if r >= 0 else None for r in rows] == [
        value if value in first else None for value in asked
    ]
    if not duplicated:
        assert rows.tolist() == [first.get(value, -1) for value in asked]


def test_index_lookup_over_many_ids_and_lengths():
    rng = np.random.default_rng(3)
    values = [f"id{int(v)}" for v in rng.permutation(50_000)]  # lengths 3 to 7
    index = IdIndex.build(pa.array(values))
    queries = [values[i] for i in rng.permutation(len(values))] + ["id50000", "id", "i"]
    rows = index.lookup(pa.chunked_array([pa.array(queries[:100]), pa.array(queries[100:])]))
    assert [values[r] for r in rows[:-3]] == queries[:-3]
    assert rows[-3:].tolist() == [-1, -1, -1]
