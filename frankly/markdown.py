"""Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Raw HTML in the source is escaped by markdown-it (``html=False``); nh3 then removes
anything that could still run: no script, no event handlers, no javascript: or data:
URLs. Links get rel="nofollow ugc noopener noreferrer".
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _align_table_cells(tokens: list) -> None:
    """Turn markdown-it's ``style="text-align:..."`` on table cells into ``align``.

    Style attributes are never allowed through the sanitiser, so without this the
    column alignment a writer asked for would be silently lost.
    """
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("align", style.removeprefix("text-align:"))


def render_markdown(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to put in a page."""
    parser = _parser()
    tokens = parser.parse(text or "")
    _align_table_cells(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
