"""Events, challenges, phases, teams and submissions.

Models hold data and constraints only; every write with a rule behind it is a service in
``competitions/services``; reads with logic are selectors in ``competitions/selectors``.
"""

import secrets
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring import TASKS

TASK_CHOICES = [(name, spec.label) for name, spec in TASKS.items()]


def private_storage():
    return storages["private"]


def _random_name(prefix: str, filename: str) -> str:
    """Stored files get random names: nothing about a file can be guessed from its path."""
    lower = filename.lower()
    suffix = ".csv.gz" if lower.endswith(".gz") else ".csv" if lower.endswith(".csv") else ".bin"
    return f"{prefix}/{uuid.uuid4().hex}{suffix}"


def data_file_path(instance, filename: str) -> str:
    return _random_name("data", filename)


def truth_file_path(instance, filename: str) -> str:
    return _random_name("truth", filename)


def submission_file_path(instance, filename: str) -> str:
    return _random_name("submissions", filename)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    """A DataJam: a competition event with one or more challenges."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    tagline = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text=_("Markdown."))
    # The language organisers write the texts in (a language code): pages mark those texts with
    # it, so a screen reader reads English text on a French page with English pronunciation.
    content_language = models.CharField(max_length=16, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # A new event is a draft that only its organisers and judges see; publishing is an explicit
    # action behind the readiness checklist (``selectors/readiness.py``).
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Its organisers and judges must use two-factor authentication on its pages, the API and
    # every service acting for them (``permissions.require``).
    require_mfa = models.BooleanField(
        _("Require two-factor authentication for organisers and judges"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "name"]

    def __str__(self) -> str:
        return self.name


class EventRole(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        JUDGE = "judge", _("Judge")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "role"], name="unique_event_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.event}"


class Challenge(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="challenges")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text=_("Markdown."))
    rules = models.TextField(blank=True, help_text=_("Markdown; participants accept these."))
    evaluation = models.TextField(blank=True, help_text=_("Markdown."))
    content_language = models.CharField(max_length=16, blank=True)  # empty: the event's
    task = models.CharField(max_length=32, choices=TASK_CHOICES, default="ad-linkage")
    primary_metric = models.CharField(max_length=64, default="pairwise_f1")
    max_team_size = models.PositiveIntegerField(default=5)
    merger_deadline = models.DateTimeField(null=True, blank=True)
    final_selection_limit = models.PositiveIntegerField(
        default=2, help_text=_("How many submissions a team may mark as final.")
    )
    # Metric names of the task shown next to the primary one on the leaderboards, in order.
    secondary_metrics = models.JSONField(default=list, blank=True)
    # A challenge made from the template: its preset, size and seed, and the scores of the simple
    # reference methods against the truth (`starter.references`). Shown to organisers only.
    generated_corpus = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "title"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="unique_challenge_slug")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def task_spec(self):
        return TASKS[self.task]

    @property
    def higher_is_better(self) -> bool:
        return self.task_spec.higher_is_better[self.primary_metric]

    def metric_label(self, name: str) -> str:
        return self.task_spec.metric_labels.get(name, name)


class Phase(models.Model):
    """A period of a challenge with its own limits and hidden truth (e.g. development, final)."""

    class Ladder(models.TextChoices):
        """Blum & Hardt's Ladder (2015) for the public board: see ``competitions/ladder.py``."""

        OFF = "off", _("Off: every improvement is shown")
        FIXED = "fixed", _("Ladder with a fixed step")
        AUTO = "auto", _("Parameter-free Ladder (step from the public part's size)")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    daily_limit = models.PositiveIntegerField(default=5)
    total_limit = models.PositiveIntegerField(null=True, blank=True)
    failed_daily_limit = models.PositiveIntegerField(
        default=10, help_text=_("Cap on submissions per team per day that fail validation.")
    )
    time_limit_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Scoring time limit; empty for the site default.")
    )
    truth_file = models.FileField(
        upload_to=truth_file_path, storage=private_storage, blank=True, max_length=255
    )
    truth_summary = models.JSONField(default=dict, blank=True)
    truth_version = models.PositiveIntegerField(default=0)
    private_revealed_at = models.DateTimeField(null=True, blank=True)
    ladder = models.CharField(max_length=8, choices=Ladder.choices, default=Ladder.OFF)
    ladder_step = models.FloatField(
        null=True,
        blank=True,
        help_text=_("With a fixed step: the least gain on the public score that is shown."),
    )

    class Meta:
        ordering = ["challenge_id", "order", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge} · {self.name}"


class DataFile(models.Model):
    """A public file of a challenge, served only to participants who accepted the rules."""

    class Kind(models.TextChoices):
        TRAIN = "train", _("Training data")
        TEST = "test", _("Test data")
        SAMPLE = "sample", _("Sample submission")
        OTHER = "other", _("Other")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="data_files")
    name = models.CharField(max_length=200, help_text=_("File name shown to participants."))
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=data_file_path, storage=private_storage, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class RulesAcceptance(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="unique_rules_acceptance")
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.challenge}"


class Team(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    invite_token = models.CharField(max_length=64, unique=True, default=new_token)
    is_baseline = models.BooleanField(
        default=False, help_text=_("An organiser's reference entry, marked on the leaderboard.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "name"], name="unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    # Repeated from the team so the database itself enforces one team per user per challenge.
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="one_team_per_challenge")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class TeamInvite(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} to {self.team}"


class MergeRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    # The requesting team is absorbed into the target team when the target's leader accepts.
    from_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="merges_sent")
    to_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="merges_received")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.from_team} → {self.to_team} ({self.state})"


class QuotaOverride(models.Model):
    """An organiser's per-team change to a phase's limits, always with a reason."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="quota_overrides")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="quota_overrides")
    daily_limit = models.PositiveIntegerField(null=True, blank=True)
    total_limit = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "phase"], name="one_override_per_team_phase")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.phase}: {self.reason}"


class Submission(models.Model):
    """One uploaded prediction file and its way through scoring.

    State machine: queued → running → scored | failed. Each transition is a service that checks
    the current state with a conditional UPDATE, so two workers never both write a result.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        NONE = "", _("None")
        FILE = "file", _("Problem with the file")
        PLATFORM = "platform", _("Platform problem")

    class Limit(models.TextChoices):
        NONE = "", _("None")
        MEMORY = "memory", _("Memory limit")
        TIME = "time", _("Time limit")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=submission_file_path, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    state = models.CharField(
        max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    failure = models.CharField(max_length=16, choices=Failure.choices, default="", blank=True)
    error_message = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # A run hit a resource limit: on the first run the platform retries (the worker may have
    # been unlucky); once a second run confirms it, the file fails as the file's problem.
    limit_hit = models.CharField(max_length=16, choices=Limit.choices, default="", blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    run_token = models.CharField(max_length=64, blank=True)
    truth_version = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    public_scores = models.JSONField(default=dict, blank=True)
    private_scores = models.JSONField(default=dict, blank=True)
    all_scores = models.JSONField(default=dict, blank=True)
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)

    # Whether this submission uses the team's quota: false for files that failed validation and
    # for platform failures, so neither ever costs a team an attempt.
    counts_for_quota = models.BooleanField(default=True)
    is_final = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    is_disqualified = models.BooleanField(default=False)
    moderation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["phase", "team", "created_at"], name="sub_quota_idx"),
            models.Index(fields=["phase", "state", "public_score"], name="sub_leaderboard_idx"),
            models.Index(fields=["state", "queued_at"], name="sub_sweeper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.original_name} · {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SCORED, self.State.FAILED}


class ScoringRun(models.Model):
    """One attempt at scoring a submission: which worker ran it and how it ended.

    Written in the same transaction as each transition of its submission, so the history of
    every submission (and the proof that a result was written exactly once) is in the database.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        SCORED = "scored", _("Scored")
        FAILED = "failed", _("Failed")
        # The run stopped answering (its worker died or hung) and the sweeper took it back.
        ABANDONED = "abandoned", _("Abandoned")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="runs")
    attempt = models.PositiveIntegerField()
    run_token = models.CharField(max_length=64, unique=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    failure = models.CharField(
        max_length=16, choices=Submission.Failure.choices, default="", blank=True
    )
    message = models.TextField(blank=True)
    limit_hit = models.CharField(
        max_length=16, choices=Submission.Limit.choices, default="", blank=True
    )

    class Meta:
        ordering = ["submission_id", "attempt"]

    def __str__(self) -> str:
        return f"{self.submission_id} attempt {self.attempt}: {self.outcome}"


class HousekeepingRun(models.Model):
    """When a periodic job (the sweeper) last ran and who ran it, so a silent beat is noticed:
    the queue health page, ``manage.py health`` and ``/healthz`` read it, and workers run the
    sweep themselves when it is old (``services/sweeper.py``)."""

    name = models.CharField(max_length=64, primary_key=True)
    last_run_at = models.DateTimeField()
    ran_by = models.CharField(max_length=200, blank=True)
    report = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at} by {self.ran_by}"


class Standing(models.Model):
    """One team's row on a phase's leaderboards, kept in step with its submissions.

    Written only by ``services/standings.py``, in the same transaction as every event that
    changes it (a score, moderation, a rescore, a final choice, a merge, a new primary metric,
    new truth, new Ladder settings); ``manage.py rebuild_standings`` derives it from scratch.
    The ``*_key`` columns hold the score with its sign set so that smaller is always better,
    so one index serves metrics of either direction.
    """

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="standings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="standings")
    is_baseline = models.BooleanField(default=False)
    entries = models.PositiveIntegerField(default=0)
    last_submission_at = models.DateTimeField(null=True, blank=True)
    # Submissions that count, per UTC day: {"2026-11-30": 3}; summed into StandingsDay.
    daily = models.JSONField(default=dict, blank=True)

    # The best raw public score (organisers and judges see it under the Ladder).
    best_public = models.FloatField(null=True, blank=True)
    best_public_key = models.FloatField(null=True, blank=True)
    best_public_at = models.DateTimeField(null=True, blank=True)
    best_public_submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    public_metrics = models.JSONField(default=dict, blank=True)

    # The released public score: the Ladder's, or the best raw one when the Ladder is off.
    released = models.FloatField(null=True, blank=True)
    released_key = models.FloatField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_metrics = models.JSONField(default=dict, blank=True)

    # The best private score among the team's final choices (or its best N public ones).
    best_private = models.FloatField(null=True, blank=True)
    best_private_key = models.FloatField(null=True, blank=True)
    best_private_at = models.DateTimeField(null=True, blank=True)
    private_submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    private_metrics = models.JSONField(default=dict, blank=True)

    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phase", "team"], name="one_standing_per_team_phase")
        ]
        indexes = [
            models.Index(
                fields=["phase", "released_key", "released_at", "team"], name="standing_public_idx"
            ),
            models.Index(
                fields=["phase", "best_private_key", "best_private_at", "team"],
                name="standing_private_idx",
            ),
            models.Index(fields=["phase", "updated_at"], name="standing_version_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} in {self.phase_id}: {self.released}"


class StandingsDay(models.Model):
    """How many submissions that count on a phase's board were made on one UTC day."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="standings_days")
    day = models.DateField()
    submissions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["phase_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "day"], name="one_count_per_phase_day")
        ]

    def __str__(self) -> str:
        return f"{self.phase_id} {self.day}: {self.submissions}"


class AuditLog(models.Model):
    """What organisers (and the platform) did, who did it, when and why."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_label}"


class Notification(models.Model):
    """A message to one person shown on the site (and e-mailed where it matters).

    ``message`` is the English source text (a gettext message id with ``%(name)s``
    placeholders) and ``params`` its values: the text is put together in the reader's own
    language and time zone each time it is shown or e-mailed (``selectors/notifications.py``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class Announcement(models.Model):
    """An organisers' message to every participant of an event, or of one of its challenges:
    shown on the event page, and sent to each as a notification and an e-mail."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="announcements")
    # Empty: the whole event; else the participants of this challenge only.
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown."))
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class TemplateJob(models.Model):
    """A challenge being generated from the ad-linkage template by a background task: the
    organiser's progress page reads this row (queued → running → done | failed)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="template_jobs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    options = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=200, blank=True)  # a source text, shown translated
    challenge = models.ForeignKey(
        Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.event} · {self.options.get('slug', '')} · {self.state}"
