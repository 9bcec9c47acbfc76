"""Notifications put together in the reader's language and time zone.

A notification stores its English source text and its parameters (``services/notifications``).
Parameters are plain JSON; by the end of their key some are more: ``…_at`` holds an ISO time,
shown in the reader's zone with the zone's name; ``…_msg`` holds another source text (e.g. why
a run failed), translated too and filled with the same parameters; floats are shown with four decimals in the reader's number format.
"""

import datetime as dt
from contextlib import contextmanager

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts.middleware import zone_named

from ..formatting import local_datetime
from ..models import Notification


def _value(key: str, value):
    if key.endswith("_at") and isinstance(value, str):
        try:
            return local_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float):
        return formats.number_format(value, 4)
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)
    return value


def render_message(message: str, params: dict | None = None) -> str:
    """The text in the active language and zone."""
    text = gettext(message) if message else ""
    if not params:
        return text
    values = {key: _value(key, value) for key, value in params.items() if not key.endswith("_msg")}
    for key, value in params.items():
        if key.endswith("_msg"):
            values[key] = _fill(gettext(value), value, values) if value else ""
    return _fill(text, message, values)


def _fill(text: str, source: str, values: dict) -> str:
    """The text with its values; never an error on a page (a translation with a broken
    placeholder falls back to the source text, a source text missing a value shows as is)."""
    for candidate in (text, source):
        try:
            return candidate % values
        except (KeyError, TypeError, ValueError):
            continue
    return source


def notification_text(notification: Notification) -> str:
    return render_message(notification.message, notification.params)


@contextmanager
def as_reader(user):
    """Render inside this block in ``user``'s language and time zone (for e-mails and
    anything else produced away from their own request)."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    zone = zone_named(getattr(user, "timezone", "")) or dt.UTC
    with translation.override(language), timezone.override(zone):
        yield
