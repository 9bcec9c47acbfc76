"""Organiser pages, under /manage/."""

from django.urls import path

from .views import organiser as v

E = "manage/e/<slug:event_slug>/"
C = E + "c/<slug:challenge_slug>/"

urlpatterns = [
    path("manage/", v.dashboard, name="manage"),
    path("manage/events/new/", v.event_new, name="manage_event_new"),
    path(E, v.event_manage, name="manage_event"),
    path(E + "edit/", v.event_edit, name="manage_event_edit"),
    path(E + "publish/", v.event_publish, name="manage_event_publish"),
    path(E + "announcements/new/", v.announcement_new, name="manage_announcement_new"),
    path(E + "unpublish/", v.event_unpublish, name="manage_event_unpublish"),
    path(E + "roles/", v.role_add, name="manage_role_add"),
    path(E + "roles/<int:role_id>/remove/", v.role_remove, name="manage_role_remove"),
    path(E + "audit/", v.audit_log, name="manage_audit"),
    path(E + "challenges/new/", v.challenge_new, name="manage_challenge_new"),
    path(E + "challenges/template/", v.challenge_from_template, name="manage_challenge_template"),
    path(E + "challenges/template/<uuid:job_id>/", v.template_job, name="manage_template_job"),
    path(C, v.challenge_manage, name="manage_challenge"),
    path(C + "edit/", v.challenge_edit, name="manage_challenge_edit"),
    path(C + "phases/new/", v.phase_new, name="manage_phase_new"),
    path(C + "data/", v.datafile_add, name="manage_data_add"),
    path(C + "data/<int:file_id>/delete/", v.datafile_delete, name="manage_data_delete"),
    path(C + "submissions/", v.submissions, name="manage_submissions"),
    path("manage/phases/<int:phase_id>/edit/", v.phase_edit, name="manage_phase_edit"),
    path("manage/phases/<int:phase_id>/truth/", v.phase_truth, name="manage_phase_truth"),
    path("manage/phases/<int:phase_id>/rescore/", v.phase_rescore, name="manage_phase_rescore"),
    path("manage/phases/<int:phase_id>/reveal/", v.phase_reveal, name="manage_phase_reveal"),
    path(
        "manage/phases/<int:phase_id>/teams/<int:team_id>/limits/",
        v.quota_override,
        name="manage_quota",
    ),
    path(
        "manage/submissions/<uuid:submission_id>/moderate/",
        v.submission_moderate,
        name="manage_moderate",
    ),
]
