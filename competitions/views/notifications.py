"""A person's notifications: listed newest first, and marked read once shown."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..services.notifications import notifications_mark_read

SHOWN = 100


@login_required
def notification_list(request):
    notifications = list(request.user.notifications.all()[:SHOWN])
    # Rendered with their state before this visit, so the new ones stand out once.
    unread = {n.pk for n in notifications if n.read_at is None}
    notifications_mark_read(user=request.user, notifications=notifications)
    return render(
        request,
        "competitions/notifications.html",
        {"notifications": notifications, "unread": unread},
    )
