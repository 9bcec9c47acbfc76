import datetime as dt

from django.utils import formats, timezone


def local_datetime(value: dt.datetime | None) -> str:
    """A time in the viewer's active zone, with the zone's name: "Nov. 29, 2026, 7 p.m. EST"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
