"""Judged tracks, projects, conflicts, criteria, score sheets, prizes and the results.

Models hold data and constraints only: every write with a rule behind it is a service in
``judging/services``, every read with logic a selector in ``judging/selectors``.

A track's judging can have panels (each with its judges, criteria and weight), a shortlist
round before the final one (a sheet carries its round and panel), screening (a project's
eligibility) and a community vote (``Vote``).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competitions.models import Challenge, Event, Phase, Submission, Team, private_storage


def writeup_path(instance, filename: str) -> str:
    """Write-ups get random names in private storage: the path says nothing about the team."""
    suffix = ".pdf" if filename.lower().endswith(".pdf") else ".md"
    return f"writeups/{uuid.uuid4().hex}{suffix}"


class Track(models.Model):
    """How a challenge ends: its final ranking (leaderboard, judges or a blend), and, when
    judges take part, the projects teams hand in and the judging of them."""

    class Ranking(models.TextChoices):
        LEADERBOARD = "leaderboard", _("Leaderboard only")
        JUDGES = "judges", _("Judges only")
        BLEND = "blend", _("Blend of leaderboard and judges")

    class Assignment(models.TextChoices):
        ALL = "all", _("Every judge judges every project")
        BALANCED = "balanced", _("N judges per project, balanced")

    class Judging(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="track")
    ranking = models.CharField(max_length=16, choices=Ranking.choices, default=Ranking.BLEND)
    # Blend only: the leaderboard's share in percent; the judges have the rest.
    leaderboard_weight = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # The phase whose private leaderboard counts; empty: the challenge's last phase.
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handin_deadline = models.DateTimeField(null=True, blank=True)
    normalise = models.BooleanField(default=False)
    assignment = models.CharField(max_length=16, choices=Assignment.choices, default=Assignment.ALL)
    judges_per_project = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    judging = models.CharField(max_length=16, choices=Judging.choices, default=Judging.OPEN)
    judging_locked_at = models.DateTimeField(null=True, blank=True)
    # Judges see only projects the organisers marked eligible (off: every project not marked
    # "not eligible").
    require_screening = models.BooleanField(default=False)
    # Feedback to teams: show the judges' names beside their feedback once published.
    feedback_shows_judges = models.BooleanField(default=False)
    # Two rounds: a shortlist round (each project seen by N judges, the top K by normalised
    # score go on), then the final round (the panels, or every judge, on the finalists).
    shortlist = models.BooleanField(default=False)
    shortlist_judges_per_project = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    shortlist_size = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    shortlist_closed_at = models.DateTimeField(null=True, blank=True)
    # Community vote (optional): signed-in people with a verified e-mail vote in this window;
    # the tallies stay hidden until the organisers have reviewed the ballots.
    vote_opens_at = models.DateTimeField(null=True, blank=True)
    vote_closes_at = models.DateTimeField(null=True, blank=True)
    vote_reviewed_at = models.DateTimeField(null=True, blank=True)
    vote_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # The 24-hour hand-in reminder went out (set by the periodic task, once per deadline).
    handin_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(leaderboard_weight__lte=100), name="track_weight_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return str(self.challenge)

    @property
    def event(self) -> Event:
        return self.challenge.event

    @property
    def uses_judges(self) -> bool:
        return self.ranking != self.Ranking.LEADERBOARD

    @property
    def uses_leaderboard(self) -> bool:
        return self.ranking != self.Ranking.JUDGES

    @property
    def judges_weight(self) -> int:
        """Blend only: the judges' share in percent."""
        return 100 - self.leaderboard_weight

    @property
    def is_locked(self) -> bool:
        return self.judging == self.Judging.LOCKED

    @property
    def has_vote(self) -> bool:
        return self.vote_opens_at is not None and self.vote_closes_at is not None

    def vote_is_open(self, now) -> bool:
        return self.has_vote and self.vote_opens_at <= now < self.vote_closes_at

    def vote_is_closed(self, now) -> bool:
        return self.has_vote and now >= self.vote_closes_at

    @property
    def in_shortlist_round(self) -> bool:
        return self.shortlist and self.shortlist_closed_at is None

    @property
    def current_round(self) -> str:
        return ScoreSheet.Round.SHORTLIST if self.in_shortlist_round else ScoreSheet.Round.FINAL

    def judgeable_filter(self, prefix: str = "") -> Q:
        """The projects (``prefix`` "project__" for sheets) judges may see and score."""
        eligible = Q(**{f"{prefix}eligibility": Project.Eligibility.ELIGIBLE})
        if self.require_screening:
            return eligible
        return eligible | Q(**{f"{prefix}eligibility": Project.Eligibility.PENDING})


class Panel(models.Model):
    """A judging panel of a track ("technical", "impact on victims' services"): its own judges
    and criteria, and a weight in the track's judges' score (the weighted mean of the panels'
    scores)."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["track", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="panel_weight_positive"),
            models.UniqueConstraint(fields=["track", "name"], name="unique_panel_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A weighted criterion judges score on a scale (1–5, 0–10, …). With panels, a criterion
    belongs to one panel (its judges score it in the final round); the shortlist round scores
    every criterion of the track."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="criteria")
    panel = models.ForeignKey(
        Panel, on_delete=models.PROTECT, null=True, blank=True, related_name="criteria"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    scale_min = models.IntegerField(default=1)
    scale_max = models.IntegerField(default=5)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["track", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_rises"
            ),
            models.UniqueConstraint(fields=["track", "name"], name="unique_criterion_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """What a team hands in for a judged track: one per team and track.

    Screening: organisers mark it eligible or not eligible (with a reason the team reads);
    judges only ever see projects they may judge (``Track.judgeable_filter``).
    """

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("Not screened yet")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="projects")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text=_("Markdown."))
    repository_url = models.URLField(max_length=500, blank=True)
    demo_url = models.URLField(max_length=500, blank=True)
    writeup = models.FileField(
        upload_to=writeup_path, storage=private_storage, blank=True, max_length=255
    )
    writeup_name = models.CharField(max_length=255, blank=True)
    writeup_size = models.PositiveBigIntegerField(default=0)
    submissions = models.ManyToManyField(Submission, blank=True, related_name="projects")
    # Two-round tracks: went on to the final round, and its shortlist score and rank then.
    finalist = models.BooleanField(default=False)
    shortlist_score = models.FloatField(null=True, blank=True)
    shortlist_rank = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    eligibility = models.CharField(
        max_length=16, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.CharField(max_length=500, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["track", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["track", "team"], name="one_project_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.title}"

    @property
    def writeup_is_pdf(self) -> bool:
        return self.writeup.name.endswith(".pdf")

    @property
    def round_reached(self) -> str:
        """ "final", or "shortlist" (still in it, or not gone on); "" on one-round tracks."""
        if not self.track.shortlist:
            return ""
        return ScoreSheet.Round.FINAL if self.finalist else ScoreSheet.Round.SHORTLIST

    @property
    def judgeable(self) -> bool:
        if self.eligibility == self.Eligibility.ELIGIBLE:
            return True
        return self.eligibility == self.Eligibility.PENDING and not self.track.require_screening


class Conflict(models.Model):
    """A judge's conflict of interest with a team: that judge never scores that team."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judging_conflicts"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="judge_conflicts")
    reason = models.CharField(max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "team"], name="one_conflict_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.judge} ↔ {self.team}"


class ScoreSheet(models.Model):
    """One judge's scores for one project. It exists once the judge is assigned the project.

    State machine: draft → submitted, and back to draft if the judge reopens it; both only
    while the track's judging is open. Only submitted sheets count in the standings.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("To do")
        SUBMITTED = "submitted", _("Done")

    class Round(models.TextChoices):
        SHORTLIST = "shortlist", _("Shortlist round")
        FINAL = "final", _("Final round")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sheets")
    round = models.CharField(max_length=16, choices=Round.choices, default=Round.FINAL)
    panel = models.ForeignKey(
        Panel, on_delete=models.PROTECT, null=True, blank=True, related_name="sheets"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="score_sheets"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    comment = models.TextField(blank=True)  # for the organisers
    feedback = models.TextField(blank=True)  # for the team, once the results are published
    assigned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "judge"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "judge", "round", "panel"],
                condition=Q(panel__isnull=False),
                name="one_sheet_per_judge_round_panel",
            ),
            models.UniqueConstraint(
                fields=["project", "judge", "round"],
                condition=Q(panel__isnull=True),
                name="one_sheet_per_judge_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.project} ({self.state})"


class CriterionScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Prize(models.Model):
    """A place (1st, 2nd, …), an honourable mention or a special prize of a track, and its
    winner once the organisers assign one."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place")
        MENTION = "mention", _("Honourable mention")
        SPECIAL = "special", _("Special prize")
        COMMUNITY = "community", _("Community choice (the community vote)")

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="prizes")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PLACE)
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    winner = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="prizes"
    )
    # Why the winner differs from the standings' suggestion (empty when it does not).
    winner_reason = models.CharField(max_length=300, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["track", "pk"]  # places first: see selectors.results.prizes_in_order
        constraints = [
            models.UniqueConstraint(
                fields=["track", "place"], condition=Q(kind="place"), name="one_prize_per_place"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EventResults(models.Model):
    """An event's results page. State machine: draft → published, and back to draft
    (unpublished, with a reason) by the organisers."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PUBLISHED = "published", _("Published")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="results")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "event results"

    def __str__(self) -> str:
        return f"{self.event}: {self.state}"


class Vote(models.Model):
    """One person's community vote in a track: one per person and track, changeable while the
    window is open. The network address and block of the last cast are kept for the
    organisers' review; a voided vote stays, with who voided it and why."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="votes")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_votes"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    network = models.CharField(max_length=64, blank=True)  # IPv4 /24, IPv6 /48
    changes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["track", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "voter"], name="one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.project}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
