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
from .phones import OBFUSCATED_STYLES, PHONE_STYLES, PLAIN_STYLES, format_email, format_phone
from .texts import EMAIL_DOMAINS, EMAIL_WORDS, EMOJI, NAMES, SLOT_INCLUDE, SLOT_POOL, SLOTS, pools

ADS_COLUMNS = ("ad_id", "posted_at", "city", "title", "body", "phone", "email")
TRUTH_COLUMNS = ("ad_id", "cluster_id", "usage")
SUBMISSION_COLUMNS = ("ad_id", "cluster_id")

# Body slots plus the optional e-mail line, which goes right after the contact line.
BODY_SLOTS = SLOTS + ("email",)
CONTACT = BODY_SLOTS.index("contact")
EMAIL = BODY_SLOTS.index("email")
POOL_NAMES = ("title", *dict.fromkeys(SLOT_POOL.get(s, s) for s in BODY_SLOTS), "contact_no_phone")
PUNCTUATION = (".", ".", "!", "", "!!", " ~", "...")
SEPARATORS = (" ", " ", "  ", "\n", " | ", " • ", " - ")
CHUNK = 100_000


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
    size_exponent: float = 2.2  # operator sizes follow a power law with this exponent
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
# Text tables


class _Sentences:
    """Every variant of every template, flattened, with numpy tables to address them."""

    def __init__(self) -> None:
        self.text: list[str] = []
        n_pools = len(POOL_NAMES)
        width = max(len(pools(lang)[p]) for lang in (0, 1) for p in POOL_NAMES)
        self.templates = np.zeros((2, n_pools), dtype=np.int64)
        self.offset = np.zeros((2, n_pools, width), dtype=np.int64)
        self.variants = np.ones((2, n_pools, width), dtype=np.int64)
        for lang in (0, 1):
            for p, name in enumerate(POOL_NAMES):
                templates = pools(lang)[name]
                self.templates[lang, p] = len(templates)
                for t, variants in enumerate(templates):
                    self.offset[lang, p, t] = len(self.text)
                    self.variants[lang, p, t] = len(variants)
                    self.text.extend(variants)
        self.has_placeholder = [("{" in s) for s in self.text]

    def resolve(
        self, lang: np.ndarray, pool: np.ndarray, template_raw: np.ndarray, variant_raw: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sentence ids for raw draws (taken modulo the pool sizes), and the template indices."""
        template = template_raw % self.templates[lang, pool]
        variant = variant_raw % self.variants[lang, pool, template]
        return self.offset[lang, pool, template] + variant, template


_SENTENCES: _Sentences | None = None


def _sentences() -> _Sentences:
    global _SENTENCES
    if _SENTENCES is None:
        _SENTENCES = _Sentences()
    return _SENTENCES


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a fast, well-spread hash of uint64 values."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard slip inside a word: swapped, dropped or doubled letter."""
    for _ in range(4):
        i = rng.randrange(1, max(2, len(text) - 1))
        if i + 1 < len(text) and text[i].isalpha() and text[i + 1].isalpha():
            roll = rng.random()
            if roll < 0.4:
                return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            if roll < 0.7:
                return text[:i] + text[i + 1 :]
            return text[:i] + text[i] + text[i:]
    return text


# --------------------------------------------------------------------------------------------
# The generator


def build_corpus(opts: CorpusOptions) -> Corpus:
    """Generate the corpus in memory (see module docstring); `generate_corpus` writes it."""
    started = time.perf_counter()
    seeds = np.random.SeedSequence(opts.seed).spawn(4)
    rng = np.random.default_rng(seeds[0])  # structure
    text_rng = np.random.default_rng(seeds[1])  # per-ad text edits
    usage_rng = np.random.default_rng(seeds[2])  # Public / Private
    py_rng = random.Random(int(seeds[3].generate_state(1)[0]))  # formatting details

    n = opts.n_ads
    n_cities = len(CITIES)
    city_weight = np.array([c.weight for c in CITIES])
    city_weight /= city_weight.sum()
    city_french = np.array([c.french for c in CITIES])

    # Operators.
    sizes = _operator_sizes(rng, opts)
    n_ops = len(sizes)
    multi = sizes >= 2
    op_first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    home = rng.choice(n_cities, size=n_ops, p=city_weight)
    bilingual = multi & (rng.random(n_ops) < opts.bilingual_share)
    p_french = _french_probability(sizes, city_french[home], bilingual, opts.french_share)
    op_french = rng.random(n_ops) < p_french

    # Cities toured by cross-city operators: home first, then up to three others.
    cross = multi & (rng.random(n_ops) < opts.cross_city_share)
    tour_size = np.where(cross, np.minimum(sizes, 1 + rng.geometric(0.55, n_ops)), 1)
    tour_size = np.clip(tour_size, 1, 4)
    tour_size[cross] = np.maximum(tour_size[cross], 2)
    tours = np.repeat(home[:, None], 4, axis=1)
    crossing = np.flatnonzero(cross)
    keys = np.log(city_weight)[None, :] + rng.gumbel(size=(len(crossing), n_cities))
    keys[np.arange(len(crossing)), home[crossing]] = -np.inf
    tours[crossing, 1:] = np.argsort(-keys, axis=1)[:, :3]

    # Posting periods (seconds from the window start).
    window = opts.days * 86_400
    duration = np.where(
        multi, np.minimum(window, rng.exponential(86_400 * (12 + 0.5 * sizes))), 0.0
    )
    op_start = rng.random(n_ops) * (window - duration)

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
        rng.random(n_ops) < 0.85,
        rng.choice(len(PLAIN_STYLES), size=n_ops, p=plain_weights),
        len(PLAIN_STYLES) + rng.integers(0, len(OBFUSCATED_STYLES), n_ops),
    )
    body_style = np.where(
        rng.random(n_ops) < 0.5,
        len(PLAIN_STYLES) + rng.integers(0, len(OBFUSCATED_STYLES), n_ops),
        rng.integers(0, len(PLAIN_STYLES), n_ops),
    )

    # Writing habits: the template (slot choices, order), persona, signature, punctuation.
    n_slots = len(BODY_SLOTS)
    include_p = np.array([SLOT_INCLUDE.get(s, 0.0) for s in BODY_SLOTS])
    tpl_raw = rng.integers(0, 1 << 30, size=(n_ops, n_slots))
    var_raw = rng.integers(0, 1 << 30, size=(n_ops, n_slots))
    include = rng.random((n_ops, n_slots)) < include_p
    order_key = np.arange(n_slots) + rng.normal(0.0, 0.6, size=(n_ops, n_slots))
    order_key[:, 0] = -10.0  # a greeting always opens
    order_key[:, EMAIL] = order_key[:, CONTACT] + 0.01
    title_raw = rng.integers(0, 1 << 30, size=(n_ops, 3))  # template, alternative, variant
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

    # A few operators copy another operator's wording wholesale (a false text link).
    copiers = np.flatnonzero(multi & (rng.random(n_ops) < opts.template_copy_share))
    if len(copiers) and multi.sum() > 1:
        sources = rng.choice(np.flatnonzero(multi), size=len(copiers))
        for table in (tpl_raw, include, order_key, punctuation):
            table[copiers] = table[sources]
        title_raw[copiers, :2] = title_raw[sources, :2]
        # The copy keeps the sentences but about half of the wording choices.
        same_words = rng.random((len(copiers), n_slots)) < 0.5
        var_raw[copiers] = np.where(same_words, var_raw[sources], var_raw[copiers])

    # Ads.
    op = np.repeat(np.arange(n_ops), sizes)
    size_of = sizes[op]
    posted = op_start[op] + rng.random(n) * duration[op]
    rank = _rank_in_group(op, posted, op_first)
    leg = _period(rank, size_of, tour_size[op])
    first_of_leg = (rank == 0) | (_period(np.maximum(rank - 1, 0), size_of, tour_size[op]) != leg)
    on_tour = first_of_leg | (rng.random(n) < 0.75)
    city = np.where(on_tour, tours[op, leg], home[op])
    french = np.where(bilingual[op], rng.random(n) < 0.5, op_french[op])
    lang = french.astype(np.int64)

    no_contact = rng.random(n) < opts.no_contact_share
    has_email = ~no_contact & (rng.random(n) < email_rate[op])
    has_phone = ~no_contact & (~has_email | (rng.random(n) < 0.75))

    phone_first = np.concatenate([[0], np.cumsum(n_phones)[:-1]])
    jitter = np.where(rng.random(n) < 0.1, rng.integers(-1, 2, n), 0)
    phone_period = np.clip(_period(rank, size_of, n_phones[op]) + jitter, 0, n_phones[op] - 1)
    phone_id = phone_first[op] + phone_period
    email_first = np.concatenate([[0], np.cumsum(n_emails)[:-1]])
    email_id = email_first[op] + _period(rank, size_of, n_emails[op])
    campaign = _period(rank, size_of, n_campaigns[op])

    # Shared contacts: a small pool, Zipf-popular, used by ads of unrelated operators.
    n_own_phones, n_own_emails = int(n_phones.sum()), int(n_emails.sum())
    shared_phone = has_phone & (rng.random(n) < opts.shared_phone_share)
    shared_email = has_email & (rng.random(n) < opts.shared_phone_share)
    phone_pool = max(1, int(shared_phone.sum()) // 8)
    email_pool = max(1, int(shared_email.sum()) // 8)
    phone_id[shared_phone] = n_own_phones + _zipf_assign(rng, int(shared_phone.sum()), phone_pool)
    email_id[shared_email] = n_own_emails + _zipf_assign(rng, int(shared_email.sum()), email_pool)

    code_table = np.zeros((n_cities, 3), dtype=np.int64)
    code_count = np.array([len(c.area_codes) for c in CITIES])
    for i, c in enumerate(CITIES):
        code_table[i, : len(c.area_codes)] = c.area_codes
    phone_city = np.concatenate(
        [np.repeat(home, n_phones), rng.choice(n_cities, size=phone_pool, p=city_weight)]
    )
    phone_code = code_table[
        phone_city, (rng.random(len(phone_city)) * code_count[phone_city]).astype(int)
    ]
    phone_table = [f"{x:010d}" for x in _phone_numbers(rng, phone_code).tolist()]
    email_table = _email_addresses(py_rng, n_own_emails + email_pool)

    phone_in_column = has_phone & (rng.random(n) < column_rate[op])
    phone_in_body = has_phone & (~phone_in_column | (rng.random(n) < 0.35))
    email_in_column = has_email & (rng.random(n) < 0.7)
    email_in_body = has_email & (~email_in_column | (rng.random(n) < 0.2))
    usual = rng.random((n, 2)) < 0.75
    any_style = rng.integers(0, len(PHONE_STYLES), size=(n, 2))
    ad_column_style = np.where(usual[:, 0], column_style[op], any_style[:, 0])
    ad_body_style = np.where(usual[:, 1], body_style[op], any_style[:, 1])

    # Output order: by posting time; ids are a bijective scramble of that position.
    base = np.datetime64(opts.start, "s")
    seconds = posted.astype(np.int64)
    out = np.lexsort((rng.random(n), seconds))
    salt = int(rng.integers(0, 1 << 32))
    scrambled = (
        np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(salt)
    ) & np.uint64(0xFFFFFFFF)
    ad_ids = [f"ad_{x:08x}" for x in scrambled.tolist()]
    posted_at = np.char.add(np.datetime_as_string(base + seconds[out], unit="s"), "Z").tolist()
    op_label = rng.permutation(n_ops)
    width = len(str(n_ops))
    cluster_of_op = [f"op_{x:0{width}d}" for x in op_label.tolist()]

    # Text: resolve every sentence id with numpy, chunk by chunk, then assemble in Python.
    sentences = _sentences()
    body_pool = np.array([POOL_NAMES.index(SLOT_POOL.get(s, s)) for s in BODY_SLOTS])
    no_phone_pool = POOL_NAMES.index("contact_no_phone")
    title_pool = POOL_NAMES.index("title")
    op_emoji = [
        "".join(EMOJI[e] for e in ids[:count])
        for ids, count in zip(emoji_ids.tolist(), emoji_count.tolist(), strict=True)
    ]
    titles: list[str] = []
    bodies: list[str] = []
    phone_column: list[str] = []
    email_column: list[str] = []
    for lo in range(0, n, CHUNK):
        idx = out[lo : lo + CHUNK]
        m = len(idx)
        o = op[idx]
        lg = lang[idx]
        edit = edit_rate[o]
        # A rewrite (campaign > 0) redraws about 60 % of the slots and most titles.
        redraw = _mix(
            (o * 1_000_003 + campaign[idx] * 1_009)[:, None].astype(np.uint64)
            + np.arange(n_slots + 1, dtype=np.uint64)
            + np.uint64(campaign_salt)
        )
        rewritten = (campaign[idx] > 0)[:, None] & ((redraw & np.uint64(0xFFFF)) < 40_000)
        fresh = (redraw >> np.uint64(20)).astype(np.int64)
        ad_tpl = np.where(rewritten[:, :n_slots], fresh[:, :n_slots], tpl_raw[o])
        ad_var = np.where(rewritten[:, :n_slots], fresh[:, :n_slots] >> 7, var_raw[o])
        ad_title = np.where(rewritten[:, n_slots], fresh[:, n_slots], title_raw[o, 0])

        # Synonym swaps: mostly a neighbouring variant (one word changes), sometimes any.
        swap = text_rng.random((m, n_slots)) < (edit * 0.5)[:, None]
        step = np.where(
            text_rng.random((m, n_slots)) < 0.7,
            text_rng.choice([-1, 1], (m, n_slots)),
            text_rng.integers(1, 1 << 20, (m, n_slots)),
        )
        variant = ad_var + swap * step
        pool = np.broadcast_to(body_pool, (m, n_slots)).copy()
        pool[:, CONTACT] = np.where(phone_in_body[idx], pool[:, CONTACT], no_phone_pool)
        ids, template = sentences.resolve(lg[:, None], pool, ad_tpl, variant)
        for second, first in (
            (BODY_SLOTS.index("service2"), BODY_SLOTS.index("service")),
            (BODY_SLOTS.index("extra2"), BODY_SLOTS.index("extra")),
        ):
            clash = template[:, second] == template[:, first]
            bumped, _ = sentences.resolve(
                lg, pool[:, second], template[:, second] + 1, variant[:, second]
            )
            ids[:, second] = np.where(clash, bumped, ids[:, second])
        keep = include[o].copy()
        keep[:, EMAIL] = email_in_body[idx]
        # Drop one sentence now and then (never the contact line).
        dropped = text_rng.integers(0, n_slots, m)
        drop = (text_rng.random(m) < edit * 0.3) & (dropped != CONTACT) & (dropped != EMAIL)
        keep[np.flatnonzero(drop), dropped[drop]] = False
        ids = np.where(keep, ids, -1)
        # Reorder: swap two neighbouring sentences now and then.
        order = np.argsort(order_key[o], axis=1)
        swap_at = text_rng.integers(0, n_slots - 1, m)
        rows = np.flatnonzero(text_rng.random(m) < edit * 0.4)
        a, b = order[rows, swap_at[rows]], order[rows, swap_at[rows] + 1]
        order[rows, swap_at[rows]], order[rows, swap_at[rows] + 1] = b, a
        ids = np.take_along_axis(ids, order, axis=1)

        alt = text_rng.random(m) < 0.15
        title_ids, _ = sentences.resolve(
            lg,
            np.full(m, title_pool),
            np.where(alt, title_raw[o, 1], ad_title),
            title_raw[o, 2] + (text_rng.random(m) < edit * 0.5),
        )
        case = np.where(text_rng.random(m) < 0.2, text_rng.integers(0, 4, m), title_case[o])
        alias_roll = text_rng.random(m)
        second_name = (text_rng.random(m) < 0.05).astype(np.int64)
        typo = text_rng.random(m) < typo_rate[o]
        show_emoji = text_rng.random(m) < 0.85
        extra_emoji = np.where(text_rng.random(m) < 0.1, text_rng.integers(0, len(EMOJI), m), -1)
        odd_spacing = text_rng.random(m) < 0.08
        caps = shouty[o] & (text_rng.random(m) < 0.6)
        sep = np.where(
            text_rng.random(m) < 0.1, text_rng.integers(0, len(SEPARATORS), m), separator[o]
        )

        rows_py = zip(
            ids.tolist(),
            title_ids.tolist(),
            o.tolist(),
            city[idx].tolist(),
            alias_roll.tolist(),
            name[o, 0].tolist(),
            name[o, 1].tolist(),
            second_name.tolist(),
            case.tolist(),
            typo.tolist(),
            show_emoji.tolist(),
            extra_emoji.tolist(),
            odd_spacing.tolist(),
            caps.tolist(),
            sep.tolist(),
            punctuation[o].tolist(),
            emoji_place[o].tolist(),
            np.where(has_phone[idx], phone_id[idx], -1).tolist(),
            phone_in_column[idx].tolist(),
            phone_in_body[idx].tolist(),
            ad_column_style[idx].tolist(),
            ad_body_style[idx].tolist(),
            np.where(has_email[idx], email_id[idx], -1).tolist(),
            email_in_column[idx].tolist(),
            email_in_body[idx].tolist(),
            strict=True,
        )
        text = sentences.text
        placeholder = sentences.has_placeholder
        for (
            row,
            title_id,
            o_,
            c_,
            alias_u,
            name0,
            name1,
            use_second,
            case_,
            typo_,
            emoji_,
            extra_,
            spacing_,
            caps_,
            sep_,
            punct_,
            place_,
            ph,
            ph_col,
            ph_body,
            col_style,
            body_style_,
            em,
            em_col,
            em_body,
        ) in rows_py:
            parts = [text[i] for i in row if i >= 0]
            if typo_:
                plain = [k for k, i in enumerate(i for i in row if i >= 0) if not placeholder[i]]
                if plain:
                    k = plain[py_rng.randrange(len(plain))]
                    parts[k] = _typo(parts[k], py_rng)
            punct = PUNCTUATION[punct_]
            body = (punct + SEPARATORS[sep_]).join(parts) + punct
            title = text[title_id]
            aliases = CITIES[c_].aliases
            alias = aliases[0] if alias_u < 0.75 else aliases[int(alias_u * 97) % len(aliases)]
            persona = NAMES[name1 if use_second else name0]
            digits = phone_table[ph] if ph >= 0 else ""
            address = email_table[em] if em >= 0 else ""
            if "{" in body:
                body = body.replace("{city}", alias).replace("{name}", persona)
                if ph_body:
                    body = body.replace(
                        "{phone}", format_phone(digits, PHONE_STYLES[body_style_], py_rng)
                    )
                if em_body:
                    body = body.replace(
                        "{email}", format_email(address, py_rng, py_rng.random() < 0.3)
                    )
            if "{" in title:
                title = title.replace("{city}", alias).replace("{name}", persona)
            if case_ == 1:
                title = title.upper()
            elif case_ == 2:
                title = title.lower()
            elif case_ == 3:
                title = title.title()
            if caps_:
                body = body.upper()
            if spacing_:
                body = body.replace(" ", "  ", 2)
            if emoji_:
                signature = op_emoji[o_]
                if signature:
                    if place_ == 0:
                        title = f"{signature} {title}"
                    elif place_ == 1:
                        title = f"{title} {signature}"
                    elif place_ == 2:
                        body = f"{body} {signature}"
                    else:
                        title = f"{signature} {title} {signature}"
            if extra_ >= 0:
                body = f"{body} {EMOJI[extra_]}"
            titles.append(title)
            bodies.append(body)
            phone_column.append(
                format_phone(digits, PHONE_STYLES[col_style], py_rng) if ph_col else ""
            )
            email_column.append(address if em_col else "")

    ordered_op = op[out]
    usage = usage_rng.random(n) < opts.public_share
    phone_digits = [
        phone_table[p] if p >= 0 else "" for p in np.where(has_phone, phone_id, -1)[out].tolist()
    ]
    email_address = [
        email_table[e] if e >= 0 else "" for e in np.where(has_email, email_id, -1)[out].tolist()
    ]
    columns = {
        "ad_id": ad_ids,
        "posted_at": posted_at,
        "city": [CITIES[c].name for c in city[out].tolist()],
        "title": titles,
        "body": bodies,
        "phone": phone_column,
        "email": email_column,
    }

    # Summary, measured on what was generated.
    cities_per_op = np.bincount(np.unique(op * n_cities + city) // n_cities, minlength=n_ops)
    n_multi = int(multi.sum())
    summary = {
        "n_ads": n,
        "seed": opts.seed,
        "n_clusters": n_ops,
        "n_operators": n_multi,
        "largest_operator": int(sizes.max()),
        "singleton_share": float((sizes == 1).sum() / n),
        "public_share": float(usage.mean()),
        "french_share": float(french.mean()),
        "cross_city_operator_share": float((cities_per_op[multi] >= 2).mean()) if n_multi else 0.0,
        "no_contact_share": float(no_contact.mean()),
        "email_share": float(has_email.mean()),
        "shared_phone_ads": int(shared_phone.sum()),
        "shared_email_ads": int(shared_email.sum()),
        "n_phones": int(len(np.unique(phone_id[has_phone]))),
        "n_emails": int(len(np.unique(email_id[has_email]))),
        "seconds": round(time.perf_counter() - started, 3),
    }
    return Corpus(
        columns=columns,
        cluster_id=[cluster_of_op[o] for o in ordered_op.tolist()],
        usage=usage,
        operator=ordered_op,
        phone_digits=phone_digits,
        email_address=email_address,
        french=french[out],
        summary=summary,
    )


def _write_csv(path: Path, columns: dict[str, list[str]]) -> None:
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    options = pa_csv.WriteOptions(quoting_style="needed", quoting_header="none")
    pa_csv.write_csv(table, path, write_options=options)


def generate_corpus(out_dir: str | Path, **options) -> dict:
    """Write ads.csv, sample_submission.csv and truth.csv into ``out_dir``; return a summary.

    Keyword arguments are the fields of `CorpusOptions` (``n_ads``, ``seed``, the shares, ...).
    """
    opts = CorpusOptions(**options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(opts)
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
    for f in fields(CorpusOptions):
        flag = "--" + f.name.replace("_", "-")
        parser.add_argument(
            flag, dest=f.name, type=type(f.default), default=f.default, help=f"default: {f.default}"
        )


def options_from(namespace: argparse.Namespace | dict) -> dict:
    values = vars(namespace) if isinstance(namespace, argparse.Namespace) else namespace
    return {f.name: values[f.name] for f in fields(CorpusOptions) if f.name in values}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m starter.generate", description=__doc__.split("\n")[0]
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        summary = generate_corpus(args.out, **options_from(args))
    except ValueError as exc:
        parser.error(str(exc))
    json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
