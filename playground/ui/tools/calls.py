"""Drawing an answer's tool calls and whether the answer keeps to its card's format.

Everything a call holds came from a server, so it is drawn only through
``playground.ui.text``: the name as a plain label, the arguments in a code block
(indented when they are JSON, else as received), the marks as captions. Whether the
arguments fit the tool's ``parameters``, and the answer its response format, is asked
of ``playground.chat.tools.fit`` once the answer has finished (remembered there by the
texts checked, so a page run does not check again).
"""

from __future__ import annotations

import streamlit as st

from playground.arena.round import OPEN, CardShows
from playground.chat.tools.calls import ToolCall, call_marks, part_order, pretty_arguments
from playground.chat.tools.fit import Fit, answer_fit, argument_fit
from playground.ui import text as safe_text
from playground.workspace.types import Message, SamplingSettings

_FITS = ":material/check_circle:"
_MARK = ":material/warning:"


def ordered_parts(message: Message) -> list[str]:
    """The text and calls in the order they came (``tools.calls.part_order``)."""
    return part_order(message.parts, bool(message.content), len(message.tool_calls))


def draw_calls_part(
    message: Message,
    part: str,
    settings: SamplingSettings | None,
    shows: CardShows = OPEN,
) -> None:
    """One ``call:N`` part of ``message``: its block (nothing if the call is unknown)."""
    position = int(part.removeprefix("call:"))
    if position >= len(message.tool_calls):
        return
    ended = message.status != "streaming"
    marks = call_marks(message.tool_calls, message.finish_reason, ended)[position]
    call = message.tool_calls[position]
    fit = None
    if settings is not None and message.status == "done":
        fit = argument_fit(settings.tools, call)
    draw_call(call, marks, fit, shows)


def draw_call(call: ToolCall, marks: list[str], fit: Fit | None, shows: CardShows = OPEN) -> None:
    """One call: a bordered block with the function's name, its arguments, its marks and
    the result it was answered with (as plain text)."""
    with st.container(border=True, gap="small"):
        name = shows.hide(call.name) if call.name else "(no function name)"
        st.markdown(":material/function: " + safe_text.label(name))
        shown, is_json = pretty_arguments(shows.hide(call.arguments))
        if shown.strip():
            safe_text.code(shown, "json" if is_json else None)
        for mark in marks:
            safe_text.caption(shows.hide(mark), icon=_MARK)
        if fit is not None:
            _fit_caption(fit, shows)
        if call.result is not None:  # sent back: typed by a person or a mock's
            st.caption(":material/output: Result")
            safe_text.code(shows.hide(call.result))


# A longer JSON answer is drawn as sent (Markdown-safe text): indenting it would parse
# megabytes again on every page run.
_PRETTY_JSON_CHARS = 100_000


def draw_json_answer(message: Message, settings: SamplingSettings | None, shows: CardShows) -> bool:
    """A finished answer of a card with a JSON response format, drawn indented in a JSON
    code block when it is JSON; False (nothing drawn) otherwise."""
    if (
        settings is None
        or settings.response_format.kind == "text"
        or message.role != "assistant"
        or message.status != "done"
        or len(message.content) > _PRETTY_JSON_CHARS
    ):
        return False
    shown, is_json = pretty_arguments(shows.hide(message.content))
    if is_json:
        safe_text.code(shown, "json")
    return is_json


def draw_answer_fit(
    message: Message, settings: SamplingSettings | None, shows: CardShows = OPEN
) -> None:
    """Under a finished answer of a card with a JSON response format: whether it fits."""
    if settings is None or message.role != "assistant" or message.status != "done":
        return
    fit = answer_fit(settings.response_format, message.content)
    if fit is not None:
        _fit_caption(fit, shows)


def _fit_caption(fit: Fit, shows: CardShows) -> None:
    """Whether it fits (a violation may quote what the model wrote: masked when blind)."""
    safe_text.caption(shows.hide(fit.text), icon=_FITS if fit.fits else _MARK)
