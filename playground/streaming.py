"""Streaming one answer into a ``Message`` from a background thread.

A ``StreamJob`` runs one ``deltas.DeltaStream`` (which opens, retries, parses
and maps errors) in its own thread, times it, and publishes the text into the
target message at most every ``flush_interval`` seconds (so cost stays linear
in the answer's length), then sets the final status and figures. The UI only
*follows* a job (``wait_for_change`` + ``snapshot``), so a Streamlit rerun
never cuts a stream: the next run simply follows it again.

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

from playground.clients import EndpointClient
from playground.concurrency import AdaptiveGate, Slot
from playground.deltas import ChatRequest, DeltaStream
from playground.errors import EndpointError
from playground.reasoning import split_think
from playground.tokens import estimate_tokens
from playground.workspace import Message, Metrics, Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    text: str  # the answer so far (reasoning taken out)
    version: int
    done: bool
    reasoning: str = ""
    thinking: bool = False  # the model is still reasoning


class StreamJob:
    """Streams ``model``'s answer to ``history`` into ``target``."""

    def __init__(
        self,
        client: EndpointClient,
        *,
        model: str,
        history: list[dict[str, str]],
        target: Message,
        max_tokens: int | None = None,
        params: dict[str, Any] | None = None,
        include_usage: bool = True,
        on_usage_rejected: Callable[[], None] | None = None,
        gate: AdaptiveGate | None = None,
        cost: Callable[[Metrics], tuple[float, bool] | None] | None = None,
        what: str = "The endpoint",
        flush_interval: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        extra: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        extra.update(params or {})  # the card's settings win over the endpoint default
        self._deltas = DeltaStream(
            client,
            ChatRequest(model, history, extra, include_usage),
            what=what,
            on_usage_rejected=on_usage_rejected,
            on_push_back=self._pushed_back if gate is not None else None,
        )
        self._target = target
        self._gate = gate
        self._slot: Slot | None = None  # our place on the endpoint's gate, while we hold one
        self._usage_tokens: int | None = None
        self._prompt_tokens: int | None = None
        self._history = history
        self._cost = cost  # the answer's (dollars, estimated) from its figures (pricing.py)
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
        threading.Thread(target=self._deltas.close, name="playground-stop", daemon=True).start()

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
                input_tokens=self._prompt_tokens
                if self._prompt_tokens is not None
                else estimate_tokens(self._history),
            )
            self._price(target.metrics)
            target.error = error
            target.status = status
            self._version += 1
            self._done = True
            self._cond.notify_all()

    def _price(self, metrics: Metrics) -> None:
        if self._cost is None:
            return
        try:
            cost = self._cost(metrics)
        except Exception:  # a price lookup must never lose the answer
            log.warning("could not price an answer", exc_info=True)
            return
        if cost is not None:
            metrics.cost_usd, metrics.cost_estimated = cost

    def _pushed_back(self, retry_after: float | None) -> bool:
        """The server answered 429/503: tell the gate, give our slot back and wait for a
        new one under the lowered cap; whether to ask again (False: we were stopped)."""
        assert self._gate is not None
        if self._slot is not None:
            self._gate.push_back(self._slot, retry_after)
            self._gate.release(self._slot, accepted=False)
        self._slot = self._gate.acquire(self._cancelled)
        return self._slot is not None

    def _run(self) -> None:
        if self._gate is not None:
            self._slot = self._gate.acquire(self._cancelled)
            if self._slot is None:  # stopped while waiting for its turn
                return
        try:
            if not self._cancelled.is_set():
                self._stream_answer()
        finally:
            if self._gate is not None and self._slot is not None:
                self._gate.release(self._slot, accepted=self._deltas.opened)
                self._slot = None

    def _stream_answer(self) -> None:
        last_flush = self._clock()
        status: Status = "done"
        error: str | None = None
        try:
            for delta in self._deltas:
                if self._cancelled.is_set():
                    break
                if delta.usage_tokens is not None:
                    self._usage_tokens = delta.usage_tokens
                    self._prompt_tokens = delta.prompt_tokens
                if delta.text or delta.reasoning:
                    self._last = self._clock()
                    if self._first is None:
                        self._first = self._last
                    self._chunks += 1
                    if delta.text:
                        self._parts.append(delta.text)
                    if delta.reasoning:
                        self._reasoning_parts.append(delta.reasoning)
                now = self._clock()
                if now - last_flush >= self._flush_interval:
                    last_flush = now
                    self._publish()
        except EndpointError as exc:
            status, error = "error", exc.message
        except Exception as exc:  # a bug or an SDK surprise must not kill the card
            log.warning("stream failed unexpectedly: %s", type(exc).__name__)
            status = "error"
            error = f"The answer failed unexpectedly ({type(exc).__name__})."
        finally:
            self._deltas.close()
            # After cancel() this is a no-op: the answer was already marked stopped.
            self._finish(status, error)
