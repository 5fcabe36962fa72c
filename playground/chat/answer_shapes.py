"""The shapes a chat answer arrives in, read one by one (used by ``deltas.DeltaStream``).

An event stream's chunks and choices, as parsed JSON (``raw_events``), type-checked: a
malformed one raises ``TypeError``, which the SDK mapping turns into a clear message; a whole JSON
completion sent where a stream was asked for, and the error for a stream that
ends without a finish reason (llama.cpp's empty stream, or one it cut short).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from playground.chat.reasoning import DELTA_FIELDS, delta_reasoning
from playground.chat.tools.calls import ToolCallPiece, finish_reason_of
from playground.config.limits import MAX_COMPLETION_BYTES
from playground.endpoints.errors import not_json_message, server_error_message
from playground.endpoints.server_answers import TOO_LONG_ADVICE
from playground.errors import EmptyStream, ServerError, StreamBroken


@dataclass(frozen=True)
class Delta:
    """A piece of the answer: text, reasoning, pieces of tool calls, the finish reason,
    or the server's counts of output tokens (``usage_tokens``), prompt tokens and the
    output tokens spent reasoning (``reasoning_tokens``, part of ``usage_tokens``)."""

    text: str = ""
    reasoning: str = ""
    usage_tokens: int | None = None
    prompt_tokens: int | None = None
    reasoning_tokens: int | None = None
    tool_calls: tuple[ToolCallPiece, ...] = ()
    finish_reason: str | None = None


def count(value: object) -> int | None:
    """A token count the server sent, if it is one (a non-negative int, not a bool)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def usage_delta(usage: Any) -> Delta | None:
    """The token counts of a chat completion's ``usage`` (an object or, in a whole JSON
    answer, a dict), or None without an output count. Reasoning tokens are read from
    ``completion_tokens_details.reasoning_tokens`` (openai-python v3.3.1
    src/openai/types/completion_usage.py): part of ``completion_tokens``, billed as output.
    """
    if isinstance(usage, dict):
        usage = _Fields(usage)
    tokens = count(getattr(usage, "completion_tokens", None))
    if tokens is None:
        return None
    details = getattr(usage, "completion_tokens_details", None)
    if isinstance(details, dict):
        details = _Fields(details)
    return Delta(
        usage_tokens=tokens,
        prompt_tokens=count(getattr(usage, "prompt_tokens", None)),
        reasoning_tokens=count(getattr(details, "reasoning_tokens", None)),
    )


def content_type(stream: Any) -> str:
    response = getattr(stream, "response", None)
    return response.headers.get("content-type", "").lower() if response is not None else ""


def read_capped(stream: Any, what: str) -> bytes:
    body = bytearray()
    for chunk in stream.response.iter_bytes():
        body += chunk
        if len(body) > MAX_COMPLETION_BYTES:
            raise StreamBroken(f"{what} sent more than {MAX_COMPLETION_BYTES // 1_000_000} MB.")
    return bytes(body)


def whole_completion(body: bytes, what: str, redact: tuple[str, ...]) -> Iterator[Delta]:
    """A JSON answer sent where a stream was asked for: its text, or why there is none."""
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        raise StreamBroken(not_json_message(what, body, "application/json", redact)) from None
    if isinstance(data, dict) and "error" in data and "choices" not in data:
        raise ServerError(server_error_message(what, data, redact))
    choices = data.get("choices") if isinstance(data, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    text = message.get("content") if isinstance(message, dict) else None
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    pieces = _whole_calls(calls, what)
    if text is None and pieces:
        text = ""
    if not isinstance(text, str):
        raise StreamBroken(
            f"{what} answered with JSON that is not a chat completion (no message "
            "text in its choices), where an event stream was asked for."
        )
    thought = delta_reasoning(_Fields(message))
    finish = finish_reason_of(first.get("finish_reason")) if isinstance(first, dict) else None
    yield Delta(text=text, reasoning=thought or "", tool_calls=pieces, finish_reason=finish)
    if (counts := usage_delta(data.get("usage"))) is not None:
        yield counts


def _whole_calls(calls: object, what: str) -> tuple[ToolCallPiece, ...]:
    """A whole answer's ``message.tool_calls``, numbered by position (they carry no index)."""
    if not isinstance(calls, list):
        return ()
    try:
        return tuple(_piece({**c, "index": i}) for i, c in enumerate(calls) if isinstance(c, dict))
    except TypeError:
        raise StreamBroken(f"{what} sent tool calls whose fields are not text.") from None


class _Fields:
    """A dict's keys as attributes (for ``delta_reasoning``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update({k: v for k, v in data.items() if isinstance(k, str)})


def choice_parts(choice: Any) -> tuple[str, str, bool]:
    """(text, reasoning, finished) of one streamed choice, a JSON object (openai-python
    v3.63.0 chat_completion_chunk.py ``Choice``); raises ``TypeError`` if malformed.

    Its tool calls and finish reason are read apart (``choice_calls``), only when sent."""
    if not isinstance(choice, dict):
        raise TypeError("a choice that is not an object")
    delta = choice.get("delta")
    if delta is None:
        return "", "", choice.get("finish_reason") is not None
    if not isinstance(delta, dict):
        raise TypeError("a delta that is not an object")
    text = delta.get("content")
    if text is not None and not isinstance(text, str):
        raise TypeError("content that is not text")
    thought = ""
    for name in DELTA_FIELDS:  # as ``reasoning.delta_reasoning``
        value = delta.get(name)
        if isinstance(value, str) and value:
            thought = value
            break
    return text or "", thought, choice.get("finish_reason") is not None


def choice_calls(choice: dict[str, Any]) -> tuple[ToolCallPiece, ...]:
    """The tool-call pieces of one streamed choice (``ChoiceDeltaToolCall``s in
    openai-python's chat_completion_chunk.py); ``TypeError`` if they are malformed."""
    delta = choice.get("delta")
    raw = delta.get("tool_calls") if isinstance(delta, dict) else None
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise TypeError("tool_calls that are not a list")
    return tuple(_piece(item) for item in raw)


def _piece(item: Any) -> ToolCallPiece:
    get = item.get if isinstance(item, dict) else lambda key: getattr(item, key, None)
    index = get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError("a tool call without an index")
    function = get("function")
    fget = function.get if isinstance(function, dict) else lambda key: getattr(function, key, None)
    fields = (get("id"), fget("name"), fget("arguments"))
    if any(value is not None and not isinstance(value, str) for value in fields):
        raise TypeError("a tool call whose id, name or arguments are not text")
    return ToolCallPiece(index, *fields)


def choice_finish(choice: dict[str, Any]) -> str | None:
    return finish_reason_of(choice.get("finish_reason"))


INTERRUPT_HINT = (
    "another request to it (another card, another tab, a model list) may have "
    "interrupted it: llama.cpp's server cuts a running answer for each new request "
    "unless started with `--interrupt_requests False`."
)


def server_name(stream: Any) -> str:
    response = getattr(stream, "response", None)
    return response.headers.get("server", "").lower() if response is not None else ""


def ended_early(what: str, events: int, server: str) -> StreamBroken:
    """The error for a stream that ended without a finish reason, after ``events`` events."""
    if events == 0:
        error: StreamBroken = EmptyStream(
            f"{what} answered, then sent nothing at all (not one event). {TOO_LONG_ADVICE} "
            "(llama.cpp answers like this when the history does not fit its context, and "
            "llama-cpp-python's chatml-function-calling when the tool choice is required.)"
        )
    else:
        # llama.cpp's C++ server names itself; llama-cpp-python's (uvicorn) does not.
        if "llama" in server:
            note = "This is a llama.cpp server: " + INTERRUPT_HINT
        else:
            note = "If it is a llama.cpp server (llama-cpp-python), " + INTERRUPT_HINT
        error = StreamBroken(
            f"{what} ended the stream before saying the answer was finished, so it may be "
            f"cut short. Retry to get a full answer. {note}"
        )
    error.status = 200
    return error
