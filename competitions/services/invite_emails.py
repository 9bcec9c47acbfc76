"""The daily cap on a team's invitation e-mails.

Any member can make the platform mail any address; the cap keeps that from becoming a way to
send mail to strangers again and again. Every e-mail counts, a re-sent invitation too. The count
lives in the shared cache (every web process counts the same) and resets at 00:00 UTC, like the
submission limits; reservations happen under the team's row lock, so parallel sends are counted
exactly whatever the cache backend.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from ..formatting import local_datetime
from ..models import Team
from ..selectors.quotas import utc_day_bounds
from . import ServiceError


class InviteCapReached(ServiceError):
    pass


def _key(team_pk: int, now: dt.datetime) -> tuple[str, int]:
    start, end = utc_day_bounds(now)
    return f"team-invite-emails:{team_pk}:{start.date().isoformat()}", int(
        (end - now).total_seconds() + 60
    )


def invite_email_reserve(*, team: Team, now: dt.datetime) -> None:
    """Count one invitation e-mail for the team today, or refuse it with the reset time."""
    limit = settings.TEAM_INVITE_EMAILS_PER_DAY
    key, timeout = _key(team.pk, now)
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=team.pk).order_by("pk").first()
        sent = cache.get(key, 0)
        if sent >= limit:
            _start, reset = utc_day_bounds(now)
            raise InviteCapReached(
                _(
                    "Your team has sent %(n)d invitation e-mails today, the most a team may send "
                    "in a day. More can be sent from %(t)s; until then, share your team's invite "
                    "link."
                )
                % {"n": limit, "t": local_datetime(reset)}
            )
        cache.set(key, sent + 1, timeout)


def invite_email_refund(*, team: Team, now: dt.datetime) -> None:
    """The e-mail could not be sent: it does not count."""
    key, timeout = _key(team.pk, now)
    with transaction.atomic():
        Team.objects.select_for_update().filter(pk=team.pk).order_by("pk").first()
        sent = cache.get(key, 0)
        if sent > 0:
            cache.set(key, sent - 1, timeout)
