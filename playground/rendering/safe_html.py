"""Outside text (an answer, a prompt) as safe HTML, rendered on the server.

The text goes through ``safe_markdown.neutralise`` (the page's policy: raw HTML shown
as text, images made inert, only ``http``/``https``/``mailto`` links kept) and is then
rendered by markdown-it-py with HTML input disabled; links carry ``rel="noopener
noreferrer nofollow"`` and an image is a placeholder that names it and loads nothing.
Used by a snapshot's HTML file (``reports/sharing``) and by the live view's finished
blocks (``live_html``).
"""

from __future__ import annotations

from functools import cache
from html import escape

from markdown_it import MarkdownIt

from playground.rendering.safe_markdown import neutralise


@cache
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    rules = md.renderer.rules

    def link_open(tokens, idx, options, env):  # type: ignore[no-untyped-def]
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return md.renderer.renderToken(tokens, idx, options, env)

    def image(tokens, idx, options, env):  # type: ignore[no-untyped-def]
        alt = escape(tokens[idx].content or "image")
        return f'<span class="placeholder">[image not loaded: {alt}]</span>'

    rules["link_open"] = link_open
    rules["image"] = image
    return md


def markdown(text: str) -> str:
    """Text from outside (an answer, a prompt) as safe HTML."""
    return _renderer().render(neutralise(text))
