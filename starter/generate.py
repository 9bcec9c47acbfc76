"""A safe, synthetic corpus of classified ads with known operators, for the ad-linkage task.

No real data can be shipped, so the structure that linkage methods exploit is simulated instead:
operators of heavy-tailed sizes (most ads stand alone), per-operator templates re-posted with small
edits, phones rotated over time and a few shared between unrelated operators, operators touring
several Canadian cities, English and French, and phone numbers written in many ways. The text is
generic "personal services" wording with no sexual content, no ages and no descriptions of people;
phone numbers use the fictional 555 exchange (or, past its capacity, exchanges that cannot be
dialled) and e-mails use reserved example domains.

Writes ``ads.csv`` (what participants get), ``sample_submission.csv`` and the hidden
``truth.csv`` (``ad_id,cluster_id,usage``). The same seed gives byte-identical files. Structure is
drawn with numpy; only the final text assembly is a Python loop, so a million ads take well under
a minute. Plain Python: no Django imports (the management command wraps this module).

    python -m starter.generate --out data/ --n-ads 10000 --seed 0
"""

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from .cities import CITIES
from .phones import OBFUSCATED_STYLES, PHONE_STYLES, PLAIN_STYLES
from .render import BODY_SLOTS, CONTACT, EMAIL, PUNCTUATION, SEPARATORS, render_text
from .texts import EMAIL_DOMAINS, EMAIL_WORDS, EMOJI, NAMES, SLOT_INCLUDE

ADS_COLUMNS = ("ad_id", "posted_at", "city", "title", "body", "phone", "email")
TRUTH_COLUMNS = ("ad_id", "cluster_id", "usage")
SUBMISSION_COLUMNS = ("ad_id", "cluster_id")


@dataclass(frozen=True)
class CorpusOptions:
    """Knobs of the generator; every share is a fraction in [0, 1]."""

    n_ads: int = 10_000
    seed: int = 0
    singleton_share: float = 0.6  # ads posted by an operator with no other ad
    public_share: float = 0.3  # ads whose truth row is "Public" (the rest are "Private")
    french_share: float = 0.25  # ads written in French
    cross_city_share: float = 0.25  # operators with 2+ ads that post in 2+ cities
    no_contact_share: float = 0.08  # ads with neither a phone nor an e-mail anywhere
    shared_phone_share: float = 0.02  # ads whose phone / e-mail is shared by unrelated operators
    email_share: float = 0.25  # ads with an e-mail address
    bilingual_share: float = 0.1  # operators with 2+ ads that post in both languages
    template_copy_share: float = 0.03  # operators that copy another operator's template
    phone_rotation: float = 0.08  # chance that each further ad of an operator opens a new phone
    rewrite_rate: float = 0.06  # chance that each further ad of an operator starts a rewrite
    burner_share: float = 0.0  # ads whose phone is a throwaway number used in no other ad
    paraphrase_rate: float = 0.0  # chance that an ad paraphrases its template (synonyms, order)
    writer_share: float = 0.0  # operators whose template was bought from a shared ad writer
    obscure_phone_share: float = 0.15  # operators whose usual phone column style is obfuscated
    size_exponent: float = 2.2  # operator sizes follow a power law with this exponent
    split_by_operator: bool = False  # each operator's ads split Public / Private in proportion
    max_operator_size: int = 0  # 0: min(1000, max(20, n_ads // 50))
    start: str = "2024-01-01"  # first day of the posting window (UTC)
    days: int = 120  # length of the posting window

    def __post_init__(self) -> None:
        if self.n_ads < 1:
            raise ValueError("n_ads must be at least 1")
        for f in fields(self):
            if f.name.endswith(("_share", "_rotation", "_rate")):
                value = getattr(self, f.name)
                if not 0.0 <= value <= 1.0:
                    raise ValueError(f"{f.name} must be between 0 and 1, not {value}")
        if self.size_exponent <= 1.0:
            raise ValueError("size_exponent must be above 1")
        if self.days < 1:
            raise ValueError("days must be at least 1")

    @property
    def size_cap(self) -> int:
        return self.max_operator_size or min(1000, max(20, self.n_ads // 50))


# Difficulty presets, calibrated so the starter baseline's public pairwise F1 lands near 0.90 /
# 0.70 / 0.50 (`bench/difficulty.py` prints the table; `tests/starter/test_difficulty.py` checks
# the bands on a small corpus). Operators are capped at a fixed size so that a preset gives the same
# difficulty at 3,000 and at 100,000 ads. Any knob given explicitly overrides its preset value.
# Recalibrated in issue 18 when the baseline stopped dropping every link of a contact that looks
# shared (it links the ads that still read alike): with the knobs of before it scored 0.935 /
# 0.777 / 0.566 at 3,000 ads (seeds 0-63), so easy paraphrases a little more and keeps the plain
# phone rotation and rewrite rate, standard and hard paraphrase more and use more throwaway phones,
# and hard buys a few more templates from ad writers.
PRESETS: dict[str, dict] = {
    "easy": {
        "max_operator_size": 20,
        "split_by_operator": True,
        "paraphrase_rate": 0.06,
        "writer_share": 0.04,
        "no_contact_share": 0.06,
    },
    "standard": {
        "max_operator_size": 20,
        "split_by_operator": True,
        "paraphrase_rate": 0.255,
        "burner_share": 0.3,
        "writer_share": 0.15,
        "no_contact_share": 0.11,
        "bilingual_share": 0.15,
        "cross_city_share": 0.35,
        "obscure_phone_share": 0.3,
    },
    "hard": {
        "max_operator_size": 20,
        "split_by_operator": True,
        "paraphrase_rate": 0.39,
        "burner_share": 0.46,
        "writer_share": 0.28,
        "no_contact_share": 0.18,
        "bilingual_share": 0.25,
        "cross_city_share": 0.5,
        "obscure_phone_share": 0.5,
        "phone_rotation": 0.12,
        "template_copy_share": 0.05,
    },
}
PRESET_DESCRIPTIONS = {
    "easy": "Operators re-post their templates with small edits and keep their phones for long.",
    "standard": "Operators paraphrase, switch language, use throwaway phones and buy templates.",
    "hard": "Much paraphrasing and many throwaway phones, no-contact ads and shared templates.",
}
DEFAULT_PRESET = "standard"  # what the template challenge uses unless told otherwise
# The starter baseline's public pairwise F1 each preset aims at, and the band every corpus of 3,000
# to 100,000 ads must stay in (the mean over seeds at 10,000 ads must be within 0.05).
PRESET_TARGETS = {"easy": 0.90, "standard": 0.70, "hard": 0.50}
PRESET_BAND = 0.07


# A preset's ads of repeat operators: 4,000 where 20-60 % of the corpus allows it. The baseline's
# public pairwise F1 is measured on the same-operator pairs of the Public split; with 60 % lone ads a
# 3,000-ad corpus holds only ~270 such pairs from ~100 operators, and one seed's draw then moves the
# score by ±0.1. A small corpus gets fewer lone ads (not more difficult: the score's mean stays).
# The floor was 0.4 until measured (with the baseline and presets of before issue 18's contact
# rule): hard at 3,000 ads over seeds 0-63, s.d. 0.053 and 52 seeds in band at 0.4, s.d. 0.042 and
# 58 in band at 0.2 (exact shares of the operator traits, tried instead, gave 0.049-0.052 and
# 54-55; see starter/README.md, "Calibration").
PRESET_REPEAT_ADS = 4_000
PRESET_SINGLETON_SHARE = (0.2, 0.6)


def preset_singleton_share(n_ads: int) -> float:
    """Share of lone ads in a preset's corpus of ``n_ads``: 0.2 up to 5,000 ads, 0.6 from 10,000."""
    low, high = PRESET_SINGLETON_SHARE
    return round(min(high, max(low, 1.0 - PRESET_REPEAT_ADS / max(n_ads, 1))), 4)


# A preset's Public ads: 3,000 where a 30-50 % Public split allows it. A 3,000-ad corpus has 2,400
# ads of repeat operators and a 30 % split scores only ~410 of their pairs: which of an operator's
# ads are Public moved the score by s.d. 0.032 on a fixed corpus. Pairs grow with the square of the
# share; half and half gives ~1,400 on each side (not more difficult: the score's mean stays).
# Measured at 3,000 ads over seeds 0-63 (baseline and presets of before issue 18's contact rule),
# 0.3 -> 0.5: hard s.d. 0.042 -> 0.029 and 58 -> 61 seeds in band, standard 0.035 -> 0.033 and
# 60 -> 62, easy 0.026 -> 0.022 and 63 -> 64; scoring every ad gives s.d. 0.026, the corpus's own
# spread (see starter/README.md, "Calibration").
PRESET_PUBLIC_ADS = 3_000
PRESET_PUBLIC_SHARE = (0.3, 0.5)


def preset_public_share(n_ads: int) -> float:
    """Public share of a preset's corpus of ``n_ads``: 0.5 up to 6,000 ads, 0.3 from 10,000."""
    low, high = PRESET_PUBLIC_SHARE
    return round(min(high, max(low, PRESET_PUBLIC_ADS / max(n_ads, 1))), 4)


def corpus_options(preset: str | None = None, **options) -> CorpusOptions:
    """Options of ``preset`` (None: the plain defaults) with ``options`` overriding them."""
    if preset and preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    values = dict(PRESETS.get(preset or "", {}))
    if preset:
        n_ads = options.get("n_ads", CorpusOptions.n_ads)
        values["singleton_share"] = preset_singleton_share(n_ads)
        values["public_share"] = preset_public_share(n_ads)
    return CorpusOptions(**{**values, **options})


@dataclass
class Corpus:
    """The generated columns, in output (posting time) order, plus what tests need to check."""

    columns: dict[str, list[str]]  # ADS_COLUMNS
    cluster_id: list[str]
    usage: np.ndarray  # bool, True for Public
    operator: np.ndarray  # int operator index per ad
    phone_digits: list[str]  # the ad's true number, "" when it has none
    email_address: list[str]  # the ad's true address, "" when it has none
    french: np.ndarray  # bool
    summary: dict


# --------------------------------------------------------------------------------------------
# Structure: operators, cities, languages, times, contacts (numpy)


def _operator_sizes(rng: np.random.Generator, opts: CorpusOptions) -> np.ndarray:
    """Sizes of all clusters: heavy-tailed operators of 2+ ads, then the singletons."""
    multi_total = int(round((1.0 - opts.singleton_share) * opts.n_ads))
    cap = max(2, opts.size_cap)
    if multi_total < 2:
        return np.ones(opts.n_ads, dtype=np.int64)
    support = np.arange(2, cap + 1)
    pmf = support.astype(float) ** -opts.size_exponent
    pmf /= pmf.sum()
    mean = float(support @ pmf)
    draws: list[np.ndarray] = []
    total = 0
    while total < multi_total:
        draw = rng.choice(support, size=int((multi_total - total) / mean * 1.1) + 16, p=pmf)
        draws.append(draw)
        total += int(draw.sum())
    sizes = np.concatenate(draws)
    last = int(np.searchsorted(np.cumsum(sizes), multi_total))
    sizes = sizes[: last + 1].copy()
    sizes[-1] -= int(sizes.sum()) - multi_total
    if sizes[-1] < 2:  # a remainder of one ad joins the previous operator
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    singles = np.ones(opts.n_ads - multi_total, dtype=np.int64)
    return np.concatenate([sizes.astype(np.int64), singles])


def _french_probability(
    sizes: np.ndarray, city_french: np.ndarray, bilingual: np.ndarray, target: float
) -> np.ndarray:
    """Per-operator chance of writing in French, scaled so the expected ad share is ``target``."""
    fixed = float((sizes * bilingual).sum()) * 0.5
    weight = sizes * ~bilingual
    lo, hi = 0.0, 1e4
    for _ in range(60):
        k = (lo + hi) / 2
        expected = fixed + float((weight * np.minimum(1.0, k * city_french)).sum())
        lo, hi = (k, hi) if expected < target * sizes.sum() else (lo, k)
    return np.minimum(1.0, lo * city_french)


def _rank_in_group(group: np.ndarray, key: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Position of each item within its group when the group is sorted by ``key``."""
    order = np.lexsort((key, group))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - offsets[group[order]]
    return rank


def _period(rank: np.ndarray, size: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Which of ``periods`` consecutive time periods the ``rank``-th of ``size`` ads falls in."""
    return np.minimum(periods - 1, rank * periods // size)


def _phone_numbers(rng: np.random.Generator, area_codes: np.ndarray) -> np.ndarray:
    """Distinct 10-digit numbers, one per entry of ``area_codes``.

    The exchange is 555 (reserved for fiction) while an area code has room; past 10,000 numbers
    in one area code, exchanges 100-199 follow, which cannot be dialled in North America.
    """
    numbers = np.empty(len(area_codes), dtype=np.int64)
    for code in np.unique(area_codes):
        where = np.flatnonzero(area_codes == code)
        blocks = min(101, -(-2 * len(where) // 10_000))
        picks = rng.choice(blocks * 10_000, size=len(where), replace=False)
        exchange = np.where(picks < 10_000, 555, 99 + picks // 10_000)
        numbers[where] = int(code) * 10_000_000 + exchange * 10_000 + picks % 10_000
    return numbers


def _email_addresses(rng: random.Random, count: int) -> list[str]:
    """Distinct addresses at reserved example domains."""
    seen: set[str] = set()
    out: list[str] = []
    for _ in range(count):
        while True:
            first, second = rng.choice(EMAIL_WORDS), rng.choice(EMAIL_WORDS)
            tail = str(rng.randrange(10, 10_000)) if rng.random() < 0.7 else ""
            local = rng.choice((first + second, f"{first}.{second}", f"{first}_{second}", first))
            address = f"{local}{tail}@{rng.choice(EMAIL_DOMAINS)}"
            if address not in seen:
                break
        seen.add(address)
        out.append(address)
    return out


def _zipf_assign(rng: np.random.Generator, count: int, pool: int) -> np.ndarray:
    """``count`` draws from ``pool`` items with Zipf-like popularity (a few hubs, many small)."""
    weights = 1.0 / np.arange(1, pool + 1)
    return rng.choice(pool, size=count, p=weights / weights.sum())


# --------------------------------------------------------------------------------------------
# The generator


CITY_WEIGHT = np.array([c.weight for c in CITIES]) / sum(c.weight for c in CITIES)
CITY_FRENCH = np.array([c.french for c in CITIES])


@dataclass
class _Operators:
    """Per-operator draws (one row per operator, singletons included)."""

    sizes: np.ndarray
    first: np.ndarray  # index of the operator's first ad before sorting by time
    home: np.ndarray  # city index
    bilingual: np.ndarray
    french: np.ndarray
    tour_size: np.ndarray  # number of cities toured (1 for most)
    tours: np.ndarray  # (n_ops, 4) city indices, home first
    start: np.ndarray  # seconds from the window start
    duration: np.ndarray
    n_phones: np.ndarray
    n_emails: np.ndarray
    n_campaigns: np.ndarray
    campaign_salt: int
    email_rate: np.ndarray
    column_rate: np.ndarray
    column_style: np.ndarray
    body_style: np.ndarray
    # Writing habits.
    template: np.ndarray  # (n_ops, n_slots) raw template draws
    variant: np.ndarray  # (n_ops, n_slots) raw variant draws
    include: np.ndarray  # (n_ops, n_slots) bool
    order_key: np.ndarray  # (n_ops, n_slots) sort key of the slots
    title: np.ndarray  # (n_ops, 3): template, alternative template, variant
    name: np.ndarray  # (n_ops, 2) persona and occasional second persona
    emoji: list[str]  # signature
    emoji_place: np.ndarray
    punctuation: np.ndarray
    separator: np.ndarray
    title_case: np.ndarray
    shouty: np.ndarray
    typo_rate: np.ndarray
    edit_rate: np.ndarray
    paraphrase_rate: float = 0.0

    @property
    def multi(self) -> np.ndarray:
        return self.sizes >= 2


def _buy_templates(
    rng: np.random.Generator,
    share: float,
    template: np.ndarray,
    variant: np.ndarray,
    include: np.ndarray,
    order_key: np.ndarray,
    title: np.ndarray,
    habits: tuple[np.ndarray, ...],
) -> None:
    """Ad writers: groups of 2-6 unrelated operators post one template bought from the same writer.

    Every buyer gets the writer's sentences, order, title and punctuation habits, and keeps most
    of the wording: false friends for text methods, told apart only by contacts, persona, emoji
    and posting patterns. Operators of one ad buy too.
    """
    n_ops = len(template)
    buyers = np.flatnonzero(rng.random(n_ops) < share)
    rng.shuffle(buyers)
    group_sizes = rng.integers(2, 7, size=len(buyers) // 2 + 1)
    bounds = np.concatenate([[0], np.cumsum(group_sizes)])
    writer = np.repeat(np.arange(len(group_sizes)), group_sizes)[: len(buyers)]
    lead = buyers[bounds[writer]]
    keep = lead != buyers
    buyers, lead = buyers[keep], lead[keep]
    for table in (template, include, order_key, *habits):
        table[buyers] = table[lead]
    title[buyers] = title[lead]
    same_words = rng.random((len(buyers), variant.shape[1])) < 0.6
    variant[buyers] = np.where(same_words, variant[lead], variant[buyers])


def _draw_operators(
    rng: np.random.Generator, opts: CorpusOptions, extra_rng: np.random.Generator
) -> _Operators:
    sizes = _operator_sizes(rng, opts)
    n_ops = len(sizes)
    n_cities = len(CITIES)
    multi = sizes >= 2
    home = rng.choice(n_cities, size=n_ops, p=CITY_WEIGHT)
    bilingual = multi & (rng.random(n_ops) < opts.bilingual_share)
    p_french = _french_probability(sizes, CITY_FRENCH[home], bilingual, opts.french_share)
    french = rng.random(n_ops) < p_french

    # Cities toured by cross-city operators: home first, then up to three others.
    cross = multi & (rng.random(n_ops) < opts.cross_city_share)
    tour_size = np.where(cross, np.minimum(sizes, 1 + rng.geometric(0.55, n_ops)), 1)
    tour_size = np.clip(tour_size, 1, 4)
    tour_size[cross] = np.maximum(tour_size[cross], 2)
    tours = np.repeat(home[:, None], 4, axis=1)
    crossing = np.flatnonzero(cross)
    keys = np.log(CITY_WEIGHT)[None, :] + rng.gumbel(size=(len(crossing), n_cities))
    keys[np.arange(len(crossing)), home[crossing]] = -np.inf
    tours[crossing, 1:] = np.argsort(-keys, axis=1)[:, :3]

    # Posting periods (seconds from the window start).
    window = opts.days * 86_400
    duration = np.where(
        multi, np.minimum(window, rng.exponential(86_400 * (12 + 0.5 * sizes))), 0.0
    )
    start = rng.random(n_ops) * (window - duration)

    # Contact habits.
    n_phones = np.minimum(sizes, 1 + rng.binomial(sizes - 1, opts.phone_rotation))
    n_emails = np.minimum(sizes, 1 + rng.binomial(sizes - 1, 0.03))
    # Campaigns: now and then an operator rewrites part of its template, independently of phones.
    n_campaigns = np.minimum(sizes, 1 + rng.binomial(sizes - 1, opts.rewrite_rate))
    campaign_salt = int(rng.integers(0, 1 << 62))
    contact_share = max(1e-9, 1.0 - opts.no_contact_share)
    email_mean = min(0.98, opts.email_share / contact_share)
    email_rate = rng.beta(0.6, 0.6 * (1 - email_mean) / max(email_mean, 1e-9), n_ops)
    column_rate = np.where(rng.random(n_ops) < 0.8, 0.92, 0.25)
    plain_weights = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.05])
    column_style = np.where(
        rng.random(n_ops) < 1.0 - opts.obscure_phone_share,
        rng.choice(len(PLAIN_STYLES), size=n_ops, p=plain_weights),
        len(PLAIN_STYLES) + rng.integers(0, len(OBFUSCATED_STYLES), n_ops),
    )
    body_style = np.where(
        rng.random(n_ops) < max(0.5, opts.obscure_phone_share),
        len(PLAIN_STYLES) + rng.integers(0, len(OBFUSCATED_STYLES), n_ops),
        rng.integers(0, len(PLAIN_STYLES), n_ops),
    )

    # Writing habits: the template (slot choices, order), persona, signature, punctuation.
    n_slots = len(BODY_SLOTS)
    include_p = np.array([SLOT_INCLUDE.get(s, 0.0) for s in BODY_SLOTS])
    template = rng.integers(0, 1 << 30, size=(n_ops, n_slots))
    variant = rng.integers(0, 1 << 30, size=(n_ops, n_slots))
    include = rng.random((n_ops, n_slots)) < include_p
    order_key = np.arange(n_slots) + rng.normal(0.0, 0.6, size=(n_ops, n_slots))
    order_key[:, 0] = -10.0  # a greeting always opens
    order_key[:, EMAIL] = order_key[:, CONTACT] + 0.01
    title = rng.integers(0, 1 << 30, size=(n_ops, 3))
    name = rng.integers(0, len(NAMES), size=(n_ops, 2))
    emoji_count = rng.choice(4, size=n_ops, p=[0.3, 0.3, 0.25, 0.15])
    emoji_ids = rng.integers(0, len(EMOJI), size=(n_ops, 3))
    emoji_place = rng.integers(0, 4, size=n_ops)  # title start, title end, body end, both ends
    punctuation = rng.integers(0, len(PUNCTUATION), size=n_ops)
    separator = rng.integers(0, len(SEPARATORS), size=n_ops)
    title_case = rng.choice(4, size=n_ops, p=[0.6, 0.25, 0.05, 0.1])
    shouty = rng.random(n_ops) < 0.04
    typo_rate = rng.choice([0.02, 0.1, 0.3], size=n_ops, p=[0.5, 0.35, 0.15])
    edit_rate = rng.uniform(0.05, 0.45, size=n_ops)

    # A few operators copy another operator's template (a false text link).
    copiers = np.flatnonzero(multi & (rng.random(n_ops) < opts.template_copy_share))
    if len(copiers) and multi.sum() > 1:
        sources = rng.choice(np.flatnonzero(multi), size=len(copiers))
        for table in (template, include, order_key, punctuation):
            table[copiers] = table[sources]
        title[copiers, :2] = title[sources, :2]
        # The copy keeps the sentences but about half of the wording choices.
        same_words = rng.random((len(copiers), n_slots)) < 0.5
        variant[copiers] = np.where(same_words, variant[sources], variant[copiers])

    if opts.writer_share > 0:
        _buy_templates(
            extra_rng, opts.writer_share, template, variant, include, order_key, title,
            (punctuation, separator, emoji_place),
        )  # fmt: skip

    emoji = [
        "".join(EMOJI[e] for e in ids[:count])
        for ids, count in zip(emoji_ids.tolist(), emoji_count.tolist(), strict=True)
    ]
    return _Operators(
        sizes=sizes,
        first=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        home=home,
        bilingual=bilingual,
        french=french,
        tour_size=tour_size,
        tours=tours,
        start=start,
        duration=duration,
        n_phones=n_phones,
        n_emails=n_emails,
        n_campaigns=n_campaigns,
        campaign_salt=campaign_salt,
        email_rate=email_rate,
        column_rate=column_rate,
        column_style=column_style,
        body_style=body_style,
        template=template,
        variant=variant,
        include=include,
        order_key=order_key,
        title=title,
        name=name,
        emoji=emoji,
        emoji_place=emoji_place,
        punctuation=punctuation,
        separator=separator,
        title_case=title_case,
        shouty=shouty,
        typo_rate=typo_rate,
        edit_rate=edit_rate,
        paraphrase_rate=opts.paraphrase_rate,
    )


@dataclass
class _Ads:
    """Per-ad draws, in generation order (grouped by operator); `order` sorts them by time."""

    op: np.ndarray
    seconds: np.ndarray  # posting time, seconds from the window start
    campaign: np.ndarray
    city: np.ndarray
    french: np.ndarray
    no_contact: np.ndarray
    has_phone: np.ndarray
    has_email: np.ndarray
    phone_id: np.ndarray  # index into phone_table
    email_id: np.ndarray  # index into email_table
    shared_phone: np.ndarray
    shared_email: np.ndarray
    phone_in_column: np.ndarray
    phone_in_body: np.ndarray
    email_in_column: np.ndarray
    email_in_body: np.ndarray
    column_style: np.ndarray
    body_style: np.ndarray
    phone_table: list[str]  # 10-digit numbers
    email_table: list[str]


def _draw_ads(
    rng: np.random.Generator,
    py_rng: random.Random,
    opts: CorpusOptions,
    ops: _Operators,
    extra_rng: np.random.Generator,
) -> _Ads:
    n = opts.n_ads
    n_cities = len(CITIES)
    op = np.repeat(np.arange(len(ops.sizes)), ops.sizes)
    size_of = ops.sizes[op]
    posted = ops.start[op] + rng.random(n) * ops.duration[op]
    rank = _rank_in_group(op, posted, ops.first)
    tour_size = ops.tour_size[op]
    leg = _period(rank, size_of, tour_size)
    first_of_leg = (rank == 0) | (_period(np.maximum(rank - 1, 0), size_of, tour_size) != leg)
    on_tour = first_of_leg | (rng.random(n) < 0.75)
    city = np.where(on_tour, ops.tours[op, leg], ops.home[op])
    french = np.where(ops.bilingual[op], rng.random(n) < 0.5, ops.french[op])

    no_contact = rng.random(n) < opts.no_contact_share
    has_email = ~no_contact & (rng.random(n) < ops.email_rate[op])
    has_phone = ~no_contact & (~has_email | (rng.random(n) < 0.75))

    # Phones and e-mails used in consecutive periods; phones overlap a little at the edges.
    n_phones = ops.n_phones[op]
    phone_first = np.concatenate([[0], np.cumsum(ops.n_phones)[:-1]])
    jitter = np.where(rng.random(n) < 0.1, rng.integers(-1, 2, n), 0)
    phone_period = np.clip(_period(rank, size_of, n_phones) + jitter, 0, n_phones - 1)
    phone_id = phone_first[op] + phone_period
    email_first = np.concatenate([[0], np.cumsum(ops.n_emails)[:-1]])
    email_id = email_first[op] + _period(rank, size_of, ops.n_emails[op])
    campaign = _period(rank, size_of, ops.n_campaigns[op])

    # Shared contacts: a small pool, Zipf-popular, used by ads of unrelated operators.
    n_own_phones, n_own_emails = int(ops.n_phones.sum()), int(ops.n_emails.sum())
    shared_phone = has_phone & (rng.random(n) < opts.shared_phone_share)
    shared_email = has_email & (rng.random(n) < opts.shared_phone_share)
    phone_pool = max(1, int(shared_phone.sum()) // 8)
    email_pool = max(1, int(shared_email.sum()) // 8)
    phone_id[shared_phone] = n_own_phones + _zipf_assign(rng, int(shared_phone.sum()), phone_pool)
    email_id[shared_email] = n_own_emails + _zipf_assign(rng, int(shared_email.sum()), email_pool)

    # Numbers carry an area code of the operator's home city (any city for shared ones).
    code_table = np.zeros((n_cities, 3), dtype=np.int64)
    code_count = np.array([len(c.area_codes) for c in CITIES])
    for i, c in enumerate(CITIES):
        code_table[i, : len(c.area_codes)] = c.area_codes
    phone_city = np.concatenate(
        [np.repeat(ops.home, ops.n_phones), rng.choice(n_cities, size=phone_pool, p=CITY_WEIGHT)]
    )
    phone_code = code_table[
        phone_city, (rng.random(len(phone_city)) * code_count[phone_city]).astype(int)
    ]
    if opts.burner_share > 0:
        # Throwaway numbers: one ad each, with an area code of the operator's home city.
        burner = np.flatnonzero(
            has_phone & ~shared_phone & (extra_rng.random(n) < opts.burner_share)
        )
        phone_id[burner] = len(phone_code) + np.arange(len(burner))
        home = ops.home[op[burner]]
        pick = (extra_rng.random(len(burner)) * code_count[home]).astype(int)
        phone_code = np.concatenate([phone_code, code_table[home, pick]])
    phone_table = [f"{x:010d}" for x in _phone_numbers(rng, phone_code).tolist()]
    email_table = _email_addresses(py_rng, n_own_emails + email_pool)

    phone_in_column = has_phone & (rng.random(n) < ops.column_rate[op])
    phone_in_body = has_phone & (~phone_in_column | (rng.random(n) < 0.35))
    email_in_column = has_email & (rng.random(n) < 0.7)
    email_in_body = has_email & (~email_in_column | (rng.random(n) < 0.2))
    usual = rng.random((n, 2)) < 0.75
    any_style = rng.integers(0, len(PHONE_STYLES), size=(n, 2))
    return _Ads(
        op=op,
        seconds=posted.astype(np.int64),
        campaign=campaign,
        city=city,
        french=french,
        no_contact=no_contact,
        has_phone=has_phone,
        has_email=has_email,
        phone_id=phone_id,
        email_id=email_id,
        shared_phone=shared_phone,
        shared_email=shared_email,
        phone_in_column=phone_in_column,
        phone_in_body=phone_in_body,
        email_in_column=email_in_column,
        email_in_body=email_in_body,
        column_style=np.where(usual[:, 0], ops.column_style[op], any_style[:, 0]),
        body_style=np.where(usual[:, 1], ops.body_style[op], any_style[:, 1]),
        phone_table=phone_table,
        email_table=email_table,
    )


def _summary(opts: CorpusOptions, ops: _Operators, ads: _Ads, usage: np.ndarray) -> dict:
    """What was generated, measured on the draws themselves."""
    n_cities = len(CITIES)
    multi = ops.multi
    cities_per_op = np.bincount(
        np.unique(ads.op * n_cities + ads.city) // n_cities, minlength=len(ops.sizes)
    )
    n_multi = int(multi.sum())
    return {
        "n_ads": opts.n_ads,
        "seed": opts.seed,
        "n_clusters": len(ops.sizes),
        "n_operators": n_multi,
        "largest_operator": int(ops.sizes.max()),
        "singleton_share": float((ops.sizes == 1).sum() / opts.n_ads),
        "public_share": float(usage.mean()),
        "french_share": float(ads.french.mean()),
        "cross_city_operator_share": float((cities_per_op[multi] >= 2).mean()) if n_multi else 0.0,
        "no_contact_share": float(ads.no_contact.mean()),
        "email_share": float(ads.has_email.mean()),
        "shared_phone_ads": int(ads.shared_phone.sum()),
        "shared_email_ads": int(ads.shared_email.sum()),
        "n_phones": int(len(np.unique(ads.phone_id[ads.has_phone]))),
        "n_emails": int(len(np.unique(ads.email_id[ads.has_email]))),
    }


def build_corpus(opts: CorpusOptions, preset: str | None = None) -> Corpus:
    """Generate the corpus in memory (see module docstring); `generate_corpus` writes it."""
    started = time.perf_counter()
    # Streams 0-3 predate the paraphrase / writer knobs, which draw from stream 4 only: with those
    # knobs at 0, a seed gives the same corpus as before they existed.
    seeds = np.random.SeedSequence(opts.seed).spawn(5)
    rng = np.random.default_rng(seeds[0])  # structure
    text_rng = np.random.default_rng(seeds[1])  # per-ad text edits
    usage_rng = np.random.default_rng(seeds[2])  # Public / Private
    py_rng = random.Random(int(seeds[3].generate_state(1)[0]))  # formatting details
    extra_rng = np.random.default_rng(seeds[4])  # ad writers, paraphrases

    ops = _draw_operators(rng, opts, extra_rng)
    ads = _draw_ads(rng, py_rng, opts, ops, extra_rng)

    # Output order: by posting time; ids are a bijective scramble of that position.
    n = opts.n_ads
    order = np.lexsort((rng.random(n), ads.seconds))
    salt = int(rng.integers(0, 1 << 32))
    scrambled = (
        np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(salt)
    ) & np.uint64(0xFFFFFFFF)
    base = np.datetime64(opts.start, "s")
    op_label = rng.permutation(len(ops.sizes))
    width = len(str(len(ops.sizes)))
    cluster_of_op = [f"op_{x:0{width}d}" for x in op_label.tolist()]

    text = render_text(text_rng, py_rng, ops, ads, order, extra_rng)
    if opts.split_by_operator:
        usage = _usage_by_operator(usage_rng, ads.op[order], opts.public_share)
    else:
        usage = usage_rng.random(n) < opts.public_share
    ordered_op = ads.op[order]
    phone_of = np.where(ads.has_phone, ads.phone_id, -1)[order].tolist()
    email_of = np.where(ads.has_email, ads.email_id, -1)[order].tolist()
    columns = {
        "ad_id": [f"ad_{x:08x}" for x in scrambled.tolist()],
        "posted_at": np.char.add(
            np.datetime_as_string(base + ads.seconds[order], unit="s"), "Z"
        ).tolist(),
        "city": [CITIES[c].name for c in ads.city[order].tolist()],
        **text,
    }
    summary = _summary(opts, ops, ads, usage)
    summary["preset"] = preset or ""
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return Corpus(
        columns=columns,
        cluster_id=[cluster_of_op[o] for o in ordered_op.tolist()],
        usage=usage,
        operator=ordered_op,
        phone_digits=[ads.phone_table[p] if p >= 0 else "" for p in phone_of],
        email_address=[ads.email_table[e] if e >= 0 else "" for e in email_of],
        french=ads.french[order],
        summary=summary,
    )


def _usage_by_operator(rng: np.random.Generator, op: np.ndarray, share: float) -> np.ndarray:
    """Public flags with each operator's ads split in proportion: floor or ceil of share × size.

    Systematic sampling within each operator (its ads in a random order, one random offset per
    operator), so an operator of 20 ads has 6 Public ads, never 2 or 11; lone ads are Public with
    chance ``share``. Which ads are Public stays unknowable from the ads themselves.
    """
    n = len(op)
    order = np.lexsort((rng.random(n), op))
    sorted_op = op[order]
    starts = np.flatnonzero(np.r_[True, sorted_op[1:] != sorted_op[:-1]])
    rank = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    offset = rng.random(int(op.max()) + 1 if n else 0)[sorted_op]
    public = np.floor((rank + 1) * share + offset) - np.floor(rank * share + offset) == 1
    usage = np.empty(n, dtype=bool)
    usage[order] = public
    return usage


def _write_csv(path: Path, columns: dict[str, list[str]]) -> None:
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    options = pa_csv.WriteOptions(quoting_style="needed", quoting_header="none")
    pa_csv.write_csv(table, path, write_options=options)


def generate_corpus(out_dir: str | Path, preset: str | None = None, **options) -> dict:
    """Write ads.csv, sample_submission.csv and truth.csv into ``out_dir``; return a summary.

    ``preset`` is one of `PRESETS` (None: the plain defaults); keyword arguments are the fields
    of `CorpusOptions` (``n_ads``, ``seed``, the shares, ...) and override the preset's values.
    """
    opts = corpus_options(preset, **options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(opts, preset)
    started = time.perf_counter()
    ad_ids = corpus.columns["ad_id"]
    _write_csv(out / "ads.csv", corpus.columns)
    _write_csv(out / "sample_submission.csv", {"ad_id": ad_ids, "cluster_id": ad_ids})
    usage = np.where(corpus.usage, "Public", "Private").tolist()
    _write_csv(
        out / "truth.csv", {"ad_id": ad_ids, "cluster_id": corpus.cluster_id, "usage": usage}
    )
    summary = dict(corpus.summary)
    summary["seconds"] = round(summary["seconds"] + time.perf_counter() - started, 3)
    summary["files"] = {
        name: str(out / name) for name in ("ads.csv", "sample_submission.csv", "truth.csv")
    }
    return summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one ``--flag`` per `CorpusOptions` field (shared with the management command)."""
    parser.add_argument("--out", required=True, help="directory to write the three CSV files to")
    parser.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help="difficulty preset; flags given explicitly override its values (default: none)",
    )
    for f in fields(CorpusOptions):
        flag = "--" + f.name.replace("_", "-")
        kind = _yes_no if isinstance(f.default, bool) else type(f.default)
        parser.add_argument(
            flag, dest=f.name, type=kind, default=None, help=f"default: {f.default}"
        )


def _yes_no(text: str) -> bool:
    """``--split-by-operator 1`` / ``0`` (also yes / no, true / false)."""
    value = text.strip().lower()
    if value not in {"1", "0", "yes", "no", "true", "false"}:
        raise argparse.ArgumentTypeError(f"expected 1 or 0, not {text!r}")
    return value in {"1", "yes", "true"}


def options_from(namespace: argparse.Namespace | dict) -> dict:
    """The options given explicitly (None means "the preset's or the default value")."""
    values = vars(namespace) if isinstance(namespace, argparse.Namespace) else namespace
    return {f.name: values[f.name] for f in fields(CorpusOptions) if values.get(f.name) is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m starter.generate", description=__doc__.split("\n")[0]
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        summary = generate_corpus(args.out, args.preset, **options_from(args))
    except ValueError as exc:
        parser.error(str(exc))
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
