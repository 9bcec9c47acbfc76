"""The hand-in reminder: 24 hours before a judged track's deadline, every team of the challenge
hears once (on the site and by e-mail) that hand-in closes, and whether its project is in.

Run by beat (``judging.tasks.remind_handins``). Claiming a track is a conditional UPDATE on
``handin_reminder_sent_at``, so two runs at once never send twice; a new deadline clears it
(``track_update``), so the new deadline gets its own reminder.
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from competitions.models import Membership
from competitions.services.audit import log_action
from competitions.services.notifications import notify

from ..models import EventResults, Project, Track

REMINDER_BEFORE = dt.timedelta(hours=24)
MISSING_MESSAGE = gettext_noop(
    "Team %(team)s has not handed in a project for %(challenge)s yet: hand-in closes at "
    "%(deadline_at)s."
)
HANDED_IN_MESSAGE = gettext_noop(
    "Hand-in for %(challenge)s closes at %(deadline_at)s; until then team %(team)s can still "
    "change its project."
)
SUBJECT = gettext_noop("Project hand-in for %(challenge)s closes in 24 hours")


def due_tracks(now: dt.datetime):
    published = EventResults.objects.filter(state=EventResults.State.PUBLISHED).values("event_id")
    return (
        Track.objects.filter(
            handin_reminder_sent_at__isnull=True,
            judging=Track.Judging.OPEN,
            handin_deadline__gt=now,
            handin_deadline__lte=now + REMINDER_BEFORE,
        )
        .filter(Q(ranking=Track.Ranking.JUDGES) | Q(ranking=Track.Ranking.BLEND))
        .exclude(challenge__event_id__in=published)
        .select_related("challenge__event")
    )


def handin_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send each due track's reminder once; returns how many teams were reminded."""
    now = now or timezone.now()
    reminded = 0
    for track in due_tracks(now):
        claimed = Track.objects.filter(pk=track.pk, handin_reminder_sent_at__isnull=True).update(
            handin_reminder_sent_at=now
        )
        if not claimed:
            continue  # another run took it
        reminded += _remind(track)
    return reminded


def _remind(track: Track) -> int:
    challenge = track.challenge
    handed_in = set(Project.objects.filter(track=track).values_list("team_id", flat=True))
    teams: dict[int, list] = {}
    names: dict[int, str] = {}
    for membership in Membership.objects.filter(
        challenge=challenge, team__is_baseline=False
    ).select_related("user", "team"):
        teams.setdefault(membership.team_id, []).append(membership.user)
        names[membership.team_id] = membership.team.name
    link = reverse("judging:project", args=[challenge.event.slug, challenge.slug])
    for team_id, users in teams.items():
        notify(
            users=users,
            message=HANDED_IN_MESSAGE if team_id in handed_in else MISSING_MESSAGE,
            params={
                "team": names[team_id],
                "challenge": challenge.title,
                "deadline_at": track.handin_deadline.isoformat(),
            },
            link=link,
            email_subject=SUBJECT,
        )
    log_action(
        event=challenge.event,
        actor=None,
        action="handin.reminder",
        target=track,
        data={"teams": len(teams), "without_project": len(set(teams) - handed_in)},
    )
    return len(teams)
