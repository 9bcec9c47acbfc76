"""Every save or deletion of what an event's pages show renews the event's content version
(``page_cache.content_changed``), whatever path wrote it: the services (which also write the
audit log), the admin, a shell or a migration. Whole pages kept for visitors are checked against
that version only, never against the rows, so no write may go past it.

Likewise every save or deletion of a submission renews its status token and its team's token
(``page_cache.submission_changed``); the scoring transitions, which write with ``update()`` and
send no signal, renew them themselves."""

from django.db.models.signals import post_delete, post_save

from . import page_cache
from .models import (
    Announcement,
    Challenge,
    DataFile,
    Event,
    EventRole,
    Membership,
    MergeRequest,
    Phase,
    QuotaOverride,
    RulesAcceptance,
    Submission,
    Team,
    TeamInvite,
)


def _event_id(instance) -> int | None:
    if isinstance(instance, Event):
        return instance.pk
    event_id = getattr(instance, "event_id", None)  # challenges, announcements, roles
    if event_id is not None:
        return event_id
    challenge = instance._state.fields_cache.get("challenge")  # phases, data files
    if challenge is not None:
        return challenge.event_id
    return (
        Challenge.objects.filter(pk=instance.challenge_id)
        .values_list("event_id", flat=True)
        .first()
    )


def _changed(sender, instance, **_kwargs) -> None:
    event_id = _event_id(instance)
    if event_id is not None:
        page_cache.content_changed(event_id)


def _person_or_team_changed(sender, instance, **_kwargs) -> None:
    """A signed-in person's kept pages (``personal_pages``) are read again after any write to
    their own rows or their team's."""
    if isinstance(instance, Team):
        page_cache.team_changed(instance.pk)
    elif isinstance(instance, Membership):
        page_cache.person_changed(instance.user_id)
        page_cache.team_changed(instance.team_id)
    elif isinstance(instance, MergeRequest):
        page_cache.team_changed(instance.from_team_id, instance.to_team_id)
    elif isinstance(instance, TeamInvite):
        challenge_id = (
            Team.objects.filter(pk=instance.team_id).values_list("challenge_id", flat=True).first()
        )
        page_cache.team_changed(instance.team_id)
        if challenge_id is not None:
            page_cache.invites_changed(challenge_id)
    elif isinstance(instance, Submission):
        page_cache.submission_changed(instance.pk, instance.team_id)
    elif isinstance(instance, QuotaOverride):
        page_cache.team_changed(instance.team_id)
    elif isinstance(instance, (RulesAcceptance, EventRole)):
        page_cache.person_changed(instance.user_id)


def connect() -> None:
    # EventRole: ``permissions`` keeps each person's roles under the content version.
    for model in (Event, Challenge, Phase, DataFile, Announcement, EventRole):
        uid = f"content-changed-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
    personal = (Team, Membership, MergeRequest, TeamInvite, Submission, QuotaOverride)
    for model in (*personal, RulesAcceptance, EventRole):
        uid = f"personal-changed-{model.__name__}"
        post_save.connect(_person_or_team_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_person_or_team_changed, sender=model, dispatch_uid=uid + "-delete")
