"""Template context for every page."""

from django.core.cache import cache

from . import page_cache
from .models import Notification

# The count is kept in the shared cache and forgotten whenever the person's notifications change
# (``services.notifications``); this only bounds a change made some other way.
UNREAD_SECONDS = 300


def unread_key(user_id: int) -> str:
    return f"unread-notifications:{user_id}"


def notifications(request) -> dict:
    """The signed-in person's unread notifications, for the link in the top bar (lazily: one
    COUNT query only on pages that show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        key = unread_key(user.pk)
        count = cache.get(key)
        if count is None:
            count = Notification.objects.filter(user=user, read_at__isnull=True).count()
            cache.set(key, count, UNREAD_SECONDS)
        page_cache.depends_on(key, count)  # a kept page shows this count
        return count

    return {"unread_notifications": unread}
