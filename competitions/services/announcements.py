"""Organisers write to every participant of an event or of one challenge.

The text is the organiser's own (Markdown, sanitised when shown), so it is not translated; what
surrounds it (the notification, the e-mail's subject and opening line) is, in each reader's
language. Participants are the people who accepted a challenge's rules (every team member has).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Announcement, Challenge, Event
from ..permissions import require
from ..selectors.notifications import as_reader, render_message
from . import ServiceError
from .audit import log_action
from .notifications import logger, notify

NOTICE = gettext_noop("Announcement from the organisers of %(event)s: %(subject)s")
EMAIL_SUBJECT = gettext_noop("%(event)s: %(subject)s")
EMAIL_INTRO = gettext_noop(
    "The organisers of %(event)s wrote to every participant of %(audience)s:"
)


class AnnouncementRefused(ServiceError):
    pass


def announcement_recipients(*, event: Event, challenge: Challenge | None):
    """Everyone who accepted the rules of the challenge (or of any challenge of the event)."""
    accepted = {"rulesacceptance__challenge": challenge} if challenge else {
        "rulesacceptance__challenge__event": event
    }  # fmt: skip
    return list(get_user_model().objects.filter(**accepted, is_active=True).distinct())


@transaction.atomic
def announcement_send(
    *, event: Event, actor, subject: str, body: str, challenge: Challenge | None = None
) -> Announcement:
    require(actor, "event.manage", event)
    subject, body = (subject or "").strip(), (body or "").strip()
    if challenge is not None and challenge.event_id != event.pk:
        raise AnnouncementRefused(_("Choose a challenge of this event."), field="challenge")
    if not subject:
        raise AnnouncementRefused(_("Give the announcement a subject."), field="subject")
    if len(subject) > 200:
        raise AnnouncementRefused(_("Keep the subject under 200 characters."), field="subject")
    if not body:
        raise AnnouncementRefused(_("Write the announcement."), field="body")
    users = announcement_recipients(event=event, challenge=challenge)
    announcement = Announcement.objects.create(
        event=event, challenge=challenge, author=actor, subject=subject, body=body,
        recipients=len(users),
    )  # fmt: skip
    link = reverse("competitions:event", args=[event.slug]) + f"#announcement-{announcement.pk}"
    params = {"event": event.name, "subject": subject}
    notify(users=users, message=NOTICE, params=params, link=link)
    audience = challenge.title if challenge else event.name
    transaction.on_commit(
        lambda: _email(users, params={**params, "audience": audience}, body=body, link=link)
    )
    log_action(
        event=event, actor=actor, action="announcement.send", target=announcement,
        data={"recipients": len(users), "challenge": challenge.slug if challenge else ""},
    )  # fmt: skip
    return announcement


def _email(users, *, params: dict, body: str, link: str) -> None:
    url = f"{settings.SITE_URL.rstrip('/')}{link}"
    for user in users:
        if not user.email:
            continue
        with as_reader(user):
            subject = render_message(EMAIL_SUBJECT, params)
            intro = render_message(EMAIL_INTRO, params)
        text = f"{intro}\n\n{body}\n\n{url}\n\n-- DataJam\n"
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # the notification is on the site; a mail outage must not stop us
            logger.warning("could not e-mail %s", user.email, exc_info=True)
