"""The shortlist round of a two-round track, and closing it.

A track with ``shortlist`` on starts in the shortlist round: assignment gives each judgeable
project ``shortlist_judges_per_project`` judges from all the event's judges, who score every
criterion. Closing the round (organisers, once at least one sheet is submitted) ranks the
projects by their normalised shortlist score (``selectors.standings.shortlist_scores``) and
sends the top ``shortlist_size`` on to the final round, with every project tied with the last
one; it records each project's shortlist score and rank, is audit-logged with them, tells
each team whether its project goes on, and cannot be undone (the final round builds on it).
Shortlist sheets stay in the score exports.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from competitions.models import Membership
from competitions.permissions import require
from competitions.services.audit import log_action
from competitions.services.notifications import notify

from ..models import Project, ScoreSheet, Track
from ..selectors.standings import TIE_DECIMALS, competition_ranks, shortlist_scores
from . import JudgingRefused
from .tracks import check_judging_open

FINALIST_MESSAGE = gettext_noop(
    "Your project “%(project)s” in %(challenge)s goes on to the final round of judging."
)
NOT_FINALIST_MESSAGE = gettext_noop(
    "The shortlist round of %(challenge)s is over: your project “%(project)s” does not go on "
    "to the final round."
)


@transaction.atomic
def shortlist_close(*, track: Track, actor) -> list[Project]:
    """Close the shortlist round: the top K projects go on. Returns the finalists."""
    require(actor, "track.manage", track)
    track = Track.objects.select_for_update().select_related("challenge__event").get(pk=track.pk)
    check_judging_open(track)
    if not track.in_shortlist_round:
        raise JudgingRefused(_("This track has no shortlist round open."))
    scores = shortlist_scores(track)
    if not scores:
        raise JudgingRefused(
            _("No shortlist score sheet is submitted yet: the judges score the projects first.")
        )
    ranks = competition_ranks({pid: round(z, TIE_DECIMALS) for pid, z in scores.items()})
    projects = {p.pk: p for p in Project.objects.filter(pk__in=scores).select_related("team")}
    finalists = []
    for project_id, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        project = projects[project_id]
        project.shortlist_score = scores[project_id]
        project.shortlist_rank = rank
        project.finalist = rank <= track.shortlist_size
        project.save(update_fields=["shortlist_score", "shortlist_rank", "finalist"])
        if project.finalist:
            finalists.append(project)
    track.shortlist_closed_at = timezone.now()
    track.save(update_fields=["shortlist_closed_at"])
    open_sheets = ScoreSheet.objects.filter(
        project__track=track, round=ScoreSheet.Round.SHORTLIST, state=ScoreSheet.State.DRAFT
    ).count()
    log_action(
        event=track.event,
        actor=actor,
        action="shortlist.close",
        target=track,
        data={
            "shortlist_size": track.shortlist_size,
            "ranking": [
                [projects[pid].team.name, rank, round(scores[pid], 4)]
                for pid, rank in sorted(ranks.items(), key=lambda kv: kv[1])
            ],
            "finalists": [p.team.name for p in finalists],
            "sheets_not_submitted": open_sheets,
        },
    )
    link = reverse("judging:project", args=[track.event.slug, track.challenge.slug])
    messages = []
    for project in projects.values():
        members = [
            m.user for m in Membership.objects.filter(team=project.team).select_related("user")
        ]
        messages.append((members, project))
    challenge = track.challenge.title

    def _tell() -> None:
        for members, project in messages:
            notify(
                users=members,
                message=FINALIST_MESSAGE if project.finalist else NOT_FINALIST_MESSAGE,
                params={"project": project.title, "challenge": challenge},
                link=link,
            )

    transaction.on_commit(_tell)
    return finalists
