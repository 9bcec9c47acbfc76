"""The admin is for looking, not changing: every write goes through the organiser pages and
their services, which check permission, keep the rules, and write the audit log.

Truth files (not even their storage names are shown), scores, submissions, teams, roles and
the audit log are read-only here, and nothing of an event's history can be deleted.
"""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows everything, changes nothing."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PhaseInline(ReadOnlyInline):
    model = models.Phase
    fields = [
        "name",
        "order",
        "starts_at",
        "ends_at",
        "daily_limit",
        "total_limit",
        "truth_version",
    ]


class DataFileInline(ReadOnlyInline):
    model = models.DataFile
    fields = ["name", "kind", "description", "size"]


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "starts_at", "ends_at", "is_published"]


@admin.register(models.EventRole)
class EventRoleAdmin(ReadOnlyAdmin):
    list_display = ["event", "user", "role"]
    list_filter = ["role", "event"]


@admin.register(models.Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ["title", "event", "task", "primary_metric"]
    list_filter = ["event", "task"]
    inlines = [PhaseInline, DataFileInline]


@admin.register(models.Phase)
class PhaseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_at", "ends_at", "daily_limit", "truth_version"]
    exclude = ["truth_file"]  # the hidden truth: not even its storage name


@admin.register(models.Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "challenge", "is_baseline", "created_at"]
    list_filter = ["challenge"]


@admin.register(models.Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["id", "team", "phase", "state", "public_score", "private_score", "created_at"]
    list_filter = ["state", "phase"]


@admin.register(models.ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ["submission", "attempt", "worker", "started_at", "finished_at", "outcome"]
    list_filter = ["outcome"]


@admin.register(models.AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "actor", "action", "target_label", "reason"]
    list_filter = ["event", "action"]


@admin.register(models.Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "challenge", "author", "subject", "recipients"]
    list_filter = ["event"]
