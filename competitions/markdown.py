"""Organisers write Markdown; it is rendered and then sanitised with nh3 (no scripts, no event
handlers, no ``javascript:`` links), so a page can show it as safe HTML.

No image is ever shown: a Markdown image becomes a link to it (its alt text, else its address)
and an HTML ``<img>`` is dropped, so our pages load nothing from other hosts and a visitor's
browser never calls an address an event's author chose."""

from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}

MEMO_MAX_CHARS = 20_000


class _ImagesAsLinks(Treeprocessor):
    def run(self, root):
        for image in root.iter("img"):
            source = image.get("src", "")
            label = image.get("alt") or source
            image.tag = "a"
            image.attrib.clear()
            image.set("href", source)
            image.text = label


class ImagesAsLinks(Extension):
    def extendMarkdown(self, md_instance):
        md_instance.treeprocessors.register(_ImagesAsLinks(md_instance), "images_as_links", 0)


def render_markdown(text: str) -> SafeString:
    """``text`` as sanitised HTML. A pure function of the text, kept per process for the
    texts rendered last (a challenge's description, rules and evaluation are rendered on every
    signed-in view of its page: about 3 ms each)."""
    text = text or ""
    # Only short texts are kept: a long write-up is rendered when asked (and would hold memory).
    return _render(text) if len(text) <= MEMO_MAX_CHARS else _render.__wrapped__(text)


@lru_cache(maxsize=256)
def _render(text: str) -> SafeString:
    html = md.markdown(text, extensions=["tables", "fenced_code", "sane_lists", ImagesAsLinks()])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
