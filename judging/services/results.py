"""Publishing an event's results: one action, audit-logged; organisers can take it back
(``results_unpublish``, with a reason, audit-logged).

It is refused (with the reason) unless every judged track's judging is locked, the event has
at least one track, and every prize has a winner. It then, in one transaction: marks the
results published (``/e/<event>/results/`` becomes public, with the standings), reveals the
private leaderboard of each track's phase (the final leaderboards are part of the results),
and, once committed, tells every member of every participating team, on the site and by
e-mail, each in their own language.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from competitions.models import Event, Membership
from competitions.permissions import require
from competitions.services.audit import log_action
from competitions.services.notifications import notify
from competitions.services.phases import phase_reveal_private

from ..models import EventResults, Prize, Track
from ..selectors.standings import track_phase
from . import JudgingRefused

PUBLISHED_MESSAGE = gettext_noop(
    "The results of %(event)s are published: see the winners and the final standings."
)
PUBLISHED_SUBJECT = gettext_noop("Results of %(event)s")


def _check_ready(event: Event, tracks: list[Track]) -> None:
    if not tracks:
        raise JudgingRefused(
            _("Set up the final ranking of at least one challenge before publishing.")
        )
    for track in tracks:
        if track.uses_judges and not track.is_locked:
            raise JudgingRefused(
                _("Lock the judging of “%(track)s” first.") % {"track": track.challenge.title}
            )
        if track.has_vote and not track.vote_is_closed(timezone.now()):
            raise JudgingRefused(
                _("The community vote of “%(track)s” is still open.")
                % {"track": track.challenge.title}
            )
        if track.has_vote and track.vote_reviewed_at is None:
            raise JudgingRefused(
                _("Review the community vote of “%(track)s” first.")
                % {"track": track.challenge.title}
            )
    prizes = list(Prize.objects.filter(track__in=tracks).select_related("track__challenge"))
    if not prizes:
        raise JudgingRefused(_("Define the prizes and their winners before publishing."))
    for prize in prizes:
        if prize.winner_id is None:
            raise JudgingRefused(
                _("“%(prize)s” of “%(track)s” has no winner: assign one or remove the prize.")
                % {"prize": prize.name, "track": prize.track.challenge.title}
            )


@transaction.atomic
def results_publish(*, event: Event, actor) -> EventResults:
    require(actor, "event.manage", event)
    results, _created = EventResults.objects.select_for_update().get_or_create(event=event)
    if results.state == EventResults.State.PUBLISHED:
        raise JudgingRefused(_("The results are already published."))
    tracks = list(
        Track.objects.select_for_update().filter(challenge__event=event).select_related("challenge")
    )
    _check_ready(event, tracks)
    results.state = EventResults.State.PUBLISHED
    results.published_at = timezone.now()
    results.published_by = actor
    results.save()
    for track in tracks:
        phase = track_phase(track)
        if track.uses_leaderboard and phase is not None and phase.private_revealed_at is None:
            phase_reveal_private(phase=phase, actor=actor, reveal=True)
    winners = [
        [prize.track.challenge.title, prize.name, prize.winner.name]
        for prize in Prize.objects.filter(track__in=tracks).select_related(
            "winner", "track__challenge"
        )
    ]
    log_action(
        event=event,
        actor=actor,
        action="results.publish",
        target=results,
        data={"tracks": [t.challenge.title for t in tracks], "winners": winners},
    )
    members = list(
        Membership.objects.filter(challenge__event=event, team__is_baseline=False).select_related(
            "user"
        )
    )
    link = reverse("judging:results", args=[event.slug])
    transaction.on_commit(
        lambda: notify(
            users=[m.user for m in members],
            message=PUBLISHED_MESSAGE,
            params={"event": event.name},
            link=link,
            email_subject=PUBLISHED_SUBJECT,
        )
    )
    return results


@transaction.atomic
def results_unpublish(*, event: Event, actor, reason: str) -> EventResults:
    """Published → draft: the results page, standings and feedback are hidden again (404 to
    all but organisers) and the judging can be changed again. The private leaderboards stay
    revealed (teams have seen them) and nobody is notified; the audit log keeps who, when
    and why, and the winners that were shown."""
    require(actor, "event.manage", event)
    reason = (reason or "").strip()
    if not reason:
        raise JudgingRefused(_("Say why the results are taken back."), field="reason")
    results = EventResults.objects.select_for_update().filter(event=event).first()
    if results is None or results.state != EventResults.State.PUBLISHED:
        raise JudgingRefused(_("The results are not published."))
    log_action(
        event=event,
        actor=actor,
        action="results.unpublish",
        target=results,
        reason=reason,
        data={
            "published_at": results.published_at.isoformat() if results.published_at else None,
            "published_by": str(results.published_by) if results.published_by else None,
        },
    )
    results.state = EventResults.State.DRAFT
    results.published_at = None
    results.published_by = None
    results.save(update_fields=["state", "published_at", "published_by"])
    return results
