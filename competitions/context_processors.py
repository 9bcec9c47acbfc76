"""Template context for every page."""

from .models import Notification


def notifications(request) -> dict:
    """The signed-in person's unread notifications, for the link in the top bar (lazily: one
    COUNT query only on pages that show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notifications": unread}
