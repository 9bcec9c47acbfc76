"""Reads for the judging pages: hand-ins, a judge's dashboard, progress, a project's scores."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from competitions.models import Event, EventRole, Submission, Team
from competitions.permissions import can

from ..models import Conflict, CriterionScore, Project, ScoreSheet, Track
from .standings import counted_sheets, track_phase


def judges_of(track: Track):
    """The event's judges (people with the judge role), by name."""
    ids = EventRole.objects.filter(event=track.event, role=EventRole.Role.JUDGE).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


def tracks_of_event(event: Event) -> list[Track]:
    return list(
        Track.objects.filter(challenge__event=event)
        .select_related("challenge__event", "phase")
        .order_by("challenge__title")
    )


@dataclass
class Handin:
    team: Team
    project: Project | None
    members: list = field(default_factory=list)


def handins(track: Track) -> list[Handin]:
    """Every team of the challenge (not the baseline), with its project or None."""
    projects = {p.team_id: p for p in Project.objects.filter(track=track)}
    teams = (
        Team.objects.filter(challenge=track.challenge, is_baseline=False)
        .prefetch_related("memberships__user")
        .order_by("name")
    )
    return [
        Handin(team, projects.get(team.pk), [m.user for m in team.memberships.all()])
        for team in teams
    ]


@dataclass
class JudgeProgress:
    judge: object
    assigned: int
    submitted: int
    conflicts: list[str]

    @property
    def to_do(self) -> int:
        return self.assigned - self.submitted


@dataclass
class ProjectProgress:
    project: Project
    judges: list[tuple[str, str]]  # (judge, state label)
    submitted: int
    conflicted: list[str]


def judge_progress(track: Track, judges: list) -> list[JudgeProgress]:
    counts = {
        row["judge_id"]: row
        for row in ScoreSheet.objects.filter(project__track=track)
        .values("judge_id")
        .annotate(
            assigned=Count("pk"), submitted=Count("pk", filter=Q(state=ScoreSheet.State.SUBMITTED))
        )
    }
    conflicts: dict[int, list[str]] = {}
    for judge_id, team_name in Conflict.objects.filter(team__challenge=track.challenge).values_list(
        "judge_id", "team__name"
    ):
        conflicts.setdefault(judge_id, []).append(team_name)
    return [
        JudgeProgress(
            judge,
            counts.get(judge.pk, {}).get("assigned", 0),
            counts.get(judge.pk, {}).get("submitted", 0),
            sorted(conflicts.get(judge.pk, [])),
        )
        for judge in judges
    ]


def project_progress(track: Track) -> list[ProjectProgress]:
    projects = list(
        Project.objects.filter(track=track).select_related("team").order_by("team__name")
    )
    sheets: dict[int, list[ScoreSheet]] = {}
    for sheet in ScoreSheet.objects.filter(project__track=track).select_related("judge"):
        sheets.setdefault(sheet.project_id, []).append(sheet)
    conflicts: dict[int, list[str]] = {}
    for team_id, judge in Conflict.objects.filter(team__challenge=track.challenge).values_list(
        "team_id", "judge__username"
    ):
        conflicts.setdefault(team_id, []).append(judge)
    result = []
    for project in projects:
        own = sorted(sheets.get(project.pk, []), key=lambda s: s.judge.username)
        result.append(
            ProjectProgress(
                project,
                [(str(s.judge), s.get_state_display()) for s in own],
                sum(1 for s in own if s.state == ScoreSheet.State.SUBMITTED),
                sorted(conflicts.get(project.team_id, [])),
            )
        )
    return result


def judge_sheets(track: Track, judge) -> list[ScoreSheet]:
    """The judge's assigned projects in the track (never one they are conflicted with, never
    one screened out)."""
    conflicted = Conflict.objects.filter(judge=judge).values("team_id")
    return list(
        ScoreSheet.objects.filter(project__track=track, judge=judge)
        .filter(track.judgeable_filter("project__"))
        .exclude(project__team_id__in=conflicted)
        .select_related("project__team", "panel")
        .order_by("round", "state", "project__team__name", "panel__order")
    )


@dataclass
class JudgedTrack:
    track: Track
    assigned: int
    done: int

    @property
    def to_do(self) -> int:
        return self.assigned - self.done


def judged_tracks(user) -> list[JudgedTrack]:
    """Tracks the person judges, with their assigned and done counts, for their dashboard."""
    if not user.is_authenticated:
        return []
    events = EventRole.objects.filter(user=user, role=EventRole.Role.JUDGE).values("event_id")
    tracks = (
        Track.objects.filter(challenge__event_id__in=events)
        .exclude(ranking=Track.Ranking.LEADERBOARD)
        .select_related("challenge__event")
        .order_by("challenge__event__name", "challenge__title")
    )
    result = []
    for track in tracks:
        sheets = judge_sheets(track, user)
        done = sum(1 for s in sheets if s.state == ScoreSheet.State.SUBMITTED)
        result.append(JudgedTrack(track, len(sheets), done))
    return result


def sheet_values(sheet: ScoreSheet) -> dict[int, int]:
    return dict(CriterionScore.objects.filter(sheet=sheet).values_list("criterion_id", "value"))


@dataclass
class ProjectScores:
    """What a judge (or organiser) sees of a project's submissions: public scores, private
    ones only to those who may see the phase's private board."""

    submissions: list[Submission]
    show_private: bool


def project_scores(project: Project, user) -> ProjectScores:
    submissions = list(
        project.submissions.select_related("phase").order_by("-public_score", "created_at")
    )
    phase = track_phase(project.track)
    show_private = phase is not None and can(user, "phase.view_private", phase)
    return ProjectScores(submissions, show_private)


@dataclass
class ScoreRow:
    round: str
    panel: str
    judge: str
    team: str
    project: str
    state: str
    values: list  # per criterion, in order
    score: float | None
    z: float | None
    comment: str
    feedback: str
    submitted_at: object


def score_table(track: Track, *, order: str = "judge") -> tuple[list, list[ScoreRow]]:
    """Every judge's sheet of the track, for the organisers' page and export: criteria and rows
    ordered by judge or by project."""
    criteria = list(track.criteria.all())
    counted = {item.sheet_id: item for item in counted_sheets(track)}
    sheets = list(
        ScoreSheet.objects.filter(project__track=track).select_related(
            "judge", "project__team", "panel"
        )
    )
    values: dict[int, dict[int, int]] = {}
    for sheet_id, criterion_id, value in CriterionScore.objects.filter(
        sheet__project__track=track
    ).values_list("sheet_id", "criterion_id", "value"):
        values.setdefault(sheet_id, {})[criterion_id] = value
    rows = []
    for sheet in sheets:
        item = counted.get(sheet.pk)
        rows.append(
            ScoreRow(
                round=sheet.round,
                panel=sheet.panel.name if sheet.panel else "",
                judge=str(sheet.judge),
                team=sheet.project.team.name,
                project=sheet.project.title,
                state=sheet.get_state_display(),
                values=[values.get(sheet.pk, {}).get(c.pk) for c in criteria],
                score=item.score if item else None,
                z=item.z if item and (track.normalise or sheet.round == "shortlist") else None,
                comment=sheet.comment,
                feedback=sheet.feedback,
                submitted_at=sheet.submitted_at,
            )
        )
    # Earlier rounds first (they stay in the exports), then by project or by judge.
    first = {ScoreSheet.Round.SHORTLIST: 0, ScoreSheet.Round.FINAL: 1}
    if order == "project":
        rows.sort(key=lambda r: (first[r.round], r.team.lower(), r.panel, r.judge.lower()))
    else:
        rows.sort(key=lambda r: (first[r.round], r.judge.lower(), r.panel, r.team.lower()))
    return criteria, rows


@dataclass
class Feedback:
    judge: str | None  # None unless the organisers show judges' names
    text: str


def team_feedback(project: Project) -> list[Feedback]:
    """The judges' feedback on a project (submitted sheets that have some), for its team once
    published: no scores, no other team's anything, names only if the track shows them."""
    show = project.track.feedback_shows_judges
    sheets = (
        ScoreSheet.objects.filter(project=project, state=ScoreSheet.State.SUBMITTED)
        .exclude(feedback="")
        .select_related("judge")
        .order_by("submitted_at", "pk")
    )
    return [Feedback(str(s.judge) if show else None, s.feedback) for s in sheets]
