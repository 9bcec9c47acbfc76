"""Messages to people: on the site (the Notification model) and, where it matters, by e-mail.

``notify`` stores the English source text and its parameters, never a rendered text: each
reader sees it in their own language and time zone, whoever caused it (see
``selectors/notifications.py``). Mark the texts with ``gettext_noop`` so they reach the
catalogues.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..context_processors import unread_key
from ..models import Notification
from ..selectors.notifications import as_reader, render_message

logger = logging.getLogger(__name__)


def _plain(params: dict | None) -> dict:
    """JSON-safe parameters: times as ISO strings, everything else as it is or as text."""
    safe = {}
    for key, value in (params or {}).items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        safe[key] = value
    return safe


def notify(
    *,
    users: Iterable,
    message: str,
    params: dict | None = None,
    link: str = "",
    email_subject: str | None = None,
) -> list[Notification]:
    """One notification to each person (each at most once), shown in their own language.

    With ``email_subject`` (a source text too, same parameters) each person with an address
    also gets an e-mail in their language and zone, sent after the transaction commits; a mail
    outage is logged and never undoes the notification.
    """
    unique = {user.pk: user for user in users if user is not None and user.pk is not None}
    params = _plain(params)
    created = Notification.objects.bulk_create(
        [
            Notification(user=user, message=message, params=params, link=link[:300])
            for user in unique.values()
        ]
    )
    _unread_changed(list(unique))
    if email_subject:
        recipients = [user for user in unique.values() if user.email]
        transaction.on_commit(
            lambda: _email(
                recipients, subject=email_subject, message=message, params=params, link=link
            )  # fmt: skip
        )
    return created


def _email(users: list, *, subject: str, message: str, params: dict, link: str) -> None:
    url = f"{settings.SITE_URL.rstrip('/')}{link}" if link.startswith("/") else link
    for user in users:
        with as_reader(user):
            text = render_message(message, params)
            title = render_message(subject, params)
        body = f"{text}\n\n{url}\n\n-- DataJam\n" if url else f"{text}\n\n-- DataJam\n"
        try:
            send_mail(title, body, None, [user.email])
        except Exception:  # the notification is on the site; a mail outage must not stop us
            logger.warning("could not e-mail %s", user.email, exc_info=True)


def notifications_mark_read(*, user, notifications: Iterable[Notification]) -> int:
    """Mark these of the person's notifications as read (those already read keep their time)."""
    ids = [n.pk for n in notifications if n.read_at is None]
    marked = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _unread_changed([user.pk])
    return marked


def _unread_changed(user_ids: list[int]) -> None:
    """Forget the people's unread counts now and once the transaction commits (a page between
    the two may count the old rows)."""
    keys = [unread_key(pk) for pk in user_ids]

    def forget() -> None:
        cache.delete_many(keys)

    forget()
    transaction.on_commit(forget, robust=True)
