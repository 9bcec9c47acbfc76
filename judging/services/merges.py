"""What judging keeps when two teams merge (``competitions.services.merges`` calls these
through ``register_merge_hook``, from ``JudgingConfig.ready``).

- The absorbed team's project moves to the team it merges into, with its write-up, score
  sheets, screening decision and community votes: nothing is deleted with the absorbed team.
- When both teams handed in a project for the same track the merge is refused, saying so: a
  team has one project per track, and choosing which one stands is the teams' call.
- Judges' conflicts of interest with the absorbed team carry over to the merged team (its
  members are now there), and a prize the absorbed team won goes to the merged team.
"""

from django.utils.translation import gettext as _

from competitions.models import Team
from competitions.services.merges import MergeError, MergeHook

from ..models import Conflict, Prize, Project


def _check(absorbed: Team, target: Team) -> None:
    for project in Project.objects.filter(team=absorbed).select_related("track__challenge"):
        other = Project.objects.filter(team=target, track=project.track).first()
        if other is not None:
            raise MergeError(
                _(
                    "Both teams handed in a project for judging (“%(first)s” and “%(second)s”) "
                    "and a team has one project: these teams cannot merge. Ask the organisers "
                    "if you want to combine them."
                )
                % {"first": project.title, "second": other.title}
            )


def _apply(absorbed: Team, target: Team) -> dict:
    moved = [p.title for p in Project.objects.filter(team=absorbed)]
    Project.objects.filter(team=absorbed).update(team=target)
    conflicts = 0
    for conflict in Conflict.objects.filter(team=absorbed):
        _c, created = Conflict.objects.get_or_create(
            judge_id=conflict.judge_id,
            team=target,
            defaults={"reason": conflict.reason, "declared_by_id": conflict.declared_by_id},
        )
        conflicts += int(created)
    prizes = Prize.objects.filter(winner=absorbed).update(winner=target)
    return {"projects_moved": moved, "conflicts_moved": conflicts, "prizes_moved": prizes}


HOOK = MergeHook(name="judging", check=_check, apply=_apply)
