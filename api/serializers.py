"""What the API returns and accepts. Output serializers read model objects (and the
selectors' dataclasses); every time is ISO 8601 in UTC."""

import datetime as dt

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class UtcDateTime(serializers.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(default_timezone=dt.UTC, **kwargs)


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. not_found, quota_exhausted, invalid_file")
    message = serializers.CharField(help_text="The same sentence the web shows.")
    field = serializers.CharField(required=False)
    retry_after_seconds = serializers.IntegerField(required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class EventSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    tagline = serializers.CharField()
    starts_at = UtcDateTime(allow_null=True)
    ends_at = UtcDateTime(allow_null=True)
    is_published = serializers.BooleanField()


class ChallengeSerializer(serializers.Serializer):
    event = serializers.SlugField(source="event.slug")
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    task = serializers.CharField()
    primary_metric = serializers.CharField()
    max_team_size = serializers.IntegerField()
    final_selection_limit = serializers.IntegerField()
    merger_deadline = UtcDateTime(allow_null=True)


class EventDetailSerializer(EventSerializer):
    description = serializers.CharField(help_text="Markdown.")
    challenges = ChallengeSerializer(many=True, source="challenges.all")


class QuotaSerializer(serializers.Serializer):
    daily_limit = serializers.IntegerField()
    used_today = serializers.IntegerField()
    left_today = serializers.IntegerField()
    total_limit = serializers.IntegerField(allow_null=True)
    total_used = serializers.IntegerField()
    total_left = serializers.IntegerField(allow_null=True)
    failed_limit = serializers.IntegerField(help_text="Files that may fail validation a day.")
    failed_today = serializers.IntegerField()
    next_reset = UtcDateTime(help_text="When the daily count resets (00:00 UTC).")


class PhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    order = serializers.IntegerField()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    is_open = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    daily_limit = serializers.IntegerField()
    total_limit = serializers.IntegerField(allow_null=True)
    ladder = serializers.CharField()
    private_revealed = serializers.SerializerMethodField()
    quota = serializers.SerializerMethodField(
        help_text="Your team's quota in this phase; null without a team."
    )

    def get_is_open(self, phase) -> bool:
        now = self.context["now"]
        return phase.starts_at <= now < phase.ends_at

    def get_is_current(self, phase) -> bool:
        current = self.context.get("current_phase")
        return current is not None and current.pk == phase.pk

    def get_private_revealed(self, phase) -> bool:
        revealed = phase.private_revealed_at
        return revealed is not None and revealed <= self.context["now"]

    @extend_schema_field(QuotaSerializer(allow_null=True))
    def get_quota(self, phase) -> dict | None:
        quota = self.context.get("quotas", {}).get(phase.pk)
        return QuotaSerializer(quota).data if quota is not None else None


class RulesAcceptedSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    accepted_at = UtcDateTime()


class DataFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    uploaded_at = UtcDateTime()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, data_file) -> str:
        challenge = data_file.challenge
        path = reverse(
            "api:file_download", args=[challenge.event.slug, challenge.slug, data_file.pk]
        )
        return self.context["request"].build_absolute_uri(path)


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.__str__")
    role = serializers.CharField()
    joined_at = UtcDateTime()


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_baseline = serializers.BooleanField()
    created_at = UtcDateTime()
    members = MemberSerializer(many=True, source="memberships.all")


class ChallengeDetailSerializer(ChallengeSerializer):
    description = serializers.CharField(help_text="Markdown.")
    rules = serializers.CharField(help_text="Markdown; accept them before downloading data.")
    evaluation = serializers.CharField(help_text="Markdown.")
    submission_header = serializers.SerializerMethodField()
    rules_accepted = serializers.SerializerMethodField()
    phases = serializers.SerializerMethodField()
    data_files = DataFileSerializer(many=True, source="data_files.all")

    def get_submission_header(self, challenge) -> str:
        return challenge.task_spec.header()

    def get_rules_accepted(self, challenge) -> bool:
        return self.context["rules_accepted"]

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, challenge) -> list[dict]:
        return PhaseSerializer(self.context["phases"], many=True, context=self.context).data


class LadderSerializer(serializers.Serializer):
    released = serializers.FloatField(allow_null=True, help_text="The released public score.")
    moved = serializers.BooleanField(
        allow_null=True, help_text="Whether this submission moved it (a significant gain)."
    )


class SubmissionSerializer(serializers.Serializer):
    """A submission as its team (or an organiser) may see it: the public score shown is the
    raw one where ``submission.view_raw_score`` allows it, else the Ladder's released value;
    private scores only where ``submission.view_private_score`` allows."""

    id = serializers.UUIDField()
    url = serializers.SerializerMethodField()
    event = serializers.SlugField(source="phase.challenge.event.slug")
    challenge = serializers.SlugField(source="phase.challenge.slug")
    phase = serializers.IntegerField(source="phase_id")
    team = serializers.CharField(source="team.name")
    submitted_by = serializers.CharField(source="submitted_by.__str__", default="")
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    note = serializers.CharField()
    state = serializers.ChoiceField(choices=["queued", "running", "scored", "failed"])
    failure = serializers.CharField(help_text="'file' or 'platform' when failed, else ''.")
    error_message = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    attempts = serializers.IntegerField()
    counts_for_quota = serializers.BooleanField()
    created_at = UtcDateTime()
    started_at = UtcDateTime(allow_null=True)
    finished_at = UtcDateTime(allow_null=True)
    is_final = serializers.BooleanField()
    is_hidden = serializers.BooleanField()
    is_disqualified = serializers.BooleanField()
    moderation_reason = serializers.CharField()
    primary_metric = serializers.CharField(source="phase.challenge.primary_metric")
    public_score = serializers.SerializerMethodField()
    public_scores = serializers.SerializerMethodField()
    ladder = serializers.SerializerMethodField()
    private_score = serializers.SerializerMethodField()
    private_scores = serializers.SerializerMethodField()

    def _answers(self, submission) -> dict:
        return self.context["answers"][submission.pk]

    def get_url(self, submission) -> str:
        path = reverse("api:submission", args=[submission.pk])
        return self.context["request"].build_absolute_uri(path)

    def get_public_score(self, submission) -> float | None:
        return self._answers(submission)["shown"]

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_public_scores(self, submission) -> dict:
        return submission.public_scores if self._answers(submission)["raw"] else {}

    @extend_schema_field(LadderSerializer(allow_null=True))
    def get_ladder(self, submission) -> dict | None:
        answers = self._answers(submission)
        if answers["raw"] or submission.phase.ladder == "off":
            return None
        return {"released": answers["shown"], "moved": answers["moved"]}

    def get_private_score(self, submission) -> float | None:
        return submission.private_score if self._answers(submission)["private"] else None

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_private_scores(self, submission) -> dict:
        return submission.private_scores if self._answers(submission)["private"] else {}


class SubmitSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".csv or .csv.gz with the challenge's header.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class FinalSerializer(serializers.Serializer):
    final = serializers.BooleanField(default=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="The team sees it; the audit log keeps it.")


class RescoredSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="Submissions queued for scoring again.")


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    team = serializers.CharField()
    baseline = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True, help_text="The board's primary metric.")
    raw_score = serializers.FloatField(
        allow_null=True, help_text="The best raw public score, for those who may see it."
    )
    public_rank = serializers.IntegerField(
        allow_null=True, help_text="On the private board: the team's public rank."
    )
    metrics = serializers.DictField(child=serializers.FloatField(allow_null=True))
    entries = serializers.IntegerField()
    last_submission_at = UtcDateTime(allow_null=True)


class LeaderboardSerializer(serializers.Serializer):
    event = serializers.SlugField()
    challenge = serializers.SlugField()
    phase = serializers.IntegerField()
    phase_name = serializers.CharField()
    board = serializers.ChoiceField(choices=["public", "private"])
    metric = serializers.CharField()
    ladder_step = serializers.FloatField(allow_null=True)
    rows = LeaderboardRowSerializer(many=True)


class WinnerSerializer(serializers.Serializer):
    prize = serializers.CharField(source="prize.name")
    kind = serializers.CharField(source="prize.kind")
    place = serializers.IntegerField(source="prize.place", allow_null=True)
    team = serializers.CharField(source="team.name")
    members = serializers.ListField(child=serializers.CharField())
    project = serializers.CharField(source="project.title", default=None, allow_null=True)


class ResultsLeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    team = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class TrackResultsSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="track.challenge.slug")
    title = serializers.CharField(source="track.challenge.title")
    winners = WinnerSerializer(many=True)
    leaderboard = ResultsLeaderboardRowSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    event = serializers.SlugField()
    published_at = UtcDateTime(allow_null=True)
    tracks = TrackResultsSerializer(many=True)


class WorkerSerializer(serializers.Serializer):
    name = serializers.CharField()
    answered_ping = serializers.BooleanField()
    last_heartbeat = UtcDateTime(allow_null=True)
    processes = serializers.IntegerField(allow_null=True)


class QueueHealthSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    queued_platform_wide = serializers.IntegerField()
    oldest_queued_at = UtcDateTime(allow_null=True)
    oldest_wait_seconds = serializers.FloatField(allow_null=True)
    file_failures_last_hour = serializers.IntegerField()
    platform_failures_last_hour = serializers.IntegerField()
    median_duration_ms = serializers.FloatField(allow_null=True)
    stuck_running = serializers.IntegerField()
    workers = WorkerSerializer(many=True)


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = UtcDateTime()
    actor = serializers.CharField(source="actor.__str__", default=None, allow_null=True)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_label = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.DictField()
