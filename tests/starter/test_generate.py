import re
import unicodedata
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from starter import texts
from starter.cities import CITIES
from starter.generate import (
    ADS_COLUMNS,
    CorpusOptions,
    build_corpus,
    generate_corpus,
    main,
)
from starter.phones import find_emails, find_phones

BLOCKLIST = re.compile(
    r"\b(sex\w*|nude|naked|escort\w*|erotic\w*|erotique|fetish\w*|xxx|massage\w*|incall|outcall|"
    r"gfe|bbbj|busty|petite|curvy|slim|blonde|brunette|young|jeune|teen\w*|girl\w*|fille\w*|"
    r"boy\w*|barely|kiss\w*|bisou\w*|sensual\w*|sensuel\w*|intimate|intime|body|corps|breast\w*|"
    r"lingerie|hot|horny|naughty|coquin\w*|seduct\w*|seduis\w*|pleasure|plaisir\w*|spa|bdsm)\b"
)
AGES = re.compile(r"\bages?\b|\bage[ds]?\b|years?\s+old|\b\d+\s*(yo|y/o|yrs?|ans)\b|\bans\b")
FRENCH_WORDS = re.compile(r"\b(je|vous|services personnels|rendez-vous|disponible|à|au|merci)\b")
ENGLISH_WORDS = re.compile(r"\b(i|the|and|personal services|available|appointments?|in|for)\b")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def load(directory):
    read = {"dtype": str, "keep_default_na": False}
    ads = pd.read_csv(directory / "ads.csv", **read)
    truth = pd.read_csv(directory / "truth.csv", **read)
    sample = pd.read_csv(directory / "sample_submission.csv", **read)
    return ads, truth, sample


@pytest.fixture(scope="module")
def default_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("default")
    summary = generate_corpus(out, n_ads=10_000, seed=0)
    return out, summary


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    names = ("ads.csv", "truth.csv", "sample_submission.csv")
    first, second, other = (tmp_path / "a", tmp_path / "b", tmp_path / "c")
    generate_corpus(first, n_ads=2_000, seed=11)
    generate_corpus(second, n_ads=2_000, seed=11)
    generate_corpus(other, n_ads=2_000, seed=12)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / "ads.csv").read_bytes() != (other / "ads.csv").read_bytes()
    assert (first / "truth.csv").read_bytes() != (other / "truth.csv").read_bytes()


def test_files_and_columns(default_corpus):
    out, summary = default_corpus
    ads, truth, sample = load(out)
    assert tuple(ads.columns) == ADS_COLUMNS
    assert list(truth.columns) == ["ad_id", "cluster_id", "usage"]
    assert list(sample.columns) == ["ad_id", "cluster_id"]
    assert (out / "ads.csv").read_text(encoding="utf-8").startswith(",".join(ADS_COLUMNS) + "\n")
    assert len(ads) == summary["n_ads"] == 10_000
    assert ads["ad_id"].is_unique
    assert list(truth["ad_id"]) == list(ads["ad_id"]) == list(sample["ad_id"])
    assert ads["ad_id"].str.fullmatch(r"ad_[0-9a-f]{8}").all()
    assert set(truth["usage"]) == {"Public", "Private"}
    assert set(ads["city"]) <= {c.name for c in CITIES}
    assert (ads["title"] != "").all() and (ads["body"] != "").all()
    posted = pd.to_datetime(ads["posted_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
    assert posted.is_monotonic_increasing
    assert posted.min() >= datetime(2024, 1, 1, tzinfo=UTC)
    assert posted.max() < datetime(2024, 5, 1, tzinfo=UTC)
    assert truth["cluster_id"].nunique() == summary["n_clusters"]


def measured_shares(ads: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Shares measured from the files alone, the way a participant could."""
    sizes = truth["cluster_id"].map(truth["cluster_id"].value_counts())
    multi = truth[sizes > 1].assign(city=ads["city"][sizes > 1])
    cities = multi.groupby("cluster_id")["city"].nunique()
    text = (ads["title"] + " " + ads["body"]).map(fold)
    french = text.str.count(FRENCH_WORDS) > text.str.count(ENGLISH_WORDS)
    contact = [
        bool(phone or email or find_phones(title + " " + body) or find_emails(body))
        for title, body, phone, email in zip(
            ads["title"], ads["body"], ads["phone"], ads["email"], strict=True
        )
    ]
    return {
        "singleton_share": float((sizes == 1).mean()),
        "public_share": float((truth["usage"] == "Public").mean()),
        "cross_city_share": float((cities >= 2).mean()),
        "french_share": float(french.mean()),
        "no_contact_share": 1.0 - float(np.mean(contact)),
    }


TOLERANCE = {
    "singleton_share": 0.01,
    "public_share": 0.03,
    "cross_city_share": 0.06,
    "french_share": 0.06,
    "no_contact_share": 0.02,
}


@pytest.mark.parametrize(
    "requested",
    [
        {},
        {
            "singleton_share": 0.4,
            "public_share": 0.5,
            "french_share": 0.5,
            "cross_city_share": 0.5,
            "no_contact_share": 0.2,
        },
    ],
    ids=["defaults", "changed"],
)
def test_requested_shares_come_out(tmp_path, requested):
    generate_corpus(tmp_path, n_ads=8_000, seed=3, **requested)
    ads, truth, _ = load(tmp_path)
    measured = measured_shares(ads, truth)
    defaults = CorpusOptions()
    for name, tolerance in TOLERANCE.items():
        target = requested.get(name, getattr(defaults, name))
        assert abs(measured[name] - target) <= tolerance, (name, measured[name], target)


def test_operator_sizes_are_heavy_tailed(default_corpus):
    out, summary = default_corpus
    _, truth, _ = load(out)
    sizes = truth["cluster_id"].value_counts()
    multi = sizes[sizes > 1]
    assert summary["n_operators"] == len(multi)
    assert (multi <= 5).mean() > 0.6  # most operators post a handful of ads
    assert multi.max() >= 50  # and a few post many
    assert summary["largest_operator"] == multi.max()


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(CorpusOptions(n_ads=6_000, seed=5))


def test_every_written_contact_reads_back(corpus):
    cols = corpus.columns
    for k in range(len(cols["ad_id"])):
        phones = find_phones(cols["phone"][k]) + find_phones(cols["body"][k])
        emails = find_emails(cols["email"][k]) + find_emails(cols["body"][k])
        digits, address = corpus.phone_digits[k], corpus.email_address[k]
        assert set(phones) == ({digits} if digits else set()), (
            k,
            cols["phone"][k],
            cols["body"][k],
        )
        assert set(emails) == ({address} if address else set()), (k, cols["body"][k])


def test_contacts_are_fictional(corpus):
    codes = {code for city in CITIES for code in city.area_codes}
    numbers = {d for d in corpus.phone_digits if d}
    assert numbers
    assert all(int(d[:3]) in codes and (d[3:6] == "555" or d[3] == "1") for d in numbers)
    domains = {a.split("@")[1] for a in corpus.email_address if a}
    assert domains <= set(texts.EMAIL_DOMAINS)


def test_phones_rotate_and_some_are_shared(corpus):
    frame = pd.DataFrame({"op": corpus.operator, "phone": corpus.phone_digits})
    frame = frame[frame["phone"] != ""]
    phones_per_op = frame.groupby("op")["phone"].nunique()
    ops_per_phone = frame.groupby("phone")["op"].nunique()
    assert phones_per_op.max() >= 5
    assert (ops_per_phone >= 2).sum() >= 3


def test_operators_post_in_both_languages_sometimes(corpus):
    languages = pd.Series(corpus.french).groupby(corpus.operator).nunique()
    assert 0 < (languages == 2).sum() < 0.2 * len(languages)


def test_no_explicit_words_and_no_ages_in_pools_or_ads(default_corpus):
    out, _ = default_corpus
    ads, _, _ = load(out)
    phrases = [v for lang in (0, 1) for pool in texts.pools(lang).values() for t in pool for v in t]
    words = list(texts.NAMES) + list(texts.EMAIL_WORDS) + [c.name for c in CITIES]
    for text in phrases + words + list(ads["title"]) + list(ads["body"]):
        folded = fold(text)
        assert not BLOCKLIST.search(folded), text
        assert not AGES.search(folded), text


def test_blocklist_would_catch_explicit_text():
    assert BLOCKLIST.search(fold("Sexy new girl in town"))
    assert AGES.search("sweet 21yo") and AGES.search("j'ai 25 ans") and AGES.search("age 30")


def test_options_are_validated():
    with pytest.raises(ValueError):
        CorpusOptions(public_share=1.5)
    with pytest.raises(ValueError):
        CorpusOptions(n_ads=0)


def test_all_singletons_and_tiny_corpora(tmp_path):
    summary = generate_corpus(tmp_path, n_ads=5, seed=1, singleton_share=1.0)
    assert summary["n_operators"] == 0 and summary["singleton_share"] == 1.0
    summary = generate_corpus(tmp_path, n_ads=3, seed=1, singleton_share=0.0)
    assert summary["n_clusters"] == 1


def test_command_line(tmp_path, capsys):
    assert (
        main(["--out", str(tmp_path), "--n-ads", "300", "--seed", "4", "--public-share", "0.5"])
        == 0
    )
    assert '"n_ads": 300' in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "truth.csv")) == 300
