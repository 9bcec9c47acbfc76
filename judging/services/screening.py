"""Screening: before judges see a project, organisers mark it eligible or not eligible.

- "Not eligible" needs a reason: the team reads it on its project page and in a notification.
- A project not eligible disappears from its judges' lists and score sheets, is never
  assigned, and its sheets stop counting (they are kept, so a decision taken back restores
  them). With ``Track.require_screening`` judges see only projects marked eligible;
  without it, every project not marked "not eligible".
- Decisions change until judging is locked (never after publication); each is audit-logged
  with the previous decision.
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

from ..models import Project
from . import JudgingRefused
from .tracks import check_judging_open

ELIGIBLE_MESSAGE = gettext_noop(
    "Your project “%(project)s” in %(challenge)s was screened: it is eligible for judging."
)
INELIGIBLE_MESSAGE = gettext_noop(
    "Your project “%(project)s” in %(challenge)s was screened: it is not eligible for "
    "judging. Reason: %(reason)s"
)


@transaction.atomic
def project_screen(*, project: Project, actor, eligible: bool, reason: str = "") -> Project:
    """Record the organisers' decision on one project and tell its team."""
    track = project.track
    require(actor, "track.manage", track)
    project = (
        Project.objects.select_for_update()
        .select_related("track__challenge__event", "team")
        .get(pk=project.pk)
    )
    check_judging_open(project.track)
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise JudgingRefused(
            _("Say why the project is not eligible: the team reads the reason."), field="reason"
        )
    if len(reason) > 500:
        raise JudgingRefused(_("Keep the reason under 500 characters."), field="reason")
    decision = Project.Eligibility.ELIGIBLE if eligible else Project.Eligibility.INELIGIBLE
    previous = project.eligibility
    if previous == decision and project.eligibility_reason == reason:
        return project
    project.eligibility = decision
    project.eligibility_reason = reason
    project.screened_at = timezone.now()
    project.screened_by = actor
    project.save(update_fields=["eligibility", "eligibility_reason", "screened_at", "screened_by"])
    log_action(
        event=track.event,
        actor=actor,
        action="project.screen",
        target=project,
        reason=reason,
        data={"team": project.team.name, "previous": previous, "decision": decision},
    )
    members = [m.user for m in Membership.objects.filter(team=project.team).select_related("user")]
    link = reverse("judging:project", args=[track.event.slug, track.challenge.slug])
    params = {"project": project.title, "challenge": track.challenge.title}
    if not eligible:
        params["reason"] = reason
    transaction.on_commit(
        lambda: notify(
            users=members,
            message=ELIGIBLE_MESSAGE if eligible else INELIGIBLE_MESSAGE,
            params=params,
            link=link,
        )
    )
    return project
