"""Sign-in backends that keep the signed-in person's row in the shared cache.

Every request of a signed-in person asks the backend for their ``User`` (Django's
``auth.get_user``): one query per page, poll and fragment. These backends read it from the
shared cache instead (Redis when ``REDIS_URL`` is set), for ``USER_CACHE_SECONDS`` at most.

The copy is forgotten whenever the row is saved or deleted (``accounts.signals``: a password
change, a deactivation in the admin, a new language or zone), at once and again when the
transaction commits; the few ``.update()`` calls on users forget it themselves
(``forget_user``). Django still checks the session against the copy's password hash, so a
changed password signs other sessions out as before. With the cache down, the row is read as
usual.
"""

import logging

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def _key(user_id) -> str:
    return f"auth-user:{user_id}"


def forget_user(user_id) -> None:
    """Drop the cached copy now and again once the current transaction commits (a request
    between the two could otherwise keep the old row under the key)."""

    def drop() -> None:
        try:
            cache.delete(_key(user_id))
        except Exception:
            logger.warning("users: could not forget a cached user", exc_info=True)

    drop()
    transaction.on_commit(drop, robust=True)


def remember_user(user) -> None:
    """Keep this copy (just changed by an ``.update()`` the caller mirrored on it)."""
    if settings.USER_CACHE_SECONDS <= 0:
        return
    try:
        cache.set(_key(user.pk), user, settings.USER_CACHE_SECONDS)
    except Exception:
        logger.warning("users: could not keep a user", exc_info=True)


class CachedUserMixin:
    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if seconds <= 0:
            return super().get_user(user_id)
        try:
            user = cache.get(_key(user_id))
        except Exception:
            logger.warning("users: the cache did not answer", exc_info=True)
            return super().get_user(user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                try:
                    cache.set(_key(user_id), user, seconds)
                except Exception:
                    logger.warning("users: could not keep a user", exc_info=True)
            return user
        return user if self.user_can_authenticate(user) else None


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    """Django's username/password backend (the admin, the API's session), cached reads."""


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    """allauth's e-mail backend, cached reads."""
