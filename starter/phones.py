"""Phone numbers and e-mail addresses as ads write them, and back.

Ads hide their contact details from simple filters: "416-555-0134", "(416) 555-0134",
"4I6 555 O134" (letters for digits), "four one six five five five ...", "quatre un six ...",
keycap emoji, or a mix of all of these. `format_phone` writes a number in one of `PHONE_STYLES`;
`find_phones` and `normalise_phone` read any of them back as 10 digits. The generator's tests
check that every style round-trips, so the baseline can rely on it.
"""

import random
import re
import unicodedata

EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
FR_DIGITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
# Letters that stand in for digits; only ever read inside a token that also has a real digit.
LOOKALIKES = {"0": "Oo", "1": "Il", "5": "S", "8": "B"}

# Ordinary ways of writing a number, most common first in practice.
PLAIN_STYLES = ("dashes", "parens", "plain", "dots", "spaces", "international", "one_dashes")
# Ways that dodge a naive digit pattern.
OBFUSCATED_STYLES = (
    "lookalike",
    "words_en",
    "words_fr",
    "mixed_en",
    "mixed_fr",
    "spaced",
    "keycap",
    "odd_groups",
)
PHONE_STYLES = PLAIN_STYLES + OBFUSCATED_STYLES

KEYCAP = "\ufe0f\u20e3"


def _lookalike(group: str, rng: random.Random) -> str:
    chars = list(group)
    swappable = [k for k, c in enumerate(chars) if c in LOOKALIKES]
    # Keep at least one real digit, so a reader can tell the token is a number.
    if len(swappable) == len(chars):
        swappable.pop(rng.randrange(len(swappable)))
    for k in swappable:
        if rng.random() < 0.6:
            chars[k] = rng.choice(LOOKALIKES[chars[k]])
    return "".join(chars)


def _word(digit: str, language: str, rng: random.Random) -> str:
    if language == "fr":
        word = FR_DIGITS[int(digit)]
        return "zero" if word == "zéro" and rng.random() < 0.3 else word
    if digit == "0" and rng.random() < 0.3:
        return "oh"
    return EN_DIGITS[int(digit)]


def _mixed(group: str, language: str, rng: random.Random) -> str:
    out: list[str] = []
    previous_digit = False
    for digit in group:
        if rng.random() < 0.5:
            if previous_digit:
                out[-1] += digit
            else:
                out.append(digit)
            previous_digit = True
        else:
            out.append(_word(digit, language, rng))
            previous_digit = False
    return " ".join(out)


def format_phone(digits: str, style: str, rng: random.Random) -> str:
    """Write the 10-digit ``digits`` in ``style`` (one of PHONE_STYLES); ``rng`` picks details."""
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    groups = (area, exchange, line)
    if style == "dashes":
        return f"{area}-{exchange}-{line}"
    if style == "parens":
        return f"({area}) {exchange}-{line}" if rng.random() < 0.8 else f"({area}){exchange}-{line}"
    if style == "plain":
        return digits
    if style == "dots":
        return f"{area}.{exchange}.{line}"
    if style == "spaces":
        return f"{area} {exchange} {line}"
    if style == "international":
        return rng.choice((f"+1 {area} {exchange} {line}", f"+1-{area}-{exchange}-{line}"))
    if style == "one_dashes":
        return f"1-{area}-{exchange}-{line}"
    if style == "lookalike":
        sep = rng.choice((" ", "-", ".", ""))
        return sep.join(_lookalike(g, rng) for g in groups)
    if style in ("words_en", "words_fr"):
        language = style[-2:]
        sep = rng.choice((" ", " - ", ", ")) if rng.random() < 0.5 else " "
        return sep.join(" ".join(_word(d, language, rng) for d in g) for g in groups)
    if style in ("mixed_en", "mixed_fr"):
        return rng.choice((" ", " - ")).join(_mixed(g, style[-2:], rng) for g in groups)
    if style == "spaced":
        return rng.choice((" ", ".", "-", " ")).join(digits)
    if style == "keycap":
        return "".join(d + KEYCAP for d in digits)
    if style == "odd_groups":
        cut1 = rng.randint(1, 4)
        cut2 = rng.randint(cut1 + 2, 8)
        return " ".join((digits[:cut1], digits[cut1:cut2], digits[cut2:]))
    raise ValueError(f"unknown phone style {style!r}")


_WORD_VALUES = {w: str(i) for i, w in enumerate(EN_DIGITS)}
_WORD_VALUES |= {"oh": "0", "zero": "0", "un": "1", "une": "1", "deux": "2", "trois": "3"}
_WORD_VALUES |= {"quatre": "4", "cinq": "5", "sept": "7", "huit": "8", "neuf": "9"}
_LETTER_VALUES = str.maketrans({"o": "0", "i": "1", "l": "1", "s": "5", "b": "8"})
_DIGITISH = r"[0-9oilsb]*[0-9][0-9oilsb]*"
_TOKEN = "(?:" + _DIGITISH + "|" + "|".join(sorted(_WORD_VALUES, key=len, reverse=True)) + ")"
# A run of number-like tokens separated by anything but letters and digits.
_RUN = re.compile(
    r"(?<![a-z0-9])" + _TOKEN + r"(?![a-z0-9])(?:[^a-z0-9]+" + _TOKEN + r"(?![a-z0-9]))*"
)
_PIECE = re.compile(r"[a-z0-9]+")
_MARKS = re.compile("[\u0300-\u036f\ufe0f\u20e3]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold_text(text: str) -> str:
    """Lower-case ASCII: accents and keycap marks dropped, other non-ASCII made a separator."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _NON_ASCII.sub(" ", text).lower()


def _digits(token: str) -> str:
    value = _WORD_VALUES.get(token)
    return value if value is not None else token.translate(_LETTER_VALUES)


def _numbers_in_run(pieces: list[str]) -> list[str]:
    """10-digit numbers in one run of tokens, cut at token boundaries where possible."""
    found: list[str] = []
    start = 0
    while start < len(pieces):
        joined = ""
        end = start
        match = None
        while end < len(pieces) and len(joined) <= 11:
            joined += pieces[end]
            end += 1
            if len(joined) == 10 and joined[0] in "23456789":
                match = joined
            elif len(joined) == 11 and joined[0] == "1" and joined[1] in "23456789":
                match = joined[1:]
            if match:
                break
        if match:
            found.append(match)
            start = end
        else:
            start += 1
    return found


def find_phones(text: str) -> list[str]:
    """Every North American number written in ``text``, as 10 digits, in order of appearance."""
    if not text:
        return []
    found: list[str] = []
    for run in _RUN.finditer(fold_text(text)):
        pieces = [_digits(p) for p in _PIECE.findall(run.group())]
        if sum(len(p) for p in pieces) >= 10:
            found.extend(_numbers_in_run(pieces))
    return found


def normalise_phone(text: str) -> str | None:
    """The first phone number in ``text`` as 10 digits, or None when there is none."""
    phones = find_phones(text)
    return phones[0] if phones else None


def format_email(address: str, rng: random.Random, obfuscate: bool) -> str:
    """An address as an ad writes it: plain, or "name (at) domain" / "name at domain dot tld"."""
    if not obfuscate:
        return address
    local, domain = address.split("@")
    if rng.random() < 0.5:
        return f"{local} (at) {domain}"
    return f"{local} at {domain.replace('.', ' dot ')}"


_PLAIN_EMAIL = re.compile(r"[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
# "name (at) example.com", "name [at] example dot com", "name at example dot com".
_SPELLED_EMAIL = re.compile(
    r"([a-z0-9][a-z0-9._+-]*)\s*(?:\(at\)|\[at\])\s*([a-z0-9-]+(?:(?:\.|\s+dot\s+)[a-z0-9-]+)+)"
    r"|([a-z0-9][a-z0-9._+-]*)\s+at\s+([a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)+)"
)
_DOT = re.compile(r"\s+dot\s+")


def find_emails(text: str) -> list[str]:
    """E-mail addresses in ``text``, plain or spelled with "at"/"dot", lower-cased."""
    if not text:
        return []
    folded = fold_text(text)
    found = _PLAIN_EMAIL.findall(folded)
    if "at" in folded:
        for match in _SPELLED_EMAIL.finditer(_PLAIN_EMAIL.sub(" ", folded)):
            local = match.group(1) or match.group(3)
            domain = match.group(2) or match.group(4)
            found.append(f"{local}@{_DOT.sub('.', domain)}")
    return found
