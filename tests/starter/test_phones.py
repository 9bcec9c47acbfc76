import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.phones import (
    PHONE_STYLES,
    find_emails,
    find_phones,
    format_email,
    format_phone,
    normalise_phone,
)

numbers = st.from_regex(r"[2-9][0-9]{9}", fullmatch=True)
# Words that sit next to a number in the generated ads, in both languages.
BEFORE = ("", "Call or text", "Texto seulement", "Contact Mia at", "Réservez maintenant :", "Tél :")
AFTER = ("", "- call anytime", "- appel ou texto", ". Available 24/7", "!! Merci et à bientôt")


@settings(max_examples=400, deadline=None)
@given(digits=numbers, style=st.sampled_from(PHONE_STYLES), seed=st.integers(0, 2**32))
def test_every_style_reads_back_to_the_same_number(digits, style, seed):
    written = format_phone(digits, style, random.Random(seed))
    assert normalise_phone(written) == digits


@settings(max_examples=300, deadline=None)
@given(
    digits=numbers,
    style=st.sampled_from(PHONE_STYLES),
    seed=st.integers(0, 2**32),
    before=st.sampled_from(BEFORE),
    after=st.sampled_from(AFTER),
    upper=st.booleans(),
)
def test_a_number_inside_a_sentence_is_found(digits, style, seed, before, after, upper):
    text = f"{before} {format_phone(digits, style, random.Random(seed))}{after}"
    assert find_phones(text.upper() if upper else text) == [digits]


@pytest.mark.parametrize(
    "written",
    [
        "416-555-0134",
        "(416) 555-0134",
        "4165550134",
        "416.555.0134",
        "+1 416 555 0134",
        "4I6 555 O134",
        "four one six five five five zero one three four",
        "quatre un six cinq cinq cinq zéro un trois quatre",
        "4 one 6 - cinq 55 - oh 1 trois 4",
        "4️⃣1️⃣6️⃣5️⃣5️⃣5️⃣0️⃣1️⃣3️⃣4️⃣",
    ],
)
def test_written_forms_from_the_brief(written):
    assert normalise_phone(written) == "4165550134"


def test_text_without_a_number():
    assert normalise_phone("Available 7 days a week, 24/7, un rendez-vous") is None
    assert normalise_phone("") is None


def test_two_numbers_in_one_text():
    assert find_phones("Call 416-555-0134 or 514 555 0199") == ["4165550134", "5145550199"]


@pytest.mark.parametrize("seed", range(20))
def test_emails_read_back_plain_or_spelled(seed):
    rng = random.Random(seed)
    address = "rose.star12@mail.example"
    written = format_email(address, rng, obfuscate=seed % 2 == 1)
    assert find_emails(f"Write to me at {written}. Thanks") == [address]


def test_style_names_are_checked():
    with pytest.raises(ValueError):
        format_phone("4165550134", "smoke signals", random.Random(0))
