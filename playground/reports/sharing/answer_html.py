"""An answer as safe HTML for a snapshot's file: its text through
``playground.rendering.safe_html`` (the same policy as the page), its tool calls,
error and figures escaped (see ``html.py``).
"""

from __future__ import annotations

from html import escape

from playground.chat.tools.calls import ToolCall, pretty_arguments
from playground.rendering.safe_html import markdown


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
