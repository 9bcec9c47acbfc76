"""Scoring queue health (organisers, per event) and each person's notifications."""

from django.urls import path

from .views import notifications, queue

Q = "manage/e/<slug:event_slug>/queue/"

urlpatterns = [
    path(Q, queue.queue_health_page, name="manage_queue"),
    path(
        Q + "submissions/<uuid:submission_id>/rescore/",
        queue.rescore_submission,
        name="manage_queue_rescore",
    ),
    path(
        Q + "phases/<int:phase_id>/rescore/",
        queue.rescore_phase,
        name="manage_queue_rescore_phase",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
]
