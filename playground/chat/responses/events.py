"""The Responses API's stream events, read into ``Delta``s (used by ``ResponseStream``).

Each event as openai-python v3.3.1 ``src/openai/types/responses/`` defines it
(``response_stream_event.py`` lists them all; any other is ignored):

- ``response.output_text.delta`` (``response_text_delta_event.py``: ``delta``) -> text.
- ``response.reasoning_summary_text.delta`` (``response_reasoning_summary_text_delta_event.py``:
  ``delta``, ``summary_index``) and ``response.reasoning_text.delta``
  (``response_reasoning_text_delta_event.py``) -> reasoning; a new summary part starts
  a new paragraph.
- ``response.output_item.added`` (``response_output_item_added_event.py``: ``item``,
  ``output_index``) with a ``function_call`` item (``response_function_tool_call.py``:
  ``call_id``, ``name``, ``arguments``) -> the call's first piece, numbered by its place
  among the answer's calls; ``response.function_call_arguments.delta``
  (``response_function_call_arguments_delta_event.py``: ``output_index``, ``delta``) ->
  its argument pieces; ``response.output_item.done`` gives the arguments whole when
  none were streamed.
- ``response.completed`` (``response_completed_event.py``) -> the usage
  (``response_usage.py``: ``output_tokens``, ``input_tokens``,
  ``output_tokens_details.reasoning_tokens``) and the finish: "tool_calls" when the
  answer called a function, else "stop". ``response.incomplete`` -> the usage and
  "length" for ``incomplete_details.reason == "max_output_tokens"`` (else the reason,
  such as "content_filter"), the chat API's words for the same, so the card says it.
- ``response.failed`` (``response.error.message``) and ``error``
  (``response_error_event.py``: ``message``) -> ``ServerError`` with the server's words
  (secrets replaced).

A field of the wrong type raises ``TypeError`` (mapped to a clear message by
``translate_errors``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from playground.chat.answer_shapes import Delta, count
from playground.chat.tools.calls import ToolCallPiece, finish_reason_of
from playground.endpoints.errors import printable
from playground.errors import ServerError, excerpt

_REASONING = ("response.reasoning_summary_text.delta", "response.reasoning_text.delta")


def field_of(value: Any, name: str) -> Any:
    """A field of an event's JSON object (``raw_events`` parses them into dicts), or of an
    SDK object."""
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{what} that is not text")
    return value


class EventReader:
    """Reads one answer's events in order; ``finished`` once it is complete."""

    def __init__(self, what: str, redact: Sequence[str]) -> None:
        self._what = what
        self._redact = [r for r in redact if r]
        self._calls: dict[int, int] = {}  # output_index -> the call's place among calls
        self._streamed: set[int] = set()  # calls whose arguments came in pieces
        self._part: tuple[Any, Any] | None = None  # the reasoning part being streamed
        self.finished = False

    def read(self, event: Any) -> Iterator[Delta]:
        kind = field_of(event, "type")
        if kind == "response.output_text.delta":
            yield Delta(text=_text(field_of(event, "delta"), "a text delta"))
        elif kind in _REASONING:
            thought = _text(field_of(event, "delta"), "a reasoning delta")
            part = (field_of(event, "output_index"), field_of(event, "summary_index"))
            if self._part is not None and part != self._part and thought:
                thought = "\n\n" + thought
            self._part = part
            yield Delta(reasoning=thought)
        elif kind in ("response.output_item.added", "response.output_item.done"):
            yield from self._item(event, done=kind.endswith("done"))
        elif kind == "response.function_call_arguments.delta":
            index = self._call(field_of(event, "output_index"))
            self._streamed.add(index)
            piece = _text(field_of(event, "delta"), "function call arguments")
            yield Delta(tool_calls=(ToolCallPiece(index, arguments=piece),))
        elif kind in ("response.completed", "response.incomplete"):
            yield from self._end(field_of(event, "response"), complete=kind.endswith("completed"))
        elif kind == "response.failed":
            error = field_of(field_of(event, "response"), "error")
            raise self._failed(field_of(error, "message"))
        elif kind == "error":
            raise self._failed(field_of(event, "message"))

    def _call(self, output_index: Any) -> int:
        if not isinstance(output_index, int) or isinstance(output_index, bool):
            raise TypeError("a function call without an output_index")
        return self._calls.setdefault(output_index, len(self._calls))

    def _item(self, event: Any, *, done: bool) -> Iterator[Delta]:
        item = field_of(event, "item")
        if field_of(item, "type") != "function_call":
            return
        known = field_of(event, "output_index") in self._calls
        index = self._call(field_of(event, "output_index"))
        call_id = _text(field_of(item, "call_id"), "a call id") or None
        name = _text(field_of(item, "name"), "a function name") or None
        arguments = _text(field_of(item, "arguments"), "function call arguments") or None
        if not done:
            if arguments:
                self._streamed.add(index)
            yield Delta(tool_calls=(ToolCallPiece(index, call_id, name, arguments),))
        elif not known:  # a call seen only when done: all of it at once
            yield Delta(tool_calls=(ToolCallPiece(index, call_id, name, arguments),))
        elif arguments and index not in self._streamed:
            self._streamed.add(index)
            yield Delta(tool_calls=(ToolCallPiece(index, arguments=arguments),))

    def _end(self, response: Any, *, complete: bool) -> Iterator[Delta]:
        self.finished = True
        usage = field_of(response, "usage")
        tokens = count(field_of(usage, "output_tokens"))
        if tokens is not None:
            yield Delta(
                usage_tokens=tokens,
                prompt_tokens=count(field_of(usage, "input_tokens")),
                reasoning_tokens=count(
                    field_of(field_of(usage, "output_tokens_details"), "reasoning_tokens")
                ),
            )
        if complete:
            output = field_of(response, "output") or ()
            called = bool(self._calls) or any(
                field_of(item, "type") == "function_call" for item in output
            )
            yield Delta(finish_reason="tool_calls" if called else "stop")
            return
        reason = field_of(field_of(response, "incomplete_details"), "reason")
        finish = "length" if reason == "max_output_tokens" else finish_reason_of(reason)
        yield Delta(finish_reason=finish or "incomplete")

    def _failed(self, message: Any) -> ServerError:
        detail = excerpt(printable(message), self._redact) if isinstance(message, str) else ""
        return ServerError(
            f"{self._what} reported that the answer failed"
            + (f": {detail}" if detail else "")
            + ". Anything received before it is kept."
        )
