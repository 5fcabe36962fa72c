"""One chat completion as a plain iterator of deltas: open, retry, parse, map errors.

``DeltaStream`` asks the server for a streamed answer and yields ``Delta``s
(answer text, reasoning text, pieces of tool calls, the finish reason, the
server's token count). Everything that can go
wrong comes out of the iteration as the project's ``EndpointError``: a web page
where an API was expected, a malformed chunk, a stream that ends without saying
it is finished, a connection that breaks midway. It keeps no timing and
publishes nothing: that is the job of ``streaming.StreamJob``, which runs one
in a thread (as simonw/llm's ``Response`` iterates chunks apart from whoever
shows them).

Before the first token it asks again after a 429, a 503 or a transient
failure (``playground.retries`` says when and how often); a 429 or 503 is
first reported through ``on_push_back``, which waits for the endpoint's gate.

``close()`` may be called from another thread to stop the server generating.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import BaseModel

from playground import retries
from playground.answer_shapes import (
    Delta,
    choice_calls,
    choice_finish,
    choice_parts,
    content_type,
    ended_early,
    read_capped,
    server_name,
    usage_delta,
    whole_completion,
)
from playground.clients import Api, EndpointClient
from playground.endpoint_errors import (
    translate_errors,
    web_page_error,
)
from playground.errors import StreamBroken, Unreachable

# Told that the server pushed back (its Retry-After, if any); waits for a new turn on
# the endpoint's gate and says whether to ask again (False: the answer was stopped).
PushBack = Callable[[float | None], bool]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatRequest:
    """What one answer asks for: the model, the messages, and extra request fields."""

    model: str
    messages: list[dict[str, Any]]
    params: dict[str, Any] = field(default_factory=dict)  # max_tokens, sampling, ...
    include_usage: bool = True  # ask for stream_options.include_usage
    api: Api = "chat"  # chat.completions or responses (see ``open_deltas``)


class DeltaStream:
    """Iterate once to stream ``request`` from ``client``; see the module docstring."""

    def __init__(
        self,
        client: EndpointClient,
        request: ChatRequest,
        *,
        what: str = "The endpoint",
        on_usage_rejected: Callable[[], None] | None = None,
        on_push_back: PushBack | None = None,
    ) -> None:
        self._client = client
        self._request = request
        self._what = what
        self._on_usage_rejected = on_usage_rejected
        self._on_push_back = on_push_back
        self._lock = threading.Lock()
        self._stream: Any = None
        self._closed = False
        self._closing = threading.Event()  # wakes a backoff wait on close()
        self.opened = False  # the server accepted the request (the stream is open)
        self.received = False  # any text, reasoning or tool call arrived

    def close(self) -> None:
        """Close the HTTP stream (from any thread); iteration then ends."""
        with self._lock:
            self._closed = True
            stream, self._stream = self._stream, None
        self._closing.set()
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
        stream = self._open_with_retries()
        self.opened = True
        with self._lock:
            if self._closed:
                stream.close()
                return
            self._stream = stream
        kind = content_type(stream)
        if kind.startswith(("text/html", "application/xhtml")):
            raise web_page_error(self._what)
        if kind.startswith("application/json"):  # a whole answer, though a stream was asked
            for delta in whole_completion(
                read_capped(stream, self._what), self._what, self._client.secrets
            ):
                self.received = self.received or bool(
                    delta.text or delta.reasoning or delta.tool_calls
                )
                yield delta
            return
        finished = chunks = False
        for chunk in stream:
            chunks = True
            if not isinstance(chunk, BaseModel):
                raise TypeError("a chunk that is not an object")
            if (counts := usage_delta(getattr(chunk, "usage", None))) is not None:
                yield counts
            choices = getattr(chunk, "choices", None) or ()
            if not isinstance(choices, list | tuple):
                raise TypeError("choices that are not a list")
            for choice in choices:
                text, thought, done = choice_parts(choice)
                finished = finished or done
                calls = choice_calls(choice)
                if text or thought or calls:
                    self.received = True
                    yield Delta(text=text, reasoning=thought, tool_calls=calls)
                if done:
                    yield Delta(finish_reason=choice_finish(choice))
        if not finished and not self._closed:
            if not chunks:
                sent = kind.split(";")[0]
                if sent not in ("", "text/event-stream"):
                    raise StreamBroken(
                        f"{self._what} sent no answer: its response held no data events "
                        f"({sent}, not an event stream). Check that the baseURL points at "
                        "an OpenAI-compatible API."
                    )
            raise ended_early(self._what, 1 if chunks else 0, server_name(stream))

    def _open_with_retries(self) -> Any:
        """Open the stream, asking again after push-back or a transient failure (see above)."""
        retried = pushed = 0
        while True:
            try:
                return self._open()
            except (openai.APIStatusError, openai.APIConnectionError) as exc:
                status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
                response = getattr(exc, "response", None)
                server_says = retries.retry_after(response.headers if response else None)
                if self._closed:
                    raise
                if (
                    status in retries.PUSH_BACK_STATUSES
                    and self._on_push_back is not None
                    and pushed < retries.MAX_PUSH_BACKS
                ):
                    pushed += 1
                    if self._on_push_back(server_says) and not self._closed:
                        continue  # our turn came again under the lowered cap
                    raise
                transient = status is None or status in retries.RETRY_STATUSES
                if not transient or retried >= retries.MAX_RETRIES:
                    raise
                self._closing.wait(retries.backoff(retried, server_says))
                retried += 1
                if self._closed:
                    raise

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


def open_deltas(
    client: EndpointClient,
    request: ChatRequest,
    *,
    what: str = "The endpoint",
    on_usage_rejected: Callable[[], None] | None = None,
    on_push_back: PushBack | None = None,
) -> DeltaStream:
    """The stream of ``request``'s answer through the API it names: the card never
    needs to know which one answered (both yield the same ``Delta``s)."""
    if request.api == "responses":
        raise NotImplementedError("the Responses API stream is not built yet")
    return DeltaStream(
        client, request, what=what, on_usage_rejected=on_usage_rejected, on_push_back=on_push_back
    )
