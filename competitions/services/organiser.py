"""What organisers do to their events; every change is written to the audit log."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    DataFile,
    Event,
    EventRole,
    Phase,
    QuotaOverride,
    Submission,
    Team,
)
from . import ServiceError
from .audit import log_action
from .scoring import submission_requeue

FINAL_STATES = (Submission.State.SCORED, Submission.State.FAILED)


class OrganiserError(ServiceError):
    pass


@transaction.atomic
def event_create(*, event: Event, actor) -> Event:
    """Save a new event; its creator becomes its organiser."""
    event.save()
    EventRole.objects.create(event=event, user=actor, role=EventRole.Role.ORGANISER)
    log_action(event=event, actor=actor, action="event.create", target=event)
    return event


def _changed(instance, form) -> dict:
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data}


@transaction.atomic
def instance_save(*, instance, event: Event, actor, action: str, form=None):
    """Save an event, challenge or phase edited through a form, and log what changed."""
    instance.save()
    log_action(
        event=event,
        actor=actor,
        action=action,
        target=instance,
        data={"changed": _changed(instance, form)} if form is not None else {},
    )
    return instance


@transaction.atomic
def datafile_add(*, data_file: DataFile, actor) -> DataFile:
    upload = data_file.file
    if not data_file.name:
        data_file.name = upload.name.rsplit("/", 1)[-1]
    data_file.size = upload.size
    data_file.save()
    log_action(
        event=data_file.challenge.event,
        actor=actor,
        action="data.upload",
        target=data_file,
        data={"size": data_file.size},
    )
    return data_file


@transaction.atomic
def datafile_delete(*, data_file: DataFile, actor) -> None:
    log_action(event=data_file.challenge.event, actor=actor, action="data.delete", target=data_file)
    storage, name = data_file.file.storage, data_file.file.name
    data_file.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def quota_override_set(
    *, team: Team, phase: Phase, daily_limit, total_limit, reason: str, actor
) -> QuotaOverride:
    if not reason.strip():
        raise OrganiserError(_("Give a reason for the change."))
    override, _created = QuotaOverride.objects.update_or_create(
        team=team,
        phase=phase,
        defaults={
            "daily_limit": daily_limit,
            "total_limit": total_limit,
            "reason": reason,
            "created_by": actor,
        },
    )
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="quota.override",
        target=team,
        reason=reason,
        data={"phase": phase.name, "daily_limit": daily_limit, "total_limit": total_limit},
    )
    return override


@transaction.atomic
def submission_moderate(*, submission: Submission, action: str, reason: str, actor) -> None:
    if not reason.strip():
        raise OrganiserError(_("Give a reason; the team sees it."))
    event = submission.phase.challenge.event
    if action == "rescore":
        if not submission_requeue(submission=submission, from_states=FINAL_STATES):
            raise OrganiserError(_("This submission is still being scored."))
    else:
        fields = {
            "hide": {"is_hidden": True},
            "unhide": {"is_hidden": False},
            "disqualify": {"is_disqualified": True},
            "requalify": {"is_disqualified": False},
        }.get(action)
        if fields is None:
            raise OrganiserError(_("Unknown action."))
        Submission.objects.filter(pk=submission.pk).update(moderation_reason=reason, **fields)
    log_action(
        event=event, actor=actor, action=f"submission.{action}", target=submission, reason=reason
    )


@transaction.atomic
def phase_rescore(*, phase: Phase, actor, reason: str = "") -> int:
    """Queue every finished submission of the phase again (after the truth was replaced)."""
    count = 0
    for submission in phase.submissions.filter(state__in=FINAL_STATES).only("pk", "task_id"):
        count += submission_requeue(submission=submission, from_states=FINAL_STATES)
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="phase.rescore",
        target=phase,
        reason=reason,
        data={"submissions": count, "truth_version": phase.truth_version},
    )
    return count


@transaction.atomic
def phase_reveal_private(*, phase: Phase, actor, reveal: bool = True) -> Phase:
    phase.private_revealed_at = timezone.now() if reveal else None
    phase.save(update_fields=["private_revealed_at"])
    log_action(
        event=phase.challenge.event,
        actor=actor,
        action="phase.reveal_private" if reveal else "phase.hide_private",
        target=phase,
    )
    return phase


@transaction.atomic
def role_grant(*, event: Event, email: str, role: str, actor) -> EventRole:
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise OrganiserError(
            _("No account uses %(email)s; ask them to sign up first.") % {"email": email}
        )
    granted, _created = EventRole.objects.get_or_create(event=event, user=user, role=role)
    log_action(event=event, actor=actor, action="role.grant", target=granted, data={"role": role})
    return granted


@transaction.atomic
def role_revoke(*, role: EventRole, actor) -> None:
    event = role.event
    if (
        role.role == EventRole.Role.ORGANISER
        and event.roles.filter(role=EventRole.Role.ORGANISER).count() == 1
    ):
        raise OrganiserError(_("An event needs at least one organiser."))
    log_action(event=event, actor=actor, action="role.revoke", target=role)
    role.delete()
