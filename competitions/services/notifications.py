"""On-site messages to people (the Notification model)."""

from collections.abc import Iterable

from ..models import Notification


def notification_send(*, users: Iterable, message: str, link: str = "") -> list[Notification]:
    """One message to each person (each at most once), e.g. about a team change."""
    unique = {user.pk: user for user in users if user is not None and user.pk is not None}
    return Notification.objects.bulk_create(
        [
            Notification(user=user, message=message[:500], link=link[:300])
            for user in unique.values()
        ]
    )

