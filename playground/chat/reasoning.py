"""Telling a thinking model's reasoning apart from its answer.

Models that think out loud send their reasoning either in a separate delta
field (``reasoning_content``, or ``reasoning`` on some servers) or inline, as
``<think>…</think>`` at the start of the text. Some chat templates open the
tag in the prompt, so the answer then holds only the closing tag.
``split_think`` handles all of these on the text received so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "<think>"
CLOSE = "</think>"
# Without an opening tag, a closing one ends reasoning only on a line of its own end
# ("…thoughts</think>\n\nAnswer"), not when an answer merely mentions the tag.
_TEMPLATE_CLOSE = re.compile(r"</think>[ \t]*(?:\n|$)")
DELTA_FIELDS = ("reasoning_content", "reasoning")


@dataclass(frozen=True)
class Split:
    reasoning: str
    answer: str
    thinking: bool  # the reasoning has not ended yet


def split_think(text: str, *, final: bool = False) -> Split:
    """Split streamed text into reasoning and answer.

    While streaming (``final`` False), a text that might still turn into an
    opening tag ("<thi") is held back rather than shown as the answer.
    """
    stripped = text.lstrip()
    if stripped.startswith(OPEN):
        body = stripped[len(OPEN) :]
        end = body.find(CLOSE)
        if end < 0:
            return Split(body.strip(), "", not final)
        return Split(body[:end].strip(), body[end + len(CLOSE) :].lstrip(), False)
    if stripped and OPEN.startswith(stripped) and not final:
        return Split("", "", True)
    close = _TEMPLATE_CLOSE.search(text)
    if close is not None:  # the template opened the tag: what comes before is reasoning
        return Split(text[: close.start()].strip(), text[close.end() :].lstrip(), False)
    return Split("", text, False)


def split_answer(text: str, reasoning_fields: str, *, final: bool = False) -> Split:
    """A streamed answer's text and reasoning, from its content (which may hold
    ``<think>`` tags) and its reasoning fields (``reasoning_content`` deltas)."""
    split = split_think(text, final=final)
    reasoning = "\n\n".join(r for r in (reasoning_fields.strip(), split.reasoning) if r)
    thinking = split.thinking or (bool(reasoning_fields) and not split.answer and not final)
    return Split(reasoning=reasoning, answer=split.answer, thinking=thinking)


def delta_reasoning(delta: object) -> str | None:
    """The reasoning text carried by a stream delta, if any."""
    for name in DELTA_FIELDS:
        value = getattr(delta, name, None)
        if isinstance(value, str) and value:
            return value
    return None
