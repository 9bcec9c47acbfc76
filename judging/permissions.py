"""Judging's actions for the one permission function, ``competitions.permissions.can``.

``JudgingConfig.ready`` registers ``RULES`` there; views, services and templates ask ``can``
as for any other action. The table is in ``judging/README.md``; the permission matrix
(``tests/judging/test_permissions.py``) checks every action for every role before and after
the hand-in deadline, the judging lock and publication.

The rules, and why:

- Standings, prizes and judges' scores stay inside until the results are published: before
  that only organisers see them, and the event's judges once judging of the track (results:
  of every judged track) is locked, read-only.
- A judge with a conflict of interest with a team never sees that team's project or score
  sheet.
- Judges only ever see projects screened eligible (or not yet screened, when the track does
  not require screening); the team and the organisers see the screening decision.
- Feedback meant for the team reaches it only once the results are published.
- Teams edit their project until the hand-in deadline, the judging lock or publication,
  whichever comes first.
"""

from django.utils import timezone

from competitions.models import Event
from competitions.permissions import is_judge, is_organiser, may_view_event
from competitions.selectors.participation import team_of

from .models import Conflict, EventResults, Project, ScoreSheet, Track


def results_published(event: Event) -> bool:
    return EventResults.objects.filter(event=event, state=EventResults.State.PUBLISHED).exists()


def _conflicted(user, team_id: int) -> bool:
    """Whether the person declared (or was given) a conflict with this team. Not cached: a
    conflict declared a moment ago must count at once."""
    return user.is_authenticated and Conflict.objects.filter(judge=user, team_id=team_id).exists()


def _own_team(user, project: Project) -> bool:
    team = team_of(user, project.track.challenge)
    return team is not None and team.pk == project.team_id


def _handin_open(track: Track) -> bool:
    deadline = track.handin_deadline
    return (
        track.uses_judges
        and deadline is not None
        and timezone.now() < deadline
        and not track.is_locked
        and not results_published(track.event)
    )


def _track_manage(user, track: Track) -> bool:
    return is_organiser(user, track.event)


def _track_handin(user, track: Track) -> bool:
    """Members of a team of the challenge (not the organisers' baseline), while hand-in is
    open."""
    if not may_view_event(user, track.event) or not _handin_open(track):
        return False
    team = team_of(user, track.challenge)
    return team is not None and not team.is_baseline


def _track_judge(user, track: Track) -> bool:
    return track.uses_judges and is_judge(user, track.event)


def _unconflicted_judge(user, project: Project) -> bool:
    """A judge of the track who may see this project: no conflict with the team, and the
    project screened eligible (or not screened, when the track does not require it)."""
    return (
        _track_judge(user, project.track)
        and project.judgeable
        and not _conflicted(user, project.team_id)
    )


def _project_view(user, project: Project) -> bool:
    event = project.track.event
    if not may_view_event(user, event):
        return False
    if is_organiser(user, event) or _unconflicted_judge(user, project):
        return True
    return _own_team(user, project) or results_published(event)


def _project_edit(user, project: Project) -> bool:
    return (
        may_view_event(user, project.track.event)
        and _handin_open(project.track)
        and _own_team(user, project)
    )


def _project_view_writeup(user, project: Project) -> bool:
    """The write-up stays with the team, its judges and the organisers, even once published."""
    event = project.track.event
    if not may_view_event(user, event):
        return False
    return (
        is_organiser(user, event) or _unconflicted_judge(user, project) or _own_team(user, project)
    )


def _project_view_screening(user, project: Project) -> bool:
    """The screening decision and its reason: the team and the organisers."""
    event = project.track.event
    if not may_view_event(user, event):
        return False
    return is_organiser(user, event) or _own_team(user, project)


def _project_view_feedback(user, project: Project) -> bool:
    """Judges' feedback to the team: the organisers, and the team once results are
    published (never other teams, never the public)."""
    event = project.track.event
    if not may_view_event(user, event):
        return False
    if is_organiser(user, event):
        return True
    return _own_team(user, project) and results_published(event)


def _track_vote(user, track: Track) -> bool:
    """Cast a community vote: signed in, not staff of the event, while the window is open
    (the service also asks for a verified e-mail and refuses one's own team's project)."""
    if not user.is_authenticated or not may_view_event(user, track.event):
        return False
    if is_organiser(user, track.event) or is_judge(user, track.event):
        return False
    return track.vote_is_open(timezone.now()) and not results_published(track.event)


def _track_vote_results(user, track: Track) -> bool:
    """The community vote's tallies: organisers once the window has closed (to review them);
    everyone once the results are published (which needs the review)."""
    event = track.event
    if not track.has_vote or not may_view_event(user, event):
        return False
    if results_published(event) and track.vote_reviewed_at is not None:
        return True
    return is_organiser(user, event) and track.vote_is_closed(timezone.now())


def _sheet_view(user, sheet: ScoreSheet) -> bool:
    project = sheet.project
    if is_organiser(user, project.track.event):
        return True
    return sheet.judge_id == user.pk and _unconflicted_judge(user, project)


def _sheet_edit(user, sheet: ScoreSheet) -> bool:
    project = sheet.project
    if sheet.round == ScoreSheet.Round.SHORTLIST and not project.track.in_shortlist_round:
        return False
    return (
        sheet.judge_id == user.pk
        and _unconflicted_judge(user, project)
        and not project.track.is_locked
        and not results_published(project.track.event)
    )


def _judging_view_scores(user, track: Track) -> bool:
    """Every judge's scores, progress and the exports: organisers only."""
    return is_organiser(user, track.event)


def _standings_view(user, track: Track) -> bool:
    event = track.event
    if not may_view_event(user, event):
        return False
    if is_organiser(user, event) or results_published(event):
        return True
    return track.is_locked and is_judge(user, event)


def _results_view(user, event: Event) -> bool:
    if not may_view_event(user, event):
        return False
    if is_organiser(user, event) or results_published(event):
        return True
    if not is_judge(user, event):
        return False
    judged = Track.objects.filter(challenge__event=event).exclude(ranking=Track.Ranking.LEADERBOARD)
    return judged.exists() and not judged.exclude(judging=Track.Judging.LOCKED).exists()


# Organisers' and judges' actions: refused without two-factor authentication when the event
# requires it (``competitions.permissions.STAFF_ACTIONS``).
STAFF_ACTIONS = {
    "track.manage", "track.judge", "judging.view_scores", "scoresheet.view", "scoresheet.edit",
}  # fmt: skip

RULES = {
    "track.manage": _track_manage,
    # Hand in or change the team's project (creating it when there is none yet).
    "track.handin": _track_handin,
    # The judges' pages of a track: their assigned projects, their conflicts.
    "track.judge": _track_judge,
    "project.view": _project_view,
    "project.edit": _project_edit,
    "project.view_writeup": _project_view_writeup,
    "project.view_screening": _project_view_screening,
    "project.view_feedback": _project_view_feedback,
    "scoresheet.view": _sheet_view,
    "scoresheet.edit": _sheet_edit,
    "judging.view_scores": _judging_view_scores,
    "track.vote": _track_vote,
    "track.vote_results": _track_vote_results,
    "standings.view": _standings_view,
    "results.view": _results_view,
}
