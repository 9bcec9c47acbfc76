"""Renderers beside JSON: CSV for leaderboards, raw bytes for downloads. An error on either
is still the JSON error body."""

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from competitions.csv_export import safe_cell


def _json_error(data, renderer_context) -> bytes:
    response = (renderer_context or {}).get("response")
    if response is not None:
        response["Content-Type"] = "application/json"
    return json.dumps(data, ensure_ascii=False).encode()


class CSVRenderer(BaseRenderer):
    """``{"header": [...], "rows": [[...]]}`` as CSV, text cells made safe for spreadsheets
    (the same writer as the web's exports)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, dict) or "header" not in data:
            return _json_error(data, renderer_context)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(data["header"])
        for line in data["rows"]:
            writer.writerow([safe_cell(value) for value in line])
        return out.getvalue().encode()


class FileRenderer(BaseRenderer):
    """Lets a client ask for a file with ``Accept: application/octet-stream``; the view
    streams the file itself."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return _json_error(data, renderer_context)
