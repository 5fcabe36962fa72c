"""One chat completion as a plain iterator of deltas: open, retry, parse, map errors.

``DeltaStream`` asks the server for a streamed answer and yields ``Delta``s
(answer text, reasoning text, pieces of tool calls, the finish reason, the
server's token count). The chunks come as plain JSON values from the SDK's raw
response (``raw_events``), never as SDK models. Everything that can go
wrong comes out of the iteration as the project's ``EndpointError``: a web page
where an API was expected, a malformed chunk, a stream that ends without saying
it is finished, a connection that breaks midway. It keeps no timing and
publishes nothing: that is the job of ``streaming.StreamJob``, which runs one
in a thread (as simonw/llm's ``Response`` iterates chunks apart from whoever
shows them).

Before the first token it asks again after a 429, a 503 or a transient
failure, and ``close()`` may be called from another thread to stop the server
generating: both come from ``answer_stream.AnswerStream``, which the Responses
API's stream (``responses_stream.ResponseStream``) shares. ``open_deltas`` picks
the stream by the request's API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import openai

from playground.chat.answer_shapes import (
    Delta,
    choice_calls,
    choice_finish,
    choice_parts,
    ended_early,
    read_capped,
    server_name,
    usage_delta,
    whole_completion,
)
from playground.chat.answer_stream import AnswerStream, ChatRequest, PushBack
from playground.chat.responses.stream import ResponseStream
from playground.endpoints.clients import EndpointClient
from playground.errors import StreamBroken

__all__ = ["ChatRequest", "DeltaStream", "PushBack", "open_deltas"]


class DeltaStream(AnswerStream):
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
        super().__init__(client, request, what=what, on_push_back=on_push_back)
        self._on_usage_rejected = on_usage_rejected

    def _deltas(self) -> Iterator[Delta]:
        opened = self._opened()
        if opened is None:
            return
        stream, kind = opened
        if kind.startswith("application/json"):  # a whole answer, though a stream was asked
            for delta in whole_completion(
                read_capped(stream, self._what), self._what, self._client.secrets
            ):
                yield self._noted(delta)
            return
        finished = chunks = False
        for chunk in stream:
            chunks = True
            if not isinstance(chunk, dict):
                raise TypeError("a chunk that is not an object")
            if (counts := usage_delta(chunk.get("usage"))) is not None:
                yield counts
            choices = chunk.get("choices") or ()
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
) -> AnswerStream:
    """The stream of ``request``'s answer through the API it names: the card never
    needs to know which one answered (both yield the same ``Delta``s)."""
    if request.api == "responses":
        return ResponseStream(client, request, what=what, on_push_back=on_push_back)
    return DeltaStream(
        client, request, what=what, on_usage_rejected=on_usage_rejected, on_push_back=on_push_back
    )
