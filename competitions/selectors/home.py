"""The home page's event cards: status, dates, counts, and a search over names and texts."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Event
from .participation import events_visible_to

STATUS_LABELS = {"open": _("Open"), "upcoming": _("Upcoming"), "ended": _("Ended"),
                 "draft": _("Draft")}  # fmt: skip


@dataclass
class EventCard:
    event: Event
    status: str
    teams: int
    challenges: int

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def event_status(event: Event, now: dt.datetime) -> str:
    """open while it runs (or has no dates), upcoming before, ended after; drafts say so."""
    if not event.is_published:
        return "draft"
    if event.starts_at and now < event.starts_at:
        return "upcoming"
    if event.ends_at and now >= event.ends_at:
        return "ended"
    return "open"


ORDER = {"open": 0, "upcoming": 1, "draft": 2, "ended": 3}


def event_cards(user, query: str = "", now: dt.datetime | None = None) -> list[EventCard]:
    """The events this person may see, open first, then upcoming, then ended; with ``query``
    only those whose name, tagline, description or a challenge's title matches."""
    now = now or timezone.now()
    ids = events_visible_to(user).values("pk")
    events = Event.objects.filter(pk__in=ids)
    query = (query or "").strip()[:100]
    if query:
        events = events.filter(
            Q(name__icontains=query)
            | Q(tagline__icontains=query)
            | Q(description__icontains=query)
            | Q(challenges__title__icontains=query)
        ).distinct()
    events = events.annotate(
        n_challenges=Count("challenges", distinct=True),
        n_teams=Count("challenges__teams", filter=Q(challenges__teams__is_baseline=False),
                      distinct=True),
    )  # fmt: skip
    cards = [
        EventCard(event, event_status(event, now), event.n_teams, event.n_challenges)
        for event in events
    ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    cards.sort(key=lambda c: (ORDER[c.status], c.event.starts_at or far, c.event.name.lower()))
    return cards
