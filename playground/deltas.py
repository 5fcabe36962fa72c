"""One chat completion as a plain iterator of deltas: open, retry, parse, map errors.

``DeltaStream`` asks the server for a streamed answer and yields ``Delta``s
(answer text, reasoning text, the server's token count). Everything that can go
wrong comes out of the iteration as the project's ``EndpointError``: a web page
where an API was expected, a malformed chunk, a stream that ends without saying
it is finished, a connection that breaks midway. It keeps no timing and
publishes nothing: that is the job of ``streaming.StreamJob``, which runs one
in a thread (as simonw/llm's ``Response`` iterates chunks apart from whoever
shows them).

``close()`` may be called from another thread to stop the server generating.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openai

from playground.clients import EndpointClient
from playground.endpoint_errors import translate_errors
from playground.errors import EmptyStream, StreamBroken, Unreachable
from playground.reasoning import delta_reasoning
from playground.server_answers import TOO_LONG_ADVICE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delta:
    """A piece of the answer: text, reasoning, or the server's count of output tokens."""

    text: str = ""
    reasoning: str = ""
    usage_tokens: int | None = None


@dataclass(frozen=True)
class ChatRequest:
    """What one answer asks for: the model, the messages, and extra request fields."""

    model: str
    messages: list[dict[str, str]]
    params: dict[str, Any] = field(default_factory=dict)  # max_tokens, sampling, ...
    include_usage: bool = True  # ask for stream_options.include_usage


def _check_content_type(stream: Any, what: str) -> None:
    """A web page (a proxy's login page, a wrong path) is not an event stream."""
    response = getattr(stream, "response", None)
    kind = response.headers.get("content-type", "") if response is not None else ""
    if kind.startswith("text/html"):
        raise StreamBroken(
            f"{what} answered with a web page instead of an API response. Check the "
            "baseURL: it should point at the API itself, including a version segment "
            "such as /v1 (a sign-in page or proxy in front of the server shows up like this)."
        )


INTERRUPT_HINT = (
    "another request to it (another card, another tab, a model list) may have "
    "interrupted it: llama.cpp's server cuts a running answer for each new request "
    "unless started with `--interrupt_requests False`."
)


def _server_name(stream: Any) -> str:
    response = getattr(stream, "response", None)
    return response.headers.get("server", "").lower() if response is not None else ""


def ended_early(what: str, events: int, server: str) -> StreamBroken:
    """The error for a stream that ended without a finish reason, after ``events`` events."""
    if events == 0:
        error: StreamBroken = EmptyStream(
            f"{what} answered, then sent nothing at all (not one event). {TOO_LONG_ADVICE} "
            "(llama.cpp answers like this when the history does not fit its context.)"
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


class DeltaStream:
    """Iterate once to stream ``request`` from ``client``; see the module docstring."""

    def __init__(
        self,
        client: EndpointClient,
        request: ChatRequest,
        *,
        what: str = "The endpoint",
        on_usage_rejected: Callable[[], None] | None = None,
    ) -> None:
        self._client = client
        self._request = request
        self._what = what
        self._on_usage_rejected = on_usage_rejected
        self._lock = threading.Lock()
        self._stream: Any = None
        self._closed = False
        self.received = False  # any text or reasoning arrived

    def close(self) -> None:
        """Close the HTTP stream (from any thread); iteration then ends."""
        with self._lock:
            self._closed = True
            stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing may race the reader; the stream is gone either way
                log.debug("closing the stream failed", exc_info=True)

    def __iter__(self) -> Iterator[Delta]:
        try:
            with translate_errors(
                self._what, redact=self._client.secrets, token_sent=bool(self._client.secrets)
            ):
                yield from self._deltas()
        except Unreachable:
            if not self.received:
                raise
            raise StreamBroken(
                "The connection broke before the answer was complete. "
                "The partial answer is kept; retry to get a full one."
            ) from None
        finally:
            self.close()

    def _deltas(self) -> Iterator[Delta]:
        stream = self._open()
        with self._lock:
            if self._closed:
                stream.close()
                return
            self._stream = stream
        _check_content_type(stream, self._what)
        finished = False
        events = 0
        for chunk in stream:
            events += 1
            usage = getattr(chunk, "usage", None)
            if usage is not None and isinstance(usage.completion_tokens, int):
                yield Delta(usage_tokens=usage.completion_tokens)
            for choice in chunk.choices or ():
                finished = finished or choice.finish_reason is not None
                text = (choice.delta.content if choice.delta else None) or ""
                thought = (delta_reasoning(choice.delta) if choice.delta else None) or ""
                if text or thought:
                    self.received = True
                    yield Delta(text=text, reasoning=thought)
        if not finished and not self._closed:
            raise ended_early(self._what, events, _server_name(stream))

    def _open(self) -> Any:
        """Open the stream, asking for usage; without it if the server rejects the option."""
        request = self._request

        def create(**options: Any) -> Any:
            return self._client.create_chat_stream(
                model=request.model,
                messages=request.messages,
                **request.params,
                **options,
            )

        if not request.include_usage:
            return create()
        try:
            return create(stream_options={"include_usage": True})
        except openai.APIStatusError as exc:
            if exc.status_code not in (400, 422):
                raise
            # Some servers reject stream_options: ask again without it; counts
            # are then estimated from the stream.
            stream = create()
            if self._on_usage_rejected is not None:
                self._on_usage_rejected()
            return stream
