"""Difficulty presets: calibrated bands, the ordering of simple methods, safety, determinism.

The full calibration table (seeds 0-4, 3,000 to 100,000 ads) is `bench/difficulty.py`; here one
5,000-ad corpus per preset, fixed seed, so the check is fast and deterministic.
"""

import pandas as pd
import pytest

from starter import texts
from starter.cities import CITIES
from starter.generate import (
    PRESET_BAND,
    PRESET_TARGETS,
    PRESETS,
    CorpusOptions,
    build_corpus,
    corpus_options,
    generate_corpus,
    main,
    preset_public_share,
    preset_singleton_share,
)
from starter.phones import find_emails, find_phones
from starter.references import reference_scores
from tests.starter.test_generate import AGES, BLOCKLIST, fold

N_ADS, SEED = 5_000, 0


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    """Reference scores of each preset's corpus: {preset: {method: {split: {metric: value}}}}."""
    out = {}
    for preset in PRESETS:
        work = tmp_path_factory.mktemp(preset)
        generate_corpus(work, preset, n_ads=N_ADS, seed=SEED)
        out[preset] = reference_scores(work / "ads.csv", work / "truth.csv", work)
    return out


@pytest.mark.parametrize("preset", list(PRESETS))
def test_baseline_lands_in_the_preset_band(scores, preset):
    f1 = scores[preset]["baseline"]["public"]["pairwise_f1"]
    assert abs(f1 - PRESET_TARGETS[preset]) <= PRESET_BAND, (preset, f1)


def test_every_method_orders_the_presets_and_text_pays(scores):
    easy, standard, hard = (scores[p] for p in ("easy", "standard", "hard"))
    for method in ("contacts", "baseline"):
        for split in ("public", "private"):
            values = [s[method][split]["pairwise_f1"] for s in (easy, standard, hard)]
            assert values[0] > values[1] > values[2], (method, split, values)
    for preset, by_method in scores.items():
        for split in ("public", "private"):
            # Near-duplicate text on top of the contacts is what pays, in every preset.
            assert (
                by_method["baseline"][split]["pairwise_f1"]
                > by_method["contacts"][split]["pairwise_f1"] + 0.05
            ), (preset, split)
            assert by_method["exact_text"][split]["pairwise_f1"] < 0.2, (preset, split)


def test_presets_are_deterministic_and_differ(tmp_path):
    files = {}
    for name in ("a", "b"):
        generate_corpus(tmp_path / name, "hard", n_ads=1_500, seed=4)
        files[name] = (tmp_path / name / "ads.csv").read_bytes()
    generate_corpus(tmp_path / "c", "easy", n_ads=1_500, seed=4)
    assert files["a"] == files["b"]
    assert (tmp_path / "c" / "ads.csv").read_bytes() != files["a"]


def test_explicit_options_override_the_preset():
    opts = corpus_options("hard", n_ads=500, paraphrase_rate=0.0)
    assert opts.paraphrase_rate == 0.0 and opts.burner_share == PRESETS["hard"]["burner_share"]
    assert corpus_options(None) == CorpusOptions()
    with pytest.raises(ValueError, match="preset"):
        corpus_options("impossible")


def test_small_preset_corpora_have_fewer_lone_ads():
    assert preset_singleton_share(3_000) == 0.2 == preset_singleton_share(5_000)
    assert preset_singleton_share(6_000) == 0.3333
    assert preset_singleton_share(8_000) == 0.5
    assert preset_singleton_share(10_000) == 0.6 == preset_singleton_share(100_000)
    assert corpus_options("standard", n_ads=3_000).singleton_share == 0.2
    assert corpus_options("standard", n_ads=3_000, singleton_share=0.7).singleton_share == 0.7
    assert corpus_options(None, n_ads=3_000).singleton_share == 0.6  # plain defaults unchanged


def test_small_preset_corpora_have_a_larger_public_split():
    assert preset_public_share(3_000) == 0.5 == preset_public_share(6_000)
    assert preset_public_share(8_000) == 0.375
    assert preset_public_share(10_000) == 0.3 == preset_public_share(100_000)
    assert preset_public_share(1) == 0.5
    for preset in PRESETS:
        assert corpus_options(preset, n_ads=3_000).public_share == 0.5
        # From 10,000 ads the split is the plain default's: those corpora are unchanged.
        assert corpus_options(preset, n_ads=10_000).public_share == CorpusOptions.public_share
        assert corpus_options(preset).public_share == CorpusOptions.public_share
    assert corpus_options("hard", n_ads=3_000, public_share=0.2).public_share == 0.2
    assert corpus_options(None, n_ads=3_000).public_share == 0.3  # plain defaults unchanged


def test_preset_splits_each_operator_in_proportion():
    corpus = build_corpus(corpus_options("standard", n_ads=3_000, seed=5), "standard")
    frame = pd.DataFrame({"op": corpus.operator, "public": corpus.usage})
    per_op = frame.groupby("op")["public"].agg(["size", "sum"])
    share = preset_public_share(3_000)  # 0.5: a small preset corpus is split half and half
    multi = per_op[per_op["size"] >= 2]
    low = (multi["size"] * share).astype(int)
    high = low + 1
    assert ((multi["sum"] >= low) & (multi["sum"] <= high)).all()
    assert abs(frame["public"].mean() - share) < 0.03
    assert 0.17 < (per_op["size"] == 1).sum() / len(frame) < 0.23
    again = build_corpus(corpus_options("standard", n_ads=3_000, seed=5), "standard")
    assert (again.usage == corpus.usage).all()


def test_command_line_preset(tmp_path, capsys):
    argv = ["--out", str(tmp_path), "--preset", "hard", "--n-ads", "400", "--burner-share", "0"]
    assert main(argv) == 0
    assert '"preset": "hard"' in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "truth.csv")) == 400


def test_command_line_yes_no_flag(tmp_path, capsys):
    argv = ["--out", str(tmp_path), "--preset", "easy", "--n-ads", "300", "--split-by-operator"]
    assert main([*argv, "no"]) == 0
    with pytest.raises(SystemExit):
        main([*argv, "maybe"])
    assert "expected 1 or 0" in capsys.readouterr().err


@pytest.fixture(scope="module")
def hard_corpus():
    return build_corpus(corpus_options("hard", n_ads=4_000, seed=8), "hard")


def test_hard_corpus_is_safe_and_its_contacts_read_back(hard_corpus):
    cols = hard_corpus.columns
    for text in cols["title"] + cols["body"]:
        folded = fold(text)
        assert not BLOCKLIST.search(folded), text
        assert not AGES.search(folded), text
    for k in range(len(cols["ad_id"])):
        phones = find_phones(cols["phone"][k]) + find_phones(cols["body"][k])
        emails = find_emails(cols["email"][k]) + find_emails(cols["body"][k])
        digits, address = hard_corpus.phone_digits[k], hard_corpus.email_address[k]
        assert set(phones) == ({digits} if digits else set()), k
        assert set(emails) == ({address} if address else set()), k
    codes = {code for city in CITIES for code in city.area_codes}
    numbers = {d for d in hard_corpus.phone_digits if d}
    assert all(int(d[:3]) in codes and (d[3:6] == "555" or d[3] == "1") for d in numbers)
    domains = {a.split("@")[1] for a in hard_corpus.email_address if a}
    assert domains <= set(texts.EMAIL_DOMAINS)


def test_hard_corpus_has_the_structures_that_make_it_hard(hard_corpus):
    frame = pd.DataFrame(
        {
            "op": hard_corpus.operator,
            "phone": hard_corpus.phone_digits,
            "email": hard_corpus.email_address,
            "french": hard_corpus.french,
            "body": hard_corpus.columns["body"],
        }
    )
    sizes = frame.groupby("op").size()
    multi = frame[frame["op"].map(sizes) >= 2]
    # Throwaway phones: numbers of one ad inside operators that post several.
    phones = multi[multi["phone"] != ""]
    once = phones["phone"].map(phones["phone"].value_counts()) == 1
    assert once.mean() > 0.2
    # No contact at all on many ads.
    assert ((frame["phone"] == "") & (frame["email"] == "")).mean() > 0.12
    # Bilingual operators.
    assert (multi.groupby("op")["french"].nunique() == 2).sum() > 0.1 * multi["op"].nunique()
    # Operators never exceed the preset's cap, whatever the corpus size.
    assert sizes.max() <= PRESETS["hard"]["max_operator_size"]
