"""CSV exports open safely in spreadsheets: text that would run as a formula is quoted."""

import csv
import io

import pytest

from competitions.csv_export import csv_response, csv_text, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Buyer Resist", "Buyer Resist"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-0.5, -0.5),
        (3, 3),
        (True, "yes"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_rows_round_trip_through_the_csv_reader():
    text = csv_text(["team", "score"], [["=cmd|' /C calc'!A0", -1.25], ['Quote "me", please', 2]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["team", "score"],
        ["'=cmd|' /C calc'!A0", "-1.25"],
        ['Quote "me", please', "2"],
    ]


def test_the_response_is_a_utf8_download():
    response = csv_response("x.csv", ["équipe"], [["Étoile"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content.decode("utf-8").startswith("\ufeffé")
