"""Chart labels follow the page's number format, like every other score on the page."""

from django.utils import translation

from competitions.charts import _number


def test_axis_labels_in_english_and_french():
    with translation.override("en"):
        assert (_number(0.85), _number(0.8381), _number(12000.4)) == ("0.85", "0.8381", "12,000")
    with translation.override("fr"):
        assert _number(0.85) == "0,85" and _number(0.8381) == "0,8381"
        assert _number(12000.4).replace("\u202f", " ").replace("\xa0", " ") == "12 000"
