"""What every answer stream shares, whichever API it goes through.

``AnswerStream`` is the base of ``deltas.DeltaStream`` (Chat Completions) and
``responses_stream.ResponseStream`` (Responses): it opens the stream, asking again
after push-back or a transient failure (``playground.endpoints.retries`` says when and how
often; a 429 or 503 is first reported through ``on_push_back``, which waits for the
endpoint's gate), maps every failure to the project's ``EndpointError`` while it is
iterated, and lets ``close()`` stop it from another thread. A subclass says how to
open (``_open``) and how to read (``_deltas``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openai

from playground.chat.answer_shapes import Delta, content_type
from playground.endpoints import retries
from playground.endpoints.clients import Api, EndpointClient
from playground.endpoints.errors import translate_errors, web_page_error
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
    api: Api = "chat"  # chat.completions or responses (see ``deltas.open_deltas``)


class AnswerStream:
    """Iterate once to stream ``request`` from ``client``; see the module docstring."""

    def __init__(
        self,
        client: EndpointClient,
        request: ChatRequest,
        *,
        what: str = "The endpoint",
        on_push_back: PushBack | None = None,
    ) -> None:
        self._client = client
        self._request = request
        self._what = what
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
        raise NotImplementedError

    def _open(self) -> Any:
        raise NotImplementedError

    def _opened(self) -> tuple[Any, str] | None:
        """The open stream, kept for ``close()``, and its content type; None if closed
        meanwhile. A web page where the API was expected is refused here."""
        stream = self._open_with_retries()
        self.opened = True
        with self._lock:
            if self._closed:
                stream.close()
                return None
            self._stream = stream
        kind = content_type(stream)
        if kind.startswith(("text/html", "application/xhtml")):
            raise web_page_error(self._what)
        return stream, kind

    def _noted(self, delta: Delta) -> Delta:
        """``delta``, noting whether any of the answer has arrived (``received``)."""
        self.received = self.received or bool(delta.text or delta.reasoning or delta.tool_calls)
        return delta

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
