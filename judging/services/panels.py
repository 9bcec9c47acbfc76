"""Judging panels of a track: each has a name, a weight in the track's judges' score, its
judges (judges of the event) and its own criteria. The track's judges' score is the weighted
mean of the panels' scores (``selectors/standings.py``). Panels change while judging is open;
a panel whose judges have sheets stays (change its weight or judges instead)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from competitions.permissions import is_judge, require
from competitions.services.audit import log_action

from ..models import Panel, Track
from . import JudgingRefused
from .tracks import check_judging_open


def _clean(track: Track, panel: Panel | None, name: str, weight, judges) -> tuple:
    name = (name or "").strip()
    if not name:
        raise JudgingRefused(_("Give the panel a name."), field="name")
    others = Panel.objects.filter(track=track, name__iexact=name)
    if panel is not None:
        others = others.exclude(pk=panel.pk)
    if others.exists():
        raise JudgingRefused(_("This track already has a panel of that name."), field="name")
    try:
        weight = Decimal(str(weight))
    except (InvalidOperation, ValueError):
        raise JudgingRefused(_("A weight must be above 0."), field="weight") from None
    if not weight.is_finite() or weight <= 0 or weight >= 10000:
        raise JudgingRefused(_("A weight must be above 0."), field="weight")
    judges = list(judges or [])
    for judge in judges:
        if not is_judge(judge, track.event):
            raise JudgingRefused(
                _("%(who)s does not judge this event.") % {"who": judge}, field="judges"
            )
    return name, weight, judges


@transaction.atomic
def panel_save(
    *, track: Track, actor, name: str, weight, judges, panel: Panel | None = None
) -> Panel:
    require(actor, "track.manage", track)
    check_judging_open(track)
    name, weight, judges = _clean(track, panel, name, weight, judges)
    created = panel is None
    if created:
        panel = Panel.objects.create(
            track=track, name=name, weight=weight, order=track.panels.count()
        )
    else:
        panel.name, panel.weight = name, weight
        panel.save(update_fields=["name", "weight"])
    panel.judges.set(judges)
    log_action(
        event=track.event,
        actor=actor,
        action="panel.create" if created else "panel.edit",
        target=panel,
        data={"name": name, "weight": str(weight), "judges": sorted(str(j) for j in judges)},
    )
    return panel


@transaction.atomic
def panel_delete(*, panel: Panel, actor) -> None:
    track = panel.track
    require(actor, "track.manage", track)
    check_judging_open(track)
    if panel.sheets.exists():
        raise JudgingRefused(
            _("Judges of “%(name)s” have score sheets, so it stays; change its weight or judges.")
            % {"name": panel.name}
        )
    if panel.criteria.exists():
        raise JudgingRefused(
            _("Move or remove the criteria of “%(name)s” first.") % {"name": panel.name}
        )
    log_action(event=track.event, actor=actor, action="panel.delete", target=panel)
    panel.delete()
