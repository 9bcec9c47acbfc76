"""Personal API tokens: create (shown once), list, revoke, and find the person behind one.

A token is ``dj_`` and 43 URL-safe characters (256 random bits); the database keeps its
SHA-256 only, so a leaked database gives no working token.
"""

import datetime as dt
import hashlib
import secrets

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.errors import ServiceError
from competitions.inputs import check_text

from .models import ApiToken

TOKEN_PREFIX = "dj_"
MAX_TOKENS_PER_USER = 20
# ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRefused(ServiceError):
    pass


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, user, name: str, expires_at: dt.datetime | None = None, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the token itself, which is never stored."""
    now = now or timezone.now()
    name = check_text(name, field="name", max_length=100, label=_("The name")).strip()
    if not name:
        raise TokenRefused(_("Give the token a name, e.g. the machine it is for."), field="name")
    if len(name) > 100:
        raise TokenRefused(_("A token's name has at most 100 characters."), field="name")
    if expires_at is not None and expires_at <= now:
        raise TokenRefused(_("The expiry must be in the future."), field="expires_at")
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise TokenRefused(
            _("You have %(n)d tokens, the most allowed. Revoke one you no longer use first.")
            % {"n": MAX_TOKENS_PER_USER}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], key_hash=_digest(raw), expires_at=expires_at
    )
    return token, raw


def api_token_revoke(*, user, token_id: int) -> None:
    """Delete one of the person's own tokens; someone else's is the same as a missing one."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise TokenRefused(_("This token does not exist (already revoked?)."))


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_user(raw: str, *, now: dt.datetime | None = None):
    """The active person behind a token, or None (unknown, expired, or an inactive account)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
