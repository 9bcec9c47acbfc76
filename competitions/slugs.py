"""Addresses (slugs) filled from titles, the same way on the server and in the browser
(``static/js/datajam.js``, ``data-slug-from``): a person may leave the slug empty or edit it."""

from collections.abc import Callable

from django.utils.text import slugify


def slug_from(title: str, *, taken: Callable[[str], bool], reserved: set[str] = frozenset(),
              max_length: int = 50) -> str:  # fmt: skip
    """A free slug from a title: "DataJam Montréal 2027" → "datajam-montreal-2027", then
    "-2", "-3"… while ``taken(slug)`` or reserved; "event" for a title with no letter."""
    base = slugify(title or "")[:max_length].strip("-") or "event"
    candidate, n = base, 1
    while candidate in reserved or taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
