"""The community vote of a track, done so that it can be trusted.

- **Who votes**: signed-in people with a verified e-mail address, never the event's organisers
  or judges; one vote per person and track, for an eligible project that is not their own
  team's; changeable until the window closes (the same ballot changes, and counts its
  changes).
- **Rate-limited**: at most ``VOTES_PER_PERSON_PER_MINUTE`` casts per person and
  ``VOTES_PER_NETWORK_PER_MINUTE`` per network block (IPv4 /24, IPv6 /48) in the current and
  the previous minute together, counted in the shared cache, so a script cannot churn
  ballots.
- **Hidden until reviewed**: no page shows any tally while the window is open, not even to
  organisers; after it closes the organisers review the ballots with their signals of ballot
  stuffing (``selectors/votes.py``), void suspicious ones with a reason (audit-logged; a
  voided ballot stays, and can be restored with a reason), and mark the vote reviewed
  (audit-logged with the tallies). The public sees the tallies with the published results.
- Voiding or restoring after the review takes the review back: the organisers review again.
"""

import ipaddress

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.permissions import is_judge, is_organiser, require
from competitions.selectors.participation import team_of
from competitions.services.audit import log_action

from ..models import Project, Track, Vote
from ..permissions import results_published
from ..selectors.votes import vote_tallies
from . import JudgingRefused

VOTES_PER_PERSON_PER_MINUTE = 10
VOTES_PER_NETWORK_PER_MINUTE = 60


def network_block(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) an address belongs to; "" if it is not an address."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _has_verified_email(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _rate_limited(key: str, limit: int) -> bool:
    """Count one more cast under ``key``; whether this minute's and the last minute's casts
    together go over ``limit`` (so a burst across a minute's boundary is still caught)."""
    minute = int(timezone.now().timestamp() // 60)
    bucket = f"judging-vote:{key}:{minute}"
    cache.add(bucket, 0, 180)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, 180)
        count = 1
    return count + (cache.get(f"judging-vote:{key}:{minute - 1}") or 0) > limit


def vote_refusal(track: Track, voter, now=None) -> str | None:
    """Why this person cannot vote in this track now, in words; None if they can."""
    now = now or timezone.now()
    if not track.has_vote:
        return _("This challenge has no community vote.")
    if voter is None or not voter.is_authenticated:
        return _("Log in to vote.")
    if now < track.vote_opens_at:
        return _("The community vote has not opened yet.")
    if now >= track.vote_closes_at:
        return _("The community vote is closed.")
    if results_published(track.event):
        return _("The results are published: the vote is over.")
    if is_organiser(voter, track.event) or is_judge(voter, track.event):
        return _("Organisers and judges of this event do not take part in the community vote.")
    if not _has_verified_email(voter):
        return _(
            "Verify your e-mail address first (see your profile): only verified accounts vote."
        )
    return None


@transaction.atomic
def vote_cast(*, track: Track, project: Project, voter, ip: str | None, now=None) -> Vote:
    """Cast or change the person's vote in the track."""
    now = now or timezone.now()
    refusal = vote_refusal(track, voter, now)
    if refusal:
        raise JudgingRefused(refusal)
    require(voter, "track.vote", track)
    if project.track_id != track.pk or not project.judgeable or project.team.is_baseline:
        raise JudgingRefused(_("Choose one of the projects in this vote."), field="project")
    own = team_of(voter, track.challenge)
    if own is not None and own.pk == project.team_id:
        raise JudgingRefused(_("You cannot vote for your own team's project."), field="project")
    network = network_block(ip)
    if _rate_limited(f"user:{voter.pk}", VOTES_PER_PERSON_PER_MINUTE) or (
        network and _rate_limited(f"net:{network}", VOTES_PER_NETWORK_PER_MINUTE)
    ):
        raise JudgingRefused(_("Too many votes in a short time: wait a minute and try again."))
    vote = Vote.objects.select_for_update().filter(track=track, voter=voter).first()
    if vote is None:
        try:
            with transaction.atomic():
                return Vote.objects.create(
                    track=track, project=project, voter=voter, ip=ip or None, network=network,
                    created_at=now, updated_at=now,
                )  # fmt: skip
        except IntegrityError:  # the same person's first vote from two windows at once
            raise JudgingRefused(
                _("Your vote was saved a moment ago from another window: reload the page.")
            ) from None
    if vote.project_id != project.pk:
        vote.changes += 1
    vote.project = project
    vote.ip, vote.network, vote.updated_at = ip or None, network, now
    vote.save()
    return vote


def _check_reviewable(track: Track, now) -> None:
    if not track.has_vote:
        raise JudgingRefused(_("This challenge has no community vote."))
    if results_published(track.event):
        raise JudgingRefused(_("The results are published: the vote can no longer change."))
    if not track.vote_is_closed(now):
        raise JudgingRefused(_("The review opens when the voting window closes."))


def _unreview(track: Track) -> None:
    Track.objects.filter(pk=track.pk).update(vote_reviewed_at=None, vote_reviewed_by=None)
    track.vote_reviewed_at = None


@transaction.atomic
def vote_void(*, vote: Vote, actor, reason: str, now=None) -> Vote:
    track = vote.track
    require(actor, "track.manage", track)
    _check_reviewable(track, now or timezone.now())
    reason = (reason or "").strip()
    if not reason:
        raise JudgingRefused(_("Say why the vote is voided."), field="reason")
    vote = Vote.objects.select_for_update().select_related("voter", "project__team").get(pk=vote.pk)
    if vote.is_void:
        raise JudgingRefused(_("This vote is already void."))
    vote.voided_at, vote.voided_by, vote.void_reason = timezone.now(), actor, reason[:300]
    vote.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _unreview(track)
    log_action(
        event=track.event, actor=actor, action="vote.void", target=vote, reason=reason,
        data={"voter": str(vote.voter), "project": vote.project.title, "ip": vote.ip},
    )  # fmt: skip
    return vote


@transaction.atomic
def vote_restore(*, vote: Vote, actor, reason: str, now=None) -> Vote:
    track = vote.track
    require(actor, "track.manage", track)
    _check_reviewable(track, now or timezone.now())
    reason = (reason or "").strip()
    if not reason:
        raise JudgingRefused(_("Say why the vote counts again."), field="reason")
    vote = Vote.objects.select_for_update().select_related("voter", "project").get(pk=vote.pk)
    if not vote.is_void:
        raise JudgingRefused(_("This vote is not void."))
    previous = vote.void_reason
    vote.voided_at, vote.voided_by, vote.void_reason = None, None, ""
    vote.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _unreview(track)
    log_action(
        event=track.event, actor=actor, action="vote.restore", target=vote, reason=reason,
        data={"voter": str(vote.voter), "project": vote.project.title, "voided_for": previous},
    )  # fmt: skip
    return vote


@transaction.atomic
def vote_mark_reviewed(*, track: Track, actor, now=None) -> Track:
    """The organisers have looked at every ballot: the tallies may be used (the community
    prize's suggestion) and are published with the results."""
    require(actor, "track.manage", track)
    now = now or timezone.now()
    track = Track.objects.select_for_update().select_related("challenge__event").get(pk=track.pk)
    _check_reviewable(track, now)
    if track.vote_reviewed_at is not None:
        raise JudgingRefused(_("The vote is already marked reviewed."))
    track.vote_reviewed_at, track.vote_reviewed_by = now, actor
    track.save(update_fields=["vote_reviewed_at", "vote_reviewed_by"])
    tallies = vote_tallies(track)
    log_action(
        event=track.event, actor=actor, action="vote.review", target=track,
        data={
            "tallies": [[t.project.title, t.votes] for t in tallies.rows],
            "voided": tallies.voided,
        },
    )  # fmt: skip
    return track
