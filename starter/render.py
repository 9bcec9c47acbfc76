"""Text assembly for the synthetic ads: operator templates, per-ad edits, placeholders.

`starter.generate` draws who posts what, where and when; this module turns those draws into
titles and bodies. Sentence choices and edits are resolved with numpy, chunk by chunk; only the
final string assembly is a Python loop.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np

from .cities import CITIES
from .phones import PHONE_STYLES, format_email, format_phone
from .texts import EMOJI, NAMES, SLOT_POOL, SLOTS, pools

if TYPE_CHECKING:
    from .generate import _Ads, _Operators

# Body slots plus the optional e-mail line, which goes right after the contact line.
BODY_SLOTS = SLOTS + ("email",)
CONTACT = BODY_SLOTS.index("contact")
EMAIL = BODY_SLOTS.index("email")
POOL_NAMES = ("title", *dict.fromkeys(SLOT_POOL.get(s, s) for s in BODY_SLOTS), "contact_no_phone")
PUNCTUATION = (".", ".", "!", "", "!!", " ~", "...")
SEPARATORS = (" ", " ", "  ", "\n", " | ", " • ", " - ")
CHUNK = 100_000


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


_BODY_POOL = np.array([POOL_NAMES.index(SLOT_POOL.get(s, s)) for s in BODY_SLOTS])
_NO_PHONE_POOL = POOL_NAMES.index("contact_no_phone")
_TITLE_POOL = POOL_NAMES.index("title")


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


_SECOND_SLOTS = (
    (BODY_SLOTS.index("service2"), BODY_SLOTS.index("service")),
    (BODY_SLOTS.index("extra2"), BODY_SLOTS.index("extra")),
)


def _draw_text(
    text_rng: np.random.Generator,
    ops: _Operators,
    ads: _Ads,
    idx: np.ndarray,
    extra_rng: np.random.Generator | None = None,
):
    """Resolve the sentences and per-ad edits of the ads ``idx`` with numpy.

    Returns one tuple of plain Python values per ad, ready for `_assemble`.
    """
    sentences = _sentences()
    n_slots = len(BODY_SLOTS)
    m = len(idx)
    o = ads.op[idx]
    lang = ads.french[idx].astype(np.int64)
    edit = ops.edit_rate[o]
    campaign = ads.campaign[idx]

    # A rewrite (campaign > 0) redraws about 60 % of the slots and most titles.
    redraw = _mix(
        (o * 1_000_003 + campaign * 1_009)[:, None].astype(np.uint64)
        + np.arange(n_slots + 1, dtype=np.uint64)
        + np.uint64(ops.campaign_salt)
    )
    rewritten = (campaign > 0)[:, None] & ((redraw & np.uint64(0xFFFF)) < 40_000)
    fresh = (redraw >> np.uint64(20)).astype(np.int64)
    template = np.where(rewritten[:, :n_slots], fresh[:, :n_slots], ops.template[o])
    variant = np.where(rewritten[:, :n_slots], fresh[:, :n_slots] >> 7, ops.variant[o])
    title_template = np.where(rewritten[:, n_slots], fresh[:, n_slots], ops.title[o, 0])

    # Synonym swaps: mostly a neighbouring variant (one word changes), sometimes any.
    swap = text_rng.random((m, n_slots)) < (edit * 0.5)[:, None]
    step = np.where(
        text_rng.random((m, n_slots)) < 0.7,
        text_rng.choice([-1, 1], (m, n_slots)),
        text_rng.integers(1, 1 << 20, (m, n_slots)),
    )
    variant = variant + swap * step
    paraphrased = np.zeros(m, dtype=bool)
    if ops.paraphrase_rate > 0 and extra_rng is not None:
        # A paraphrase rewords most sentences with other synonyms and reorders them.
        paraphrased = extra_rng.random(m) < ops.paraphrase_rate
        reword = paraphrased[:, None] & (extra_rng.random((m, n_slots)) < 0.8)
        variant = np.where(reword, extra_rng.integers(0, 1 << 20, (m, n_slots)), variant)
    pool = np.broadcast_to(_BODY_POOL, (m, n_slots)).copy()
    pool[:, CONTACT] = np.where(ads.phone_in_body[idx], pool[:, CONTACT], _NO_PHONE_POOL)
    ids, chosen = sentences.resolve(lang[:, None], pool, template, variant)
    for second, first in _SECOND_SLOTS:  # a second service / extra line is another template
        clash = chosen[:, second] == chosen[:, first]
        bumped, _ = sentences.resolve(
            lang, pool[:, second], chosen[:, second] + 1, variant[:, second]
        )
        ids[:, second] = np.where(clash, bumped, ids[:, second])
    keep = ops.include[o].copy()
    keep[:, EMAIL] = ads.email_in_body[idx]
    # Drop one sentence now and then (never the contact line).
    dropped = text_rng.integers(0, n_slots, m)
    drop = (text_rng.random(m) < edit * 0.3) & (dropped != CONTACT) & (dropped != EMAIL)
    keep[np.flatnonzero(drop), dropped[drop]] = False
    ids = np.where(keep, ids, -1)
    # Reorder: swap two neighbouring sentences now and then.
    order_key = ops.order_key[o]
    if paraphrased.any():
        shuffled = np.arange(n_slots) + extra_rng.normal(0.0, 3.0, size=(m, n_slots))
        shuffled[:, EMAIL] = shuffled[:, CONTACT] + 0.01
        order_key = np.where(paraphrased[:, None], shuffled, order_key)
    order = np.argsort(order_key, axis=1)
    swap_at = text_rng.integers(0, n_slots - 1, m)
    rows = np.flatnonzero(text_rng.random(m) < edit * 0.4)
    a, b = order[rows, swap_at[rows]], order[rows, swap_at[rows] + 1]
    order[rows, swap_at[rows]], order[rows, swap_at[rows] + 1] = b, a
    ids = np.take_along_axis(ids, order, axis=1)

    title_variant = ops.title[o, 2]
    if paraphrased.any():
        title_variant = np.where(paraphrased, extra_rng.integers(0, 1 << 20, m), title_variant)
    alt = text_rng.random(m) < 0.15
    title_ids, _ = sentences.resolve(
        lang,
        np.full(m, _TITLE_POOL),
        np.where(alt, ops.title[o, 1], title_template),
        title_variant + (text_rng.random(m) < edit * 0.5),
    )
    case = np.where(text_rng.random(m) < 0.2, text_rng.integers(0, 4, m), ops.title_case[o])
    alias_roll = text_rng.random(m)
    second_name = text_rng.random(m) < 0.05
    typo = text_rng.random(m) < ops.typo_rate[o]
    show_emoji = text_rng.random(m) < 0.85
    extra_emoji = np.where(text_rng.random(m) < 0.1, text_rng.integers(0, len(EMOJI), m), -1)
    odd_spacing = text_rng.random(m) < 0.08
    caps = ops.shouty[o] & (text_rng.random(m) < 0.6)
    sep = np.where(
        text_rng.random(m) < 0.1, text_rng.integers(0, len(SEPARATORS), m), ops.separator[o]
    )
    persona = np.where(second_name, ops.name[o, 1], ops.name[o, 0])
    columns = (
        ids, title_ids, o, ads.city[idx], alias_roll, persona, case, typo, show_emoji,
        extra_emoji, odd_spacing, caps, sep, ops.punctuation[o], ops.emoji_place[o],
        np.where(ads.has_phone[idx], ads.phone_id[idx], -1), ads.phone_in_column[idx],
        ads.phone_in_body[idx], ads.column_style[idx], ads.body_style[idx],
        np.where(ads.has_email[idx], ads.email_id[idx], -1), ads.email_in_column[idx],
        ads.email_in_body[idx],
    )  # fmt: skip
    return zip(*(c.tolist() for c in columns), strict=True)


def _assemble(
    rows, ops: _Operators, ads: _Ads, rng: random.Random, out: dict[str, list[str]]
) -> None:
    """Turn the resolved draws into text: fill placeholders, typos, case, emoji, contacts."""
    text = _sentences().text
    placeholder = _sentences().has_placeholder
    for (row, title_id, o, city, alias_u, persona, case, typo, show_emoji, extra_emoji,
         odd_spacing, caps, sep, punct, emoji_place, phone, phone_in_column, phone_in_body,
         column_style, body_style, email, email_in_column, email_in_body) in rows:  # fmt: skip
        used = [i for i in row if i >= 0]
        parts = [text[i] for i in used]
        if typo:
            plain = [k for k, i in enumerate(used) if not placeholder[i]]
            if plain:
                k = plain[rng.randrange(len(plain))]
                parts[k] = _typo(parts[k], rng)
        end = PUNCTUATION[punct]
        body = (end + SEPARATORS[sep]).join(parts) + end
        title = text[title_id]
        aliases = CITIES[city].aliases
        alias = aliases[0] if alias_u < 0.75 else aliases[int(alias_u * 97) % len(aliases)]
        name = NAMES[persona]
        digits = ads.phone_table[phone] if phone >= 0 else ""
        address = ads.email_table[email] if email >= 0 else ""
        if "{" in body:
            body = body.replace("{city}", alias).replace("{name}", name)
            if phone_in_body:
                written = format_phone(digits, PHONE_STYLES[body_style], rng)
                body = body.replace("{phone}", written)
            if email_in_body:
                body = body.replace("{email}", format_email(address, rng, rng.random() < 0.3))
        if "{" in title:
            title = title.replace("{city}", alias).replace("{name}", name)
        if case == 1:
            title = title.upper()
        elif case == 2:
            title = title.lower()
        elif case == 3:
            title = title.title()
        if caps:
            body = body.upper()
        if odd_spacing:
            body = body.replace(" ", "  ", 2)
        signature = ops.emoji[o] if show_emoji else ""
        if signature:
            if emoji_place == 0:
                title = f"{signature} {title}"
            elif emoji_place == 1:
                title = f"{title} {signature}"
            elif emoji_place == 2:
                body = f"{body} {signature}"
            else:
                title = f"{signature} {title} {signature}"
        if extra_emoji >= 0:
            body = f"{body} {EMOJI[extra_emoji]}"
        out["title"].append(title)
        out["body"].append(body)
        column = format_phone(digits, PHONE_STYLES[column_style], rng) if phone_in_column else ""
        out["phone"].append(column)
        out["email"].append(address if email_in_column else "")


def render_text(
    text_rng: np.random.Generator,
    py_rng: random.Random,
    ops: _Operators,
    ads: _Ads,
    order: np.ndarray,
    extra_rng: np.random.Generator | None = None,
) -> dict[str, list[str]]:
    """Titles, bodies and the phone / email columns of the ads in ``order``, chunk by chunk."""
    out: dict[str, list[str]] = {"title": [], "body": [], "phone": [], "email": []}
    for lo in range(0, len(order), CHUNK):
        rows = _draw_text(text_rng, ops, ads, order[lo : lo + CHUNK], extra_rng)
        _assemble(rows, ops, ads, py_rng, out)
    return out
