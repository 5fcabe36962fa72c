"""Tool calls in a streamed answer: the typed call, the accumulator, the marks, the API shape.

A server streams a call in pieces (openai-python v3.3.1
``src/openai/types/chat/chat_completion_chunk.py``: ``ChoiceDelta.tool_calls`` is a list
of ``ChoiceDeltaToolCall`` with a required ``index`` and optional ``id``, ``type`` and
``function`` {``name``, ``arguments``}). ``ToolCallBuilder`` joins them by ``index``, as
the SDK's own ``lib/streaming/_deltas.py`` does, but keyed by the index rather than
used as a list position, so a gap or an index out of order never raises: the call is
kept and ``call_marks`` says what is wrong with it. Pieces are kept in lists and joined
only on ``build()``, so a long argument text costs linear time.

``api_tool_calls`` gives the assistant message's ``tool_calls`` as the API takes them
back (openai-python v3.3.1 ``types/chat/chat_completion_assistant_message_param.py`` and
``chat_completion_message_function_tool_call_param.py``: ``id``, ``type: "function"``,
``function`` {``name``, ``arguments``}, all required). ``api_messages`` gives an answer
with its results: the assistant message, then one ``tool`` message per answered call
(openai-python v3.63.0 ``types/chat/chat_completion_tool_message_param.py``: ``role:
"tool"``, ``content``, ``tool_call_id``, all required). A call's result lives on the call
(``ToolCall.result``), so it can never lose its call, and a save without results loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from playground.config.limits import MAX_TOOL_RESULT_CHARS

MAX_FINISH_REASON_CHARS = 40


class ToolCall(BaseModel):
    """One function call an answer made, as received (its arguments text untouched)."""

    model_config = ConfigDict(extra="forbid")

    index: int  # the stream's ``index`` for this call
    id: str = ""  # "" when the server sent none
    name: str = ""
    arguments: str = ""  # the JSON text the model wrote, possibly not JSON at all
    # What the tool gave back (a person or a mock), sent as a ``tool`` message; None: not yet.
    result: str | None = Field(default=None, max_length=MAX_TOOL_RESULT_CHARS)
    # What a person has typed as its result, not sent yet: kept so a reload loses nothing.
    draft: str = Field(default="", max_length=MAX_TOOL_RESULT_CHARS)

    @property
    def answerable(self) -> bool:
        """It can be sent back, with a result: the API requires its id and name."""
        return bool(self.id and self.name)

    def arguments_problem(self) -> str | None:
        """Why the arguments are not JSON ("not JSON: ..."), or None if they are."""
        if not self.arguments.strip():
            return "not JSON: the arguments are empty"
        try:
            json.loads(self.arguments)
        except RecursionError:
            return "not JSON: nested too deeply to read"
        except ValueError as exc:
            # "Unterminated string starting at": the position follows (said once, not twice)
            reason = (getattr(exc, "msg", None) or "unreadable").removesuffix(" at")
            where = getattr(exc, "pos", None)
            return f"not JSON: {reason}" + (f" at character {where}" if where is not None else "")
        return None


@dataclass(frozen=True)
class ToolCallPiece:
    """One ``ChoiceDeltaToolCall`` as it came: every field but ``index`` may be missing."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str | None = None


@dataclass
class _Call:
    index: int
    position: int  # where the call came among the answer's calls
    id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)


class ToolCallBuilder:
    """Joins ``ToolCallPiece``s by index into ``ToolCall``s, in the order calls first came."""

    def __init__(self, calls: list[ToolCall] | None = None) -> None:
        self._calls: dict[int, _Call] = {}
        for position, call in enumerate(calls or ()):
            parts = [call.arguments] if call.arguments else []
            self._calls[call.index] = _Call(call.index, position, call.id, call.name, parts)

    def __len__(self) -> int:
        return len(self._calls)

    def add(self, piece: ToolCallPiece) -> int:
        """Add one piece; returns the position of its call (new calls go last)."""
        call = self._calls.get(piece.index)
        if call is None:
            call = self._calls[piece.index] = _Call(piece.index, len(self._calls))
        # The first id and name win: after the first chunk OpenAI sends none (vLLM's
        # serving_chat.py: "OpenAI API returns None instead of name every time").
        if piece.id and not call.id:
            call.id = piece.id
        if piece.name and not call.name:
            call.name = piece.name
        if piece.arguments:
            call.parts.append(piece.arguments)
        return call.position

    def build(self) -> list[ToolCall]:
        calls = []
        for call in self._calls.values():
            joined = "".join(call.parts)
            call.parts = [joined] if joined else []
            calls.append(ToolCall(index=call.index, id=call.id, name=call.name, arguments=joined))
        return calls


def call_marks(calls: list[ToolCall], finish_reason: str | None, ended: bool) -> list[list[str]]:
    """What is wrong with each call (same order as ``calls``); an empty list if nothing.

    ``ended``: the answer is no longer streaming; if it ended without a finish reason,
    every call may be cut short.
    """
    marks: list[list[str]] = []
    cut = ended and finish_reason is None
    for position, call in enumerate(calls):
        mark: list[str] = []
        if not call.id:
            mark.append("no id: the server sent this call without one, so no result can answer it")
        if not call.name:
            mark.append("no function name")
        if call.index != position:
            mark.append(f"index {call.index} where {position} was expected (an index gap)")
        if cut:
            mark.append("cut short: the answer ended before the server said it was finished")
        problem = call.arguments_problem()
        if problem:
            mark.append(problem)
        marks.append(mark)
    return marks


def api_tool_calls(calls: list[ToolCall]) -> list[dict[str, Any]]:
    """The calls as an assistant message's ``tool_calls``; a call without an id or a
    name cannot be sent back (both are required), so it is left out."""
    return [
        {
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments},
        }
        for call in calls
        if call.answerable
    ]


def answered(calls: list[ToolCall]) -> list[ToolCall]:
    """The calls that go back: those with a result (OpenAI refuses an assistant
    ``tool_calls`` message that no ``tool`` message answers)."""
    return [call for call in calls if call.answerable and call.result is not None]


def api_messages(role: str, content: Any, calls: list[ToolCall]) -> list[dict[str, Any]]:
    """One history message as the API takes it, followed, for an answer, by one
    ``tool`` message per answered call, in the calls' order; [] if nothing is left."""
    sent = answered(calls) if role == "assistant" else []
    if not content and not sent:
        return []
    results = [{"role": "tool", "content": c.result, "tool_call_id": c.id} for c in sent]
    return [api_message(role, content, sent), *results]


def api_message(role: str, content: Any, calls: list[ToolCall]) -> dict[str, Any]:
    """One history message as the API takes it: an answer's calls as its ``tool_calls``
    (its content may then be null: chat_completion_assistant_message_param.py)."""
    sent = api_tool_calls(calls) if role == "assistant" else []
    if not sent:
        return {"role": role, "content": content}
    return {"role": role, "content": content or None, "tool_calls": sent}


def finish_reason_of(value: object) -> str | None:
    """A finish reason the server sent, kept if it is text (cut to a sane length)."""
    return value[:MAX_FINISH_REASON_CHARS] if isinstance(value, str) and value else None


def part_order(parts: list[str], text: bool, calls: int) -> list[str]:
    """An answer's text and calls in the order they came (``Message.parts``), given whether
    it has text and how many calls: a part the order does not name (an answer saved before
    parts were kept, or a call not yet built) comes after, text first; reasoning is left out
    (it always comes first, in its own place)."""
    known = {f"call:{n}" for n in range(calls)}
    order = [p for p in parts if (p == "text" and text) or p in known]
    if text and "text" not in order:
        order.insert(0, "text")
    return order + [f"call:{n}" for n in range(calls) if f"call:{n}" not in order]


def pretty_arguments(arguments: str) -> tuple[str, bool]:
    """The arguments indented when they are JSON (and whether they are), else as received."""
    if not arguments.strip():
        return arguments, False
    try:
        value = json.loads(arguments)
    except (ValueError, RecursionError):
        return arguments, False
    try:
        return json.dumps(value, indent=2, ensure_ascii=False), True
    except (ValueError, RecursionError):  # very deep: as received
        return arguments, True


class PartOrder:
    """The order reasoning, text and calls first came in (``Message.parts``)."""

    def __init__(self, parts: list[str] | None = None) -> None:
        self._seen: dict[str, None] = dict.fromkeys(parts or ())

    def see(self, kind: str) -> None:
        if kind not in self._seen:
            self._seen[kind] = None

    def parts(self, reasoning: bool, text: bool) -> list[str]:
        """The order, given whether the answer has reasoning and text once split: reasoning
        in ``<think>`` tags arrives as text, before the text it precedes."""
        out: dict[str, None] = {}
        for kind in self._seen:
            if kind == "text":
                if reasoning:
                    out["reasoning"] = None
                if text:
                    out["text"] = None
            elif kind != "reasoning" or reasoning:
                out[kind] = None
        return list(out)


class AnswerParts:
    """An answer's tool calls, part order and finish reason, gathered as deltas come
    (by ``streaming.StreamJob``; ``delta`` is an ``answer_shapes.Delta``)."""

    def __init__(self, calls: list[ToolCall], parts: list[str], finish: str | None) -> None:
        self._calls = ToolCallBuilder(calls)
        self._order = PartOrder(parts)
        self._finish = finish

    def take(self, delta: Any) -> None:
        if delta.reasoning:
            self._order.see("reasoning")
        if delta.text:
            self._order.see("text")
        for piece in delta.tool_calls:
            known = len(self._calls)
            position = self._calls.add(piece)
            if len(self._calls) != known:  # a new call
                self._order.see(f"call:{position}")
        if delta.finish_reason:
            self._finish = delta.finish_reason

    def state(self, reasoning: bool, text: bool) -> tuple[list[ToolCall], list[str], str | None]:
        """(tool calls, part order, finish reason) of the answer so far."""
        return self._calls.build(), self._order.parts(reasoning, text), self._finish
