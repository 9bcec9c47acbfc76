"""The one way to show a time: a <time> in the viewer's zone, named, compact in tables."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from competitions.formatting import _texts_in, compact_datetime, local_datetime, time_element

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture
def in_toronto():
    with timezone.override(TORONTO), translation.override("en"):
        yield


def test_full_time_element_names_the_zone(in_toronto):
    value = dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)
    assert local_datetime(value) == "Nov. 29, 2026, 7 p.m. EST"
    assert time_element(value) == (
        '<time datetime="2026-11-30T00:00:00Z" data-format="full">Nov. 29, 2026, 7 p.m. EST</time>'
    )


def test_short_form_keeps_the_full_text_for_hover_and_focus(in_toronto):
    value = timezone.localtime().replace(
        month=7, day=1, hour=12, minute=30, second=0, microsecond=0
    )
    html = time_element(value, short=True)
    assert 'data-format="short"' in html and 'tabindex="0"' in html
    assert f'title="{local_datetime(value)}"' in html
    assert ">July 1, 12:30 p.m. EDT</time>" in html  # this year: no year, still the zone
    assert compact_datetime(value) == "July 1, 12:30 p.m. EDT"


def test_short_form_of_another_year_keeps_the_year(in_toronto):
    value = dt.datetime(2001, 3, 4, 12, 0, tzinfo=dt.UTC)
    assert compact_datetime(value) == "March 4, 2001, 7 a.m. EST"


def test_times_follow_the_language(in_toronto):
    value = dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)
    with translation.override("fr"):
        assert local_datetime(value) == "29 novembre 2026 19:00 EST"


def test_when_filter_is_safe_html_and_empty_for_none(in_toronto):
    template = Template('{% load datajam %}[{{ t|when }}][{{ t|when:"short" }}][{{ none|when }}]')
    html = template.render(Context({"t": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)}))
    assert html.count("<time ") == 2
    assert html.endswith("[]")


def test_texts_kept_for_a_zone_and_language_are_never_shown_in_another(in_toronto):
    """The texts are kept per moment, zone, language and year: asking in one never answers
    another, and every answer is the one formatted afresh."""
    moments = [dt.datetime(2026, 11, 30, h, 0, tzinfo=dt.UTC) for h in (0, 12)]
    moments.append(timezone.now().replace(microsecond=0))
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    seen = {}
    for _round in range(2):
        for zone in (TORONTO, paris, dt.UTC):
            for language in ("en", "fr", "es"):
                with timezone.override(zone), translation.override(language):
                    for value in moments:
                        texts = (local_datetime(value), compact_datetime(value))
                        fresh = _texts_in.__wrapped__(
                            value, zone, language, timezone.localtime().year
                        )
                        assert texts == (fresh[0], fresh[1] or fresh[0])
                        seen.setdefault((zone, language, value), texts)
                        assert seen[(zone, language, value)] == texts
    assert len({texts for texts in seen.values()}) == len(seen)  # no two alike
