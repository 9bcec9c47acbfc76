"""Read-only, like ``competitions/admin.py``: projects, conflicts, panels, criteria, scores, votes, prizes and
the results change only through the judging pages and their services (rules, audit log).
Write-up files are not shown, not even their storage names."""

from django.contrib import admin

from competitions.admin import ReadOnlyAdmin, ReadOnlyInline

from . import models


class CriterionInline(ReadOnlyInline):
    model = models.Criterion
    fields = ["name", "weight", "scale_min", "scale_max", "order"]


class PrizeInline(ReadOnlyInline):
    model = models.Prize
    fields = ["kind", "place", "name", "winner", "winner_reason"]


class CriterionScoreInline(ReadOnlyInline):
    model = models.CriterionScore
    fields = ["criterion", "value"]


@admin.register(models.Track)
class TrackAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "ranking", "leaderboard_weight", "handin_deadline", "judging"]
    list_filter = ["ranking", "judging"]
    inlines = [CriterionInline, PrizeInline]


@admin.register(models.Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "team", "track", "updated_at"]
    list_filter = ["track"]
    exclude = ["writeup"]


@admin.register(models.Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["judge", "team", "reason", "declared_by", "created_at"]


@admin.register(models.ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["project", "judge", "state", "submitted_at"]
    list_filter = ["state"]
    inlines = [CriterionScoreInline]


@admin.register(models.EventResults)
class EventResultsAdmin(ReadOnlyAdmin):
    list_display = ["event", "state", "published_at", "published_by"]


@admin.register(models.Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ["name", "track", "weight", "order"]


@admin.register(models.Vote)
class VoteAdmin(ReadOnlyAdmin):
    """Ballots are voided or restored only on the review page (reason, audit log)."""

    list_display = ["voter", "project", "track", "ip", "created_at", "voided_at", "void_reason"]
    list_filter = ["track"]
