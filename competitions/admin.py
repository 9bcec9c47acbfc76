from django.contrib import admin

from . import models


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0
    fields = ["name", "order", "starts_at", "ends_at", "daily_limit", "total_limit", "truth_file"]


class DataFileInline(admin.TabularInline):
    model = models.DataFile
    extra = 0
    fields = ["name", "kind", "description", "file"]


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_at", "ends_at", "is_published"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.EventRole)
class EventRoleAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "role"]
    list_filter = ["role", "event"]


@admin.register(models.Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "task", "primary_metric"]
    list_filter = ["event", "task"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, DataFileInline]


@admin.register(models.Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "ends_at", "daily_limit", "truth_version"]
    readonly_fields = ["truth_summary", "truth_version"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "challenge", "is_baseline", "created_at"]
    list_filter = ["challenge"]


@admin.register(models.Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "team", "phase", "state", "public_score", "private_score", "created_at"]
    list_filter = ["state", "phase"]
    readonly_fields = [f.name for f in models.Submission._meta.fields if f.name != "note"]


@admin.register(models.AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "actor", "action", "target_label", "reason"]
    list_filter = ["event", "action"]
    readonly_fields = [f.name for f in models.AuditLog._meta.fields]
