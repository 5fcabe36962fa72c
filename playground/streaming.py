"""Streaming one answer into a ``Message`` from a background thread.

A ``StreamJob`` owns one HTTP stream. Its thread appends deltas to a buffer and
publishes the text into the target message at most every ``flush_interval``
seconds (so cost stays linear in the answer's length), then sets the final
status. The UI only *follows* a job (``wait_for_change`` + ``snapshot``), so a
Streamlit rerun never cuts a stream: the next run simply follows it again.

``cancel()`` never blocks: it marks the answer "stopped" at once, keeping its
partial text, and closes the HTTP stream from a helper thread so the server
stops generating. Whatever the stream thread sees after that is dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai

from playground.chat import Message, Metrics, Status
from playground.clients import auth_headers
from playground.errors import EndpointError, StreamBroken, Unreachable, translate_errors
from playground.reasoning import delta_reasoning, split_think

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    text: str  # the answer so far (reasoning taken out)
    version: int
    done: bool
    reasoning: str = ""
    thinking: bool = False  # the model is still reasoning


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


class StreamJob:
    """Streams ``model``'s answer to ``history`` into ``target``."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        history: list[dict[str, str]],
        target: Message,
        token: str | None,
        max_tokens: int | None = None,
        params: dict[str, Any] | None = None,
        include_usage: bool = True,
        on_usage_rejected: Callable[[], None] | None = None,
        gate: threading.Semaphore | None = None,
        what: str = "The endpoint",
        flush_interval: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._model = model
        self._history = history
        self._target = target
        self._headers = auth_headers(token)
        self._redact = [token] if token else []
        self._what = what
        self._extra: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        self._extra.update(params or {})  # the card's settings win over the endpoint default
        self._include_usage = include_usage
        self._on_usage_rejected = on_usage_rejected
        self._gate = gate
        self._usage_tokens: int | None = None
        self._last: float | None = None
        self._flush_interval = flush_interval
        self._clock = clock
        self._parts: list[str] = [target.content] if target.content else []
        self._reasoning_parts: list[str] = [target.reasoning] if target.reasoning else []
        self._text = target.content
        self._reasoning = target.reasoning
        self._thinking = False
        self._version = 0
        self._done = False
        self._chunks = 0
        self._first: float | None = None
        self.started_at: float | None = None  # clock() when the request was sent
        self._cancelled = threading.Event()
        self._cond = threading.Condition()
        self._stream: Any = None
        self._thread = threading.Thread(target=self._run, name="playground-stream", daemon=True)

    # -- control -------------------------------------------------------
    def start(self) -> StreamJob:
        self._target.status = "streaming"
        self.started_at = self._clock()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop the answer now; the partial text is kept. Never blocks."""
        if self._cancelled.is_set():
            return
        self._cancelled.set()
        self._finish("stopped", None)
        threading.Thread(target=self._close_stream, name="playground-stop", daemon=True).start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    # -- following -----------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done

    @property
    def message(self) -> Message:
        return self._target

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snap()

    def _snap(self) -> Snapshot:
        return Snapshot(self._text, self._version, self._done, self._reasoning, self._thinking)

    def wait_for_change(self, seen_version: int, timeout: float) -> Snapshot:
        """Block until the text changes past ``seen_version``, the job ends, or timeout."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._version != seen_version or self._done, timeout=timeout
            )
            return self._snap()

    # -- internals -----------------------------------------------------
    def _split(self, final: bool) -> None:
        """Join the deltas so far into the answer and the reasoning (``<think>`` or fields)."""
        raw = "".join(self._parts)
        self._parts = [raw] if raw else []
        fields = "".join(self._reasoning_parts)
        self._reasoning_parts = [fields] if fields else []
        split = split_think(raw, final=final)
        self._text = split.answer
        self._reasoning = "\n\n".join(r for r in (fields.strip(), split.reasoning) if r)
        self._thinking = split.thinking or (bool(fields) and not split.answer and not final)
        self._target.content = self._text
        self._target.reasoning = self._reasoning

    def _publish(self) -> None:
        with self._cond:
            if self._done:
                return
            self._split(final=False)
            self._version += 1
            self._cond.notify_all()

    def _finish(self, status: Status, error: str | None) -> None:
        """Publish the final text, figures and status, once."""
        with self._cond:
            if self._done:
                return
            end = self._clock()
            started = self.started_at if self.started_at is not None else end
            self._split(final=True)
            target = self._target
            target.metrics = Metrics(
                ttft_s=(self._first - started) if self._first is not None else None,
                last_token_s=(self._last - started) if self._last is not None else None,
                total_s=end - started,
                output_tokens=self._usage_tokens
                if self._usage_tokens is not None
                else self._chunks,
                tokens_estimated=self._usage_tokens is None,
            )
            target.error = error
            target.status = status
            self._version += 1
            self._done = True
            self._cond.notify_all()

    def _close_stream(self) -> None:
        with self._cond:
            stream = self._stream
            self._stream = None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing may race the reader; the stream is gone either way
                log.debug("closing the stream failed", exc_info=True)

    def _open(self) -> Any:
        """Open the stream, asking for usage; without it if the server rejects the option."""

        def create(**options: Any) -> Any:
            return self._client.chat.completions.create(
                model=self._model,
                messages=self._history,  # type: ignore[arg-type]
                stream=True,
                extra_headers=self._headers,
                **self._extra,
                **options,
            )

        if not self._include_usage:
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

    def _wait_for_gate(self) -> bool:
        """Wait for a free slot on the endpoint (unless cancelled); whether we got one."""
        if self._gate is None:
            return False
        while not self._gate.acquire(timeout=0.2):
            if self._cancelled.is_set():
                return False
        return True

    def _run(self) -> None:
        holding = self._wait_for_gate()
        try:
            if not self._cancelled.is_set():
                self._stream_answer()
        finally:
            if holding and self._gate is not None:
                self._gate.release()

    def _stream_answer(self) -> None:
        last_flush = self._clock()
        status: Status = "done"
        error: str | None = None
        try:
            with translate_errors(self._what, redact=self._redact):
                stream = self._open()
                with self._cond:
                    self._stream = stream
                _check_content_type(stream, self._what)
                finished = False
                for chunk in stream:
                    if self._cancelled.is_set():
                        break
                    usage = getattr(chunk, "usage", None)
                    if usage is not None and isinstance(usage.completion_tokens, int):
                        self._usage_tokens = usage.completion_tokens
                    for choice in chunk.choices or ():
                        finished = finished or choice.finish_reason is not None
                        delta = choice.delta.content if choice.delta else None
                        thought = delta_reasoning(choice.delta) if choice.delta else None
                        if delta or thought:
                            self._last = self._clock()
                            if self._first is None:
                                self._first = self._last
                            self._chunks += 1
                        if delta:
                            self._parts.append(delta)
                        if thought:
                            self._reasoning_parts.append(thought)
                    now = self._clock()
                    if now - last_flush >= self._flush_interval:
                        last_flush = now
                        self._publish()
                if not finished and not self._cancelled.is_set():
                    raise StreamBroken(
                        f"{self._what} ended the stream before saying the answer was "
                        "finished, so it may be cut short. Retry to get a full answer."
                    )
        except EndpointError as exc:
            status = "error"
            if isinstance(exc, Unreachable) and self._first is not None:
                exc = StreamBroken(
                    "The connection broke before the answer was complete. "
                    "The partial answer is kept; retry to get a full one."
                )
            error = exc.message
        except Exception as exc:  # a bug or an SDK surprise must not kill the card
            log.warning("stream failed unexpectedly: %s", type(exc).__name__)
            status = "error"
            error = f"The answer failed unexpectedly ({type(exc).__name__})."
        finally:
            self._close_stream()
            # After cancel() this is a no-op: the answer was already marked stopped.
            self._finish(status, error)
