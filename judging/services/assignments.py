"""Conflicts of interest and who judges which project.

- A judge declares a conflict with a team (an organiser may set one for any judge). From then
  on that judge never sees the team's project or score sheet: a sheet they had for it is
  removed (whatever its state), and assignment skips the pair.
- Assignment: every judge gets every project, or each project gets N judges, each time the
  judge with the fewest projects so far (among those without a conflict), so loads differ by
  at most one where conflicts allow. Only judgeable projects (screening) are assigned. With
  panels, each panel's judges are assigned the same way on their own (one sheet per judge,
  project and panel). In a shortlist round every project gets the shortlist's N judges from
  all the event's judges; in the final round after it, only the finalists are assigned. Assigning again only adds: a sheet a judge has is never
  taken away by it, so their work is kept, and new projects or judges are picked up.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from competitions.inputs import check_text
from competitions.models import Team
from competitions.permissions import can, is_judge, require
from competitions.services.audit import log_action

from ..models import Conflict, Project, ScoreSheet, Track
from ..selectors.judging import judges_of
from . import JudgingRefused
from .tracks import check_judging_open, check_not_published


def _require_conflict_rights(track: Track, judge, actor) -> None:
    if can(actor, "track.manage", track):
        return
    if actor.pk != judge.pk:
        require(actor, "track.manage", track)  # refuses: only organisers set others' conflicts
    require(actor, "track.judge", track)
    if track.is_locked:
        raise JudgingRefused(_("Judging is locked: ask an organiser to record the conflict."))


@transaction.atomic
def conflict_declare(*, track: Track, judge, team: Team, actor, reason: str = "") -> Conflict:
    """Record that ``judge`` has a conflict of interest with ``team`` (by the judge, or an
    organiser for them) and withdraw any sheet the judge had for that team."""
    check_not_published(track)
    _require_conflict_rights(track, judge, actor)
    reason = check_text(reason, field="reason", max_length=300, label=_("The reason"))
    if team.challenge_id != track.challenge_id:
        raise JudgingRefused(_("Choose a team of this challenge."), field="team")
    if not is_judge(judge, track.event):
        raise JudgingRefused(
            _("%(who)s does not judge this event.") % {"who": judge}, field="judge"
        )
    conflict, created = Conflict.objects.get_or_create(
        judge=judge, team=team, defaults={"reason": reason.strip(), "declared_by": actor}
    )
    withdrawn = (
        ScoreSheet.objects.filter(judge=judge, project__team=team)
        .delete()[1]
        .get("judging.ScoreSheet", 0)
    )
    if created or withdrawn:
        log_action(
            event=track.event,
            actor=actor,
            action="conflict.declare",
            target=conflict,
            reason=reason,
            data={"judge": str(judge), "team": team.name, "sheets_withdrawn": withdrawn},
        )
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: Conflict, track: Track, actor) -> None:
    """Take a conflict back (the judge who declared theirs, or an organiser). It assigns
    nothing by itself: the organisers assign again if they want that judge on that team."""
    check_not_published(track)
    _require_conflict_rights(track, conflict.judge, actor)
    log_action(
        event=track.event,
        actor=actor,
        action="conflict.withdraw",
        target=conflict,
        data={"judge": str(conflict.judge), "team": conflict.team.name},
    )
    conflict.delete()


@dataclass
class AssignmentReport:
    created: int = 0
    # Projects that could not get the number of judges asked for (too many conflicts).
    short: list[str] = field(default_factory=list)


def _balance(
    *, projects: list, judges: list, wanted: int, existing: set, conflicts: set, short: list
) -> list[tuple[int, int]]:
    """New (judge, project) pairs so each project has ``wanted`` judges, the least busy
    first, skipping conflicts and pairs that exist; projects short of judges go in
    ``short``."""
    load = {judge.pk: 0 for judge in judges}
    per_project = {project.pk: 0 for project in projects}
    for judge_id, project_id in existing:
        if judge_id in load and project_id in per_project:
            load[judge_id] += 1
            per_project[project_id] += 1
    pairs: list[tuple[int, int]] = []
    # The projects with the fewest judges first, so a shortage falls where it must.
    for project in sorted(projects, key=lambda p: (per_project[p.pk], p.pk)):
        free = [
            judge.pk
            for judge in judges
            if (judge.pk, project.pk) not in existing
            and (judge.pk, project.team_id) not in conflicts
        ]
        need = wanted - per_project[project.pk]
        free.sort(key=lambda judge_id: (load[judge_id], judge_id))
        for judge_id in free[: max(need, 0)]:
            pairs.append((judge_id, project.pk))
            load[judge_id] += 1
            per_project[project.pk] += 1
        if per_project[project.pk] < wanted:
            short.append(project.team.name)
    return pairs


@transaction.atomic
def assignments_make(*, track: Track, actor) -> AssignmentReport:
    """Give judges projects for the track's current round (see the module's docstring)."""
    require(actor, "track.manage", track)
    track = Track.objects.select_for_update().select_related("challenge__event").get(pk=track.pk)
    check_judging_open(track)
    judges = list(judges_of(track))
    if not judges:
        raise JudgingRefused(_("This event has no judges yet: add them on the event's page."))
    handed_in = Project.objects.filter(track=track, team__is_baseline=False)
    if not handed_in.exists():
        raise JudgingRefused(_("No team has handed in a project yet."))
    projects = handed_in.filter(track.judgeable_filter()).select_related("team").order_by("pk")
    round_ = track.current_round
    if track.shortlist and round_ == ScoreSheet.Round.FINAL:
        projects = projects.filter(finalist=True)
    projects = list(projects)
    if not projects:
        raise JudgingRefused(
            _("No project is eligible for judging yet: screen the hand-ins first.")
        )
    team_ids = {p.team_id for p in projects}
    conflicts = set(
        Conflict.objects.filter(team_id__in=team_ids).values_list("judge_id", "team_id")
    )
    report = AssignmentReport()
    judge_ids = {judge.pk for judge in judges}
    # (panel or None, its judges, judges per project) for this round.
    groups: list[tuple] = []
    panels = list(track.panels.prefetch_related("judges"))
    if round_ == ScoreSheet.Round.SHORTLIST:
        groups.append((None, judges, min(track.shortlist_judges_per_project, len(judges))))
    elif panels:
        for panel in panels:
            members = [j for j in panel.judges.all() if j.pk in judge_ids]
            wanted = len(members)
            if track.assignment == Track.Assignment.BALANCED:
                wanted = min(track.judges_per_project, len(members))
            groups.append((panel, members, wanted))
    else:
        wanted = len(judges)
        if track.assignment == Track.Assignment.BALANCED:
            wanted = min(track.judges_per_project, len(judges))
        groups.append((None, judges, wanted))
    new_sheets = []
    for panel, members, wanted in groups:
        existing = set(
            ScoreSheet.objects.filter(project__track=track, round=round_, panel=panel).values_list(
                "judge_id", "project_id"
            )
        )
        short: list[str] = []
        pairs = _balance(
            projects=projects, judges=members, wanted=wanted, existing=existing,
            conflicts=conflicts, short=short,
        )  # fmt: skip
        if track.assignment == Track.Assignment.BALANCED or round_ == ScoreSheet.Round.SHORTLIST:
            prefix = f"{panel.name}: " if panel is not None else ""
            report.short.extend(prefix + name for name in short)
        new_sheets.extend(
            ScoreSheet(judge_id=judge_id, project_id=project_id, round=round_, panel=panel)
            for judge_id, project_id in pairs
        )
    ScoreSheet.objects.bulk_create(new_sheets)
    report.created = len(new_sheets)
    log_action(
        event=track.event,
        actor=actor,
        action="judging.assign",
        target=track,
        data={
            "mode": track.assignment,
            "round": round_,
            "judges_per_project": {(g[0].name if g[0] else ""): g[2] for g in groups},
            "sheets_created": report.created,
            "short": report.short,
        },
    )
    return report
