"""An answer, and any text from outside, as safe HTML for a snapshot's file.

Outside text goes through ``safe_markdown.neutralise`` (raw HTML shown as text, images
made inert, only ``http``/``https``/``mailto`` links kept) and is then rendered by
markdown-it-py with HTML input disabled; links carry ``rel="noopener noreferrer
nofollow"`` and images are a placeholder that names them (see ``html.py``).
"""

from __future__ import annotations

from functools import cache
from html import escape

from markdown_it import MarkdownIt

from playground.chat.tools.calls import ToolCall, pretty_arguments
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


def _call(call: ToolCall) -> str:
    shown, _ = pretty_arguments(call.arguments)
    out = f"<p><b>Tool call:</b> <code>{escape(call.name or '(no name)')}</code></p>"
    out += f"<pre>{escape(shown)}</pre>"
    if call.result is not None:
        out += f"<p><b>Tool result:</b></p><pre>{escape(call.result)}</pre>"
    return out


def answer_html(
    text: str,
    reasoning: str = "",
    calls: list[ToolCall] | None = None,
    error: str | None = None,
    figures: str = "",
) -> str:
    """An answer's parts: reasoning (folded), text, tool calls, error, figures."""
    out = ""
    if reasoning:
        out += f"<details><summary>Reasoning</summary>{markdown(reasoning)}</details>"
    out += markdown(text) if text else ""
    out += "".join(_call(call) for call in calls or [])
    if error:
        out += f'<p class="error">{escape(error)}</p>'
    if figures:
        out += f'<p class="meta">{escape(figures)}</p>'
    return out
