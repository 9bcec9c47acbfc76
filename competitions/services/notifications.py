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


def notifications_mark_read(*, user, notifications: Iterable[Notification]) -> int:
    """Mark these of the person's notifications as read (those already read keep their time)."""
    from django.utils import timezone

    ids = [n.pk for n in notifications if n.read_at is None]
    return Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
