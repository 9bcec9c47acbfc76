"""The one way DataJam shows a time: in the viewer's zone, always with the zone's name.

``local_datetime`` is the text (for messages and e-mails); ``time_element`` wraps it in
``<time datetime="…">`` for pages (the ``when`` template filter). A compact form for tables
keeps the full text in ``title`` for hover and focus. When the server does not know the
viewer's zone yet (a first visit), ``static/js/datajam.js`` rewrites these elements in the
browser's zone from their ``datetime``.
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.html import format_html


def local_datetime(value: dt.datetime | None) -> str:
    """A time in the viewer's active zone, with the zone's name: "Nov. 29, 2026, 7 p.m. EST"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def compact_datetime(value: dt.datetime) -> str:
    """Shorter for tables: no year when it is this year ("November 29, 7 p.m. EST")."""
    return _this_year(timezone.localtime(value)) or local_datetime(value)


def _this_year(local: dt.datetime) -> str:
    """The compact text of a local time of this year; "" for another year."""
    if local.year != timezone.localtime().year:
        return ""
    day = formats.date_format(local, "MONTH_DAY_FORMAT")
    return f"{day}, {formats.time_format(local, 'TIME_FORMAT')} {local.tzname()}"


def time_element(value: dt.datetime | None, *, short: bool = False) -> str:
    """``<time>`` for a page; ``short`` for table cells: compact, the full text on hover/focus."""
    if value is None:
        return ""
    stamp = value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    full = local_datetime(value)
    if not short:
        return format_html('<time datetime="{}" data-format="full">{}</time>', stamp, full)
    # compact_datetime without formatting the full text twice (a table has many of these).
    compact = _this_year(timezone.localtime(value)) or full
    return format_html(
        '<time datetime="{}" data-format="short" class="when-short" title="{}" tabindex="0">{}</time>',
        stamp,
        full,
        compact,
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
