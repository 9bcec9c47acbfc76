"""The one way DataJam shows a time: in the viewer's zone, always with the zone's name.

``local_datetime`` is the text (for messages and e-mails); ``time_element`` wraps it in
``<time datetime="…">`` for pages (the ``when`` template filter). A compact form for tables
keeps the full text in ``title`` for hover and focus. When the server does not know the
viewer's zone yet (a first visit), ``static/js/datajam.js`` rewrites these elements in the
browser's zone from their ``datetime``.
"""

import datetime as dt
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language


def local_datetime(value: dt.datetime | None) -> str:
    """A time in the viewer's active zone, with the zone's name: "Nov. 29, 2026, 7 p.m. EST"."""
    if value is None:
        return ""
    return _texts(value)[0]


def compact_datetime(value: dt.datetime) -> str:
    """Shorter for tables: no year when it is this year ("November 29, 7 p.m. EST")."""
    full, compact = _texts(value)
    return compact or full


def _texts(value: dt.datetime) -> tuple[str, str]:
    """(the full text, the compact text or "" when not this year) of ``value`` in the active
    zone and language."""
    zone = timezone.get_current_timezone()
    return _texts_in(value, zone, get_language(), timezone.localtime(None, zone).year)


@lru_cache(maxsize=4096)
def _texts_in(value: dt.datetime, zone, language: str | None, this_year: int) -> tuple[str, str]:
    """``_texts`` for this zone, language and year (the active ones, which the key holds). A
    page shows the same times again and again (a team's submissions after each upload, a
    submission's page at each poll): formatting one costs ~0.1 ms, finding it ~2 µs."""
    local = timezone.localtime(value, zone)
    name = local.tzname()
    full = f"{formats.date_format(local, 'DATETIME_FORMAT')} {name}"
    if local.year != this_year:
        return full, ""
    day = formats.date_format(local, "MONTH_DAY_FORMAT")
    return full, f"{day}, {formats.time_format(local, 'TIME_FORMAT')} {name}"


@receiver(setting_changed)
def _forget_texts(**_kwargs) -> None:
    """A changed setting (formats, languages, zones: tests) may change every text."""
    _texts_in.cache_clear()


def time_element(value: dt.datetime | None, *, short: bool = False) -> str:
    """``<time>`` for a page; ``short`` for table cells: compact, the full text on hover/focus."""
    if value is None:
        return ""
    stamp = value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    full, compact = _texts(value)
    if not short:
        return format_html('<time datetime="{}" data-format="full">{}</time>', stamp, full)
    return format_html(
        '<time datetime="{}" data-format="short" class="when-short" title="{}" tabindex="0">{}</time>',
        stamp,
        full,
        compact or full,
    )


def score_text(value, digits: int = 4) -> str:
    """A score or metric in the viewer's number format, always with ``digits`` decimals
    ("0.8381", French "0,8381"); counts are grouped ("12,000", French "12 000"); "—" for none.
    The same form as sizes (``filesizeformat``: "82,0 Kio"), so a page never mixes the two."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    try:
        # Rounded here: Django's number_format cuts a float's extra digits off (0.43077 -> 0.430).
        number = round(float(value), int(digits))
        return formats.number_format(number, int(digits), force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


def percent_text(share: float | None, digits: int = 1) -> str:
    """A share as a percentage in the viewer's number format: "50.0 %" / "50,0 %"."""
    if share is None:
        return "—"
    return f"{formats.number_format(float(share) * 100, digits)} %"
