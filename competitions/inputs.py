"""What text may reach the database: every service checks its text here before it writes.

PostgreSQL refuses a NUL character outright and a ``varchar`` longer than its column, and the
database driver cannot encode a lone UTF-16 surrogate (which JSON can carry): each used to be an
unhandled error. Forms refuse NUL themselves, but the API, the admin and bare POST fields do
not, so the rule lives below all of them: services call ``check_text`` for a value and
``check_model_text`` for an object about to be saved, and refuse with a ``ServiceError`` naming
the field. Lookups by a token from a URL use ``is_token`` first.
"""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext as _

from .errors import ServiceError

# Markdown and other long texts (descriptions, rules, comments): generous, but bounded.
TEXT_MAX_CHARS = 50_000

# C0 and C1 control characters other than tab, line feed and carriage return; lone surrogates;
# the two non-characters at the end of each plane that some software treats as markers.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\r\n\u2028\u2029\x85]")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InputRefused(ServiceError):
    pass


def check_text(
    value: str | None,
    *,
    field: str,
    max_length: int = TEXT_MAX_CHARS,
    multiline: bool = False,
    label: str = "",
) -> str:
    """The value, refused if it holds a character no text needs or is longer than
    ``max_length`` characters; single-line fields refuse line breaks too. ``None`` is ""."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputRefused(_("This must be text."), field=field)
    what = label or _("This field")
    if len(value) > max_length:
        raise InputRefused(
            _("%(what)s is too long: at most %(max)d characters (it has %(n)d).")
            % {"what": what, "max": max_length, "n": len(value)},
            field=field,
        )
    bad = _FORBIDDEN.search(value) or (None if multiline else _LINE_BREAKS.search(value))
    if bad is not None:
        name = unicodedata.name(bad.group(), "") if not 0xD800 <= ord(bad.group()) <= 0xDFFF else ""
        raise InputRefused(
            _("%(what)s contains a character that text cannot hold (U+%(code)04X%(name)s).")
            % {"what": what, "code": ord(bad.group()), "name": f" {name}" if name else ""},
            field=field,
        )
    return value


def _text_fields(model: type[models.Model]):
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            continue  # its name is ours (random), checked by storage
        if isinstance(field, (models.CharField, models.TextField)):
            yield field


def check_model_text(instance: models.Model, fields=None) -> None:
    """Check every text column of ``instance`` (or only ``fields``) before it is saved: a
    ``CharField`` by its ``max_length``, a ``TextField`` by ``TEXT_MAX_CHARS``."""
    for field in _text_fields(type(instance)):
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        check_text(
            value,
            field=field.name,
            max_length=field.max_length or TEXT_MAX_CHARS,
            multiline=isinstance(field, models.TextField),
            label=str(field.verbose_name).capitalize(),
        )


def strip_forbidden(value: str) -> str:
    """The value without the characters ``check_text`` refuses (for names we keep but no
    person typed, such as an uploaded file's name)."""
    return _FORBIDDEN.sub("", _LINE_BREAKS.sub(" ", value))


def is_token(value: str) -> bool:
    """Whether a token from a URL can be one of ours (``secrets.token_urlsafe``), so a lookup
    with anything else is a plain "not found" and never reaches the database."""
    return bool(_TOKEN.fullmatch(value or ""))
