from django.utils.translation import gettext as _

from ..inputs import check_text
from ..models import AuditLog, Event
from ..page_cache import content_changed


def log_action(
    *,
    event: Event,
    actor,
    action: str,
    target=None,
    reason: str = "",
    data: dict | None = None,
) -> AuditLog:
    """Record what was done, by whom and why, for the event's organisers to read. Every
    organiser action may change what the event's public pages show: their cached renderings
    are renewed once it commits. The reason is checked like every text (services check it
    first, with their own limits): this is the last stop before the database."""
    check_text(reason, field="reason", multiline=True, label=_("The reason"))
    content_changed(event.pk)
    return AuditLog.objects.create(
        event=event,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        reason=reason,
        data=data or {},
    )


def _plain(value) -> str | None:
    """A value as the audit log stores it: JSON-safe, readable."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def apply_changes(instance, data: dict) -> dict[str, list]:
    """Set ``data``'s fields on ``instance``; returns ``{field: [old, new]}`` of what changed."""
    changes = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(instance, name, new)
    return changes
