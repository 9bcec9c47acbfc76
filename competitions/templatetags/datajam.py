from django import template

from ..formatting import local_datetime
from ..markdown import render_markdown
from ..permissions import can as can_do
from ..selectors.notifications import notification_text

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """``{% can "submission.view" sub as ok %}``: the same check the views make."""
    return can_do(context["request"].user, action, obj)


@register.filter
def metric(value, digits: int = 4):
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        return f"{float(value):.{int(digits)}f}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def when(value):
    """A time in the viewer's zone, with the zone's name."""
    return local_datetime(value)


@register.filter(name="notification_text")
def notification_text_filter(notification) -> str:
    """A notification in the reader's language and zone (the active ones)."""
    return notification_text(notification)
