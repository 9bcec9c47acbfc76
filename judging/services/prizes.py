"""Prizes and their winners.

Organisers define places (1st, 2nd, …), honourable mentions and special prizes, each with a
description (money, an incubator place, an invitation — any text). Winners are suggested by
the standings (``selectors.results.suggested_winners``); choosing another team needs a reason,
and the audit log keeps the suggestion, the choice and the reason. A team holds at most one
place or mention per track (a special prize may go to a team that also placed). Nothing
changes once the results are published.
"""

from django.contrib.humanize.templatetags.humanize import ordinal
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competitions.inputs import check_model_text, check_text
from competitions.models import Team
from competitions.permissions import require
from competitions.services.audit import apply_changes, log_action

from ..models import Prize, Track
from ..selectors.results import suggested_winners
from . import JudgingRefused
from .tracks import check_not_published

PRIZE_FIELDS = ("kind", "place", "name", "description")


def _check_prize(prize: Prize) -> None:
    check_model_text(prize)
    if prize.kind not in Prize.Kind.values:
        raise JudgingRefused(_("Choose a place, a mention or a special prize."), field="kind")
    if prize.kind == Prize.Kind.COMMUNITY and not prize.track.has_vote:
        raise JudgingRefused(
            _("Set the community vote's window in the track's settings first."), field="kind"
        )
    if prize.kind == Prize.Kind.PLACE:
        if not prize.place or prize.place < 1:
            raise JudgingRefused(_("Give the place's number (1 for 1st)."), field="place")
        others = Prize.objects.filter(track=prize.track, kind=Prize.Kind.PLACE, place=prize.place)
        if others.exclude(pk=prize.pk).exists():
            raise JudgingRefused(
                _("This track already has a prize for place %(n)s.") % {"n": prize.place},
                field="place",
            )
        if not (prize.name or "").strip():
            prize.name = _("%(ordinal)s place") % {"ordinal": ordinal(prize.place)}
    else:
        prize.place = None
    if not (prize.name or "").strip():
        raise JudgingRefused(_("Give the prize a name."), field="name")


@transaction.atomic
def prize_create(*, track: Track, actor, data: dict) -> Prize:
    require(actor, "track.manage", track)
    check_not_published(track)
    prize = Prize(track=track, **{k: v for k, v in data.items() if k in PRIZE_FIELDS})
    _check_prize(prize)
    prize.save()
    log_action(
        event=track.event,
        actor=actor,
        action="prize.create",
        target=prize,
        data={"kind": prize.kind, "place": prize.place, "description": prize.description},
    )
    return prize


@transaction.atomic
def prize_update(*, prize: Prize, actor, data: dict) -> Prize:
    track = prize.track
    require(actor, "track.manage", track)
    check_not_published(track)
    prize = Prize.objects.select_for_update().get(pk=prize.pk)
    changes = apply_changes(prize, {k: v for k, v in data.items() if k in PRIZE_FIELDS})
    if not changes:
        return prize
    _check_prize(prize)
    prize.save()
    log_action(
        event=track.event, actor=actor, action="prize.edit", target=prize, data={"changed": changes}
    )
    return prize


@transaction.atomic
def prize_delete(*, prize: Prize, actor) -> None:
    track = prize.track
    require(actor, "track.manage", track)
    check_not_published(track)
    log_action(event=track.event, actor=actor, action="prize.delete", target=prize)
    prize.delete()


@transaction.atomic
def prize_award(*, prize: Prize, actor, team: Team | None, reason: str = "") -> Prize:
    """Give the prize to ``team`` (None: take it back). A team other than the standings'
    suggestion needs a reason."""
    track = prize.track
    require(actor, "track.manage", track)
    check_not_published(track)
    prize = Prize.objects.select_for_update(of=("self",)).select_related("winner").get(pk=prize.pk)
    reason = check_text(reason, field="reason", max_length=300, label=_("The reason")).strip()
    suggestion = suggested_winners(track).get(prize.pk)
    if team is not None:
        if team.challenge_id != track.challenge_id or team.is_baseline:
            raise JudgingRefused(_("Choose a team of this challenge."), field="team")
        if prize.kind not in (Prize.Kind.SPECIAL, Prize.Kind.COMMUNITY):
            holder = (
                Prize.objects.filter(track=track, winner=team)
                .exclude(kind__in=[Prize.Kind.SPECIAL, Prize.Kind.COMMUNITY])
                .exclude(pk=prize.pk)
                .first()
            )
            if holder is not None:
                raise JudgingRefused(
                    _("%(team)s already holds “%(prize)s”.") % {"team": team.name, "prize": holder},
                    field="team",
                )
        overrides = suggestion is not None and suggestion.pk != team.pk
        if overrides and not reason:
            raise JudgingRefused(
                _("The standings suggest %(team)s; say why another team wins.")
                % {"team": suggestion.name},
                field="reason",
            )
    previous = prize.winner
    prize.winner = team
    prize.winner_reason = reason if team is not None else ""
    prize.awarded_at = timezone.now() if team is not None else None
    prize.awarded_by = actor if team is not None else None
    prize.save()
    log_action(
        event=track.event,
        actor=actor,
        action="prize.award" if team is not None else "prize.unaward",
        target=prize,
        reason=reason,
        data={
            "team": team.name if team else None,
            "previous": previous.name if previous else None,
            "suggested": suggestion.name if suggestion else None,
        },
    )
    return prize
