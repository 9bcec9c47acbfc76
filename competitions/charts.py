"""Small SVG charts drawn on the server: no script, no library, nothing from another host.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (a one-sentence summary
for screen readers); the page puts the same numbers in a table next to it. Series differ by
colour *and* by dash pattern and marker shape, so no meaning rests on colour alone. Only
presentation attributes are used (no ``style``), which the Content-Security-Policy allows.
"""

import datetime as dt
import math
from collections.abc import Sequence
from itertools import count

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .formatting import score_text

# Colours that stay apart for the common colour-vision deficiencies (Okabe & Ito), and dashes
# and markers to tell the series apart without colour.
COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
    "#7F7F7F", "#B8860B",
)  # fmt: skip
DASHES = ("", "6 3", "2 2", "8 3 2 3", "", "6 3", "2 2", "8 3 2 3", "", "6 3")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond",
           "circle", "square")  # fmt: skip

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40

_ids = count(1)


def _number(value: float) -> str:
    """An axis or point label in the page's number format, without trailing zeros."""
    if abs(value) >= 1000:
        return formats.number_format(round(value), force_grouping=True)
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _ticks(low: float, high: float, wanted: int = 5) -> list[float]:
    """About ``wanted`` round values between low and high."""
    if high <= low:
        return [low]
    raw = (high - low) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if shape == "square":
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}">'
            f"{title}</rect>"
        )
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{title}</circle>'


def _frame(chart_id: str, title: str, description: str, body: list[str], height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMidYMid meet" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _y_axis(low: float, high: float, y_of, plot_right: float) -> list[str]:
    parts = []
    for tick in _ticks(low, high):
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{plot_right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dfe3ea"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5b6476">{escape(_number(tick))}</text>'
        )
    return parts


def _local_day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def table_rows(series: Sequence, marks: bool = False) -> list[tuple[str, str, str]]:
    """(label, local time, value) of each point (or mark): the chart as a table."""
    return [
        (one.label, _local_day(moment), score_text(value))
        for one in series
        for moment, value in (one.marks if marks else one.points)
    ]


def _time_ticks(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """Midnights (in the viewer's zone) when the span covers days, else a few times of day."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    days = []
    moment = midnight + dt.timedelta(days=1)
    while moment <= local_end:
        days.append(moment)
        moment += dt.timedelta(days=1)
    if len(days) >= 2:
        every = max(1, math.ceil(len(days) / 7))
        return [(d, formats.date_format(d, "M j")) for d in days[::every]]
    span = end - start
    return [
        (
            start + span * i / 4,
            formats.date_format(timezone.localtime(start + span * i / 4), "M j, H:i"),
        )
        for i in range(5)
    ]


def line_chart(
    series: Sequence, *, title: str, description: str, step_lines: bool = True
) -> SafeString:
    """Scores over time: one step line per series (``Series.points``) with its marks.

    ``step_lines``: a running best or released score holds its value until the next change.
    """
    chart_id = f"chart-{next(_ids)}"
    points = [p for s in series for p in list(s.points) + list(s.marks)]
    if not points:
        return mark_safe("")
    height = HEIGHT
    plot_right, plot_bottom = WIDTH - RIGHT, height - BOTTOM
    start = min(t for t, _v in points)
    end = max(t for t, _v in points)
    end = max(end, timezone.now()) if end - start < dt.timedelta(minutes=1) else end
    span = max((end - start).total_seconds(), 1.0)
    low = min(v for _t, v in points)
    high = max(v for _t, v in points)
    if high - low < 1e-9:
        low, high = low - 0.05, high + 0.05
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad

    def x_of(moment: dt.datetime) -> float:
        return LEFT + (moment - start).total_seconds() / span * (plot_right - LEFT)

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - TOP)

    body = _y_axis(low, high, y_of, plot_right)
    body.append(
        f'<line x1="{LEFT}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#5b6476"/>'
    )
    for moment, label in _time_ticks(start, end):
        x = x_of(moment)
        anchor = "start" if x < LEFT + 30 else "end" if x > plot_right - 30 else "middle"
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_bottom}" y2="{plot_bottom + 4}" '
            f'stroke="#5b6476"/>'
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="{anchor}" font-size="11" '
            f'fill="#5b6476">{escape(label)}</text>'
        )
    for index, one in enumerate(series):
        colour, dash, shape = COLOURS[index % 10], DASHES[index % 10], MARKERS[index % 10]
        path = []
        for n, (moment, value) in enumerate(one.points):
            x, y = x_of(moment), y_of(value)
            if n == 0:
                path.append(f"M{x:.1f},{y:.1f}")
            elif step_lines:
                path.append(f"H{x:.1f}V{y:.1f}")
            else:
                path.append(f"L{x:.1f},{y:.1f}")
        if one.points:
            path.append(f"H{plot_right:.1f}")
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attr}><title>{escape(one.label)}</title></path>"
            )
        for moment, value in one.marks or one.points:
            label = f"{one.label}: {_number(value)} · {_local_day(moment)}"
            body.append(_marker(shape, x_of(moment), y_of(value), colour, label))
    return mark_safe(_frame(chart_id, title, description, body, height))


def legend_items(series: Sequence) -> list[dict]:
    """What the legend under a line chart shows for each series (its colour, dash, marker)."""
    return [
        {
            "label": one.label,
            "colour": COLOURS[i % 10],
            "dash": DASHES[i % 10],
            "marker": MARKERS[i % 10],
            "swatch": mark_safe(
                f'<svg class="swatch" viewBox="0 0 30 10" width="30" height="10" '
                f'aria-hidden="true" focusable="false"><line x1="0" x2="30" y1="5" y2="5" '
                f'stroke="{COLOURS[i % 10]}" stroke-width="2"'
                + (f' stroke-dasharray="{DASHES[i % 10]}"' if DASHES[i % 10] else "")
                + "/>"
                + _marker(MARKERS[i % 10], 15, 5, COLOURS[i % 10], one.label)
                + "</svg>"
            ),
        }
        for i, one in enumerate(series)
    ]


def bar_chart(days: Sequence[tuple[dt.date, int]], *, title: str, description: str) -> SafeString:
    """Counts per day as bars, each with its number in a tooltip."""
    if not days:
        return mark_safe("")
    chart_id = f"chart-{next(_ids)}"
    height = HEIGHT - 40
    plot_right, plot_bottom = WIDTH - RIGHT, height - BOTTOM
    high = max(n for _d, n in days) or 1
    ticks = [t for t in _ticks(0, high) if float(t).is_integer()] or [0, high]

    def y_of(value: float) -> float:
        return plot_bottom - value / max(high, ticks[-1]) * (plot_bottom - TOP)

    body = _y_axis(0, max(high, ticks[-1]), y_of, plot_right)
    slot = (plot_right - LEFT) / len(days)
    width = max(slot * 0.7, 1.0)
    label_every = max(1, math.ceil(len(days) / 8))
    for i, (day, n) in enumerate(days):
        x = LEFT + i * slot + (slot - width) / 2
        y = y_of(n)
        label = f"{formats.date_format(day, 'M j')}: {n}"
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{plot_bottom - y:.1f}" '
            f'fill="#0072B2"><title>{escape(label)}</title></rect>'
        )
        if i % label_every == 0:
            body.append(
                f'<text x="{x + width / 2:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
                f'font-size="11" fill="#5b6476">{escape(formats.date_format(day, "M j"))}</text>'
            )
    body.append(
        f'<line x1="{LEFT}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#5b6476"/>'
    )
    return mark_safe(_frame(chart_id, title, description, body, height))
