from django import template
from django.utils.html import format_html

from ..formatting import percent_text, score_text, time_element
from ..markdown import render_markdown
from ..page_cache import cached_html
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
    """A score in the viewer's number format (``formatting.score_text``)."""
    return score_text(value, digits)


@register.filter
def percent(share):
    return percent_text(share)


@register.filter
def when(value, style: str = "full"):
    """Every time on every page: ``{{ t|when }}`` is a ``<time>`` in the viewer's zone with the
    zone's name; ``{{ t|when:"short" }}`` is the compact form for table cells."""
    if not value:  # None, or a missing variable in the template
        return ""
    return time_element(value, short=style == "short")


@register.filter
def zone_name(name: str):
    """The zone in the footer, marked so the browser can name its own on a first visit."""
    return format_html('<span id="timezone-name">{}</span>', name)


@register.simple_tag
def content_lang(obj):
    """`` lang="…"`` for organiser-written text of an event or challenge whose language is known
    (a challenge without one takes its event's): ``<h1{% content_lang challenge %}>``."""
    language = getattr(obj, "content_language", "")
    if not language and hasattr(obj, "event"):
        language = obj.event.content_language
    return format_html(' lang="{}"', language) if language else ""


@register.filter(name="notification_text")
def notification_text_filter(notification) -> str:
    """A notification in the reader's language and zone (the active ones)."""
    return notification_text(notification)


class VisitorCacheNode(template.Node):
    def __init__(self, nodelist, key_variable):
        self.nodelist = nodelist
        self.key_variable = key_variable

    def render(self, context) -> str:
        cache_key = self.key_variable.resolve(context)
        return cached_html(cache_key, lambda: (self.nodelist.render(context), True))


@register.tag
def visitor_cache(parser, token):
    """``{% visitor_cache page_cache_key %}…{% endvisitor_cache %}``: the enclosed HTML from the
    shared cache under that key (``page_cache.visitor_key``), or rendered when the key is None
    (a signed-in person, or caching off)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("visitor_cache takes one argument: the cache key")
    nodelist = parser.parse(("endvisitor_cache",))
    parser.delete_first_token()
    return VisitorCacheNode(nodelist, parser.compile_filter(bits[1]))
