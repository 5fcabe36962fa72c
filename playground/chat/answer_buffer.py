"""What a streaming answer has received so far, and its published form (``Snapshot``).

An ``AnswerBuffer`` keeps the pieces a stream's deltas carry (text, reasoning, tool
calls, the finish reason) and, when asked to ``split``, joins them into the target
message: the answer and its reasoning apart (``<think>`` or the server's fields), the
calls and the order of parts. ``streaming.StreamJob`` owns one and calls it under its
lock, from its stream thread or from a follower that finds a stalled stream's last
pieces unpublished.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.chat.answer_shapes import Delta
from playground.chat.reasoning import split_answer
from playground.chat.tools.calls import AnswerParts, ToolCall
from playground.workspace.types import Message


@dataclass(frozen=True)
class Snapshot:
    text: str  # the answer so far (reasoning taken out)
    version: int
    done: bool
    reasoning: str = ""
    thinking: bool = False  # the model is still reasoning
    calls: tuple[ToolCall, ...] = ()  # the tool calls so far, arguments as received
    parts: tuple[str, ...] = ()  # the order reasoning, text and calls came in (Message.parts)


class AnswerBuffer:
    """The pieces of ``target``'s answer; ``target`` changes only in ``split``."""

    def __init__(self, target: Message) -> None:
        self._target = target
        self._parts: list[str] = [target.content] if target.content else []
        self._reasoning_parts: list[str] = [target.reasoning] if target.reasoning else []
        self._more = AnswerParts(target.tool_calls, target.parts, target.finish_reason)
        self.text = target.content
        self.reasoning = target.reasoning
        self.thinking = False
        self.pending = False  # pieces were taken since the last split

    def take(self, delta: Delta) -> bool:
        """Keep ``delta``'s pieces; whether it carried text, reasoning or a call."""
        if delta.text or delta.reasoning or delta.tool_calls:
            if delta.text:
                self._parts.append(delta.text)
            if delta.reasoning:
                self._reasoning_parts.append(delta.reasoning)
            self._more.take(delta)
            self.pending = True
            return True
        if delta.finish_reason:
            self._more.take(delta)
        return False

    def split(self, final: bool) -> None:
        """Join the pieces so far into the target message (see the module docstring)."""
        raw = "".join(self._parts)
        self._parts = [raw] if raw else []
        fields = "".join(self._reasoning_parts)
        self._reasoning_parts = [fields] if fields else []
        split = split_answer(raw, fields, final=final)
        self.text, self.reasoning, self.thinking = split.answer, split.reasoning, split.thinking
        target = self._target
        target.content, target.reasoning = self.text, self.reasoning
        more = self._more.state(bool(self.reasoning), bool(self.text))
        target.tool_calls, target.parts, target.finish_reason = more
        self.pending = False

    def snapshot(self, version: int, done: bool) -> Snapshot:
        target = self._target
        state = (self.text, version, done, self.reasoning, self.thinking)
        return Snapshot(*state, tuple(target.tool_calls), tuple(target.parts))
