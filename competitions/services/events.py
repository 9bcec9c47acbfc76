"""Events and who runs them: create (as a draft), edit, publish and unpublish, grant and revoke
organiser and judge roles."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..inputs import check_model_text, check_text
from ..models import Event, EventRole, Membership
from ..permissions import has_two_factor, require
from ..selectors.readiness import event_readiness
from ..slugs import slug_from
from . import ServiceError
from .audit import apply_changes, log_action

EVENT_FIELDS = (
    "name", "slug", "tagline", "description", "content_language", "starts_at", "ends_at",
    "require_mfa",
)  # fmt: skip


class EventRefused(ServiceError):
    pass


def _check_event(event: Event) -> None:
    check_model_text(event)
    if not (event.name or "").strip():
        raise EventRefused(_("Give the event a name."), field="name")
    others = Event.objects.filter(slug=event.slug).exclude(pk=event.pk)
    if not event.slug or others.exists():
        raise EventRefused(_("Another event uses this address (slug)."), field="slug")
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        raise EventRefused(_("The event must end after it starts."), field="ends_at")


@transaction.atomic
def event_create(*, actor, data: dict) -> Event:
    """Create an event; its creator becomes its organiser."""
    require(actor, "event.create")
    event = Event(**{name: data[name] for name in EVENT_FIELDS if name in data})
    if not (event.slug or "").strip():
        event.slug = slug_from(
            event.name, taken=lambda slug: Event.objects.filter(slug=slug).exists()
        )
    _check_event(event)
    event.save()
    EventRole.objects.create(event=event, user=actor, role=EventRole.Role.ORGANISER)
    log_action(event=event, actor=actor, action="event.create", target=event)
    return event


@transaction.atomic
def event_update(*, event: Event, actor, data: dict) -> Event:
    """Change an event's fields; the audit log keeps each old and new value."""
    require(actor, "event.manage", event)
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    changes = apply_changes(event, {k: v for k, v in data.items() if k in EVENT_FIELDS})
    if not changes:
        return event
    _check_event(event)
    if "require_mfa" in changes and event.require_mfa and not has_two_factor(actor):
        raise EventRefused(
            _(
                "Set up two-factor authentication for yourself first (your profile page): "
                "otherwise this setting would lock you out of the event's pages."
            ),
            field="require_mfa",
        )
    event.save(update_fields=list(changes))
    log_action(
        event=event, actor=actor, action="event.edit", target=event, data={"changed": changes}
    )
    return event


@transaction.atomic
def role_grant(*, event: Event, email: str, role: str, actor) -> EventRole:
    require(actor, "event.manage", event)
    check_text(email, field="email", max_length=254, label=_("The e-mail address"))
    if role not in EventRole.Role.values:
        raise EventRefused(_("Choose organiser or judge."), field="role")
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise EventRefused(
            _("No account uses %(email)s; ask them to sign up first.") % {"email": email},
            field="email",
        )
    if role == EventRole.Role.JUDGE:
        team = (
            Membership.objects.filter(user=user, challenge__event=event)
            .select_related("team")
            .first()
        )
        if team is not None:
            raise EventRefused(
                _(
                    "%(email)s is in team %(team)s of this event; a judge cannot compete in "
                    "the event they judge. They must leave the team first."
                )
                % {"email": email, "team": team.team.name},
                field="email",
            )
    granted, _created = EventRole.objects.get_or_create(event=event, user=user, role=role)
    log_action(
        event=event, actor=actor, action="role.grant", target=granted,
        data={"role": role, "email": user.email},
    )  # fmt: skip
    return granted


@transaction.atomic
def role_revoke(*, role: EventRole, actor) -> None:
    event = role.event
    require(actor, "event.manage", event)
    if (
        role.role == EventRole.Role.ORGANISER
        and event.roles.filter(role=EventRole.Role.ORGANISER).count() == 1
    ):
        raise EventRefused(_("An event needs at least one organiser."))
    log_action(
        event=event, actor=actor, action="role.revoke", target=role,
        data={"role": role.role, "email": role.user.email},
    )  # fmt: skip
    role.delete()


@transaction.atomic
def event_publish(*, event: Event, actor) -> Event:
    """Show a draft event to everyone, once every item of its readiness checklist holds."""
    require(actor, "event.manage", event)
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if event.is_published:
        return event
    missing = event_readiness(event).missing
    if missing:
        raise EventRefused(
            _("The event is not ready to publish: %(items)s.")
            % {"items": "; ".join(check.text for check in missing)}
        )
    event.is_published = True
    event.published_at = timezone.now()
    event.save(update_fields=["is_published", "published_at"])
    log_action(event=event, actor=actor, action="event.publish", target=event)
    return event


@transaction.atomic
def event_unpublish(*, event: Event, actor, reason: str = "") -> Event:
    """Back to a draft: only organisers and judges see it; teams and submissions stay."""
    require(actor, "event.manage", event)
    check_text(reason, field="reason", max_length=300, label=_("The reason"))
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if not event.is_published:
        return event
    event.is_published = False
    event.save(update_fields=["is_published"])
    log_action(event=event, actor=actor, action="event.unpublish", target=event, reason=reason)
    return event
