"""CSV exports that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula by Excel, LibreOffice and
Google Sheets: a team called ``=HYPERLINK(...)`` would turn an organiser's export into a
trap. Such text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers
we computed ourselves (``-0.5``) are written as numbers.
"""

import csv
from collections.abc import Iterable
from io import StringIO

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """A value ready for a CSV cell: text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A download of the rows as UTF-8 CSV (with a BOM, so spreadsheets read accents right)."""
    response = HttpResponse(
        "\ufeff" + csv_text(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
