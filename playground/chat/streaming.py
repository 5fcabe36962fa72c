"""Streaming one answer into a ``Message`` from a background thread.

A ``StreamJob`` runs one ``deltas`` stream (which opens, retries, parses and maps
errors, for either API) in its own thread, times it, keeps what comes in an
``answer_buffer.AnswerBuffer`` and publishes the text and tool calls into the target
message at most every ``flush_interval`` seconds (so cost stays linear in the answer's
length; a follower publishes what a stalled stream left), then sets the final status
and figures. The UI only *follows*
a job (``wait_for_change`` + ``snapshot``): a rerun never cuts a stream.

``cancel()`` never blocks: it marks the answer "stopped" at once, keeping its partial
text and calls, and closes the HTTP stream from a helper thread (what comes after, goes).

``on_finish(job)`` runs once the answer has its final status, never in the thread
that called ``cancel()``: the workspace is saved there at once. A job no one has
followed for ``unfollowed_after`` seconds stops itself: nobody would see the rest.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from playground.chat.answer_buffer import AnswerBuffer, Snapshot
from playground.chat.deltas import ChatRequest, open_deltas
from playground.chat.metrics import Metrics, StreamCounts, answer_metrics, priced
from playground.endpoints.clients import Api, EndpointClient
from playground.endpoints.concurrency import AdaptiveGate, Slot
from playground.endpoints.errors import log_failure
from playground.errors import EndpointError
from playground.workspace.types import Message, Status

log = logging.getLogger(__name__)


class StreamJob:
    """Streams ``model``'s answer to ``history`` into ``target``."""

    def __init__(
        self,
        client: EndpointClient,
        *,
        model: str,
        history: list[dict[str, Any]],
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
        on_finish: Callable[[StreamJob], None] | None = None,
        unfollowed_after: float | None = None,
        api: Api = "chat",
    ) -> None:
        extra: dict[str, Any] = {"max_tokens": max_tokens} if max_tokens else {}
        extra.update(params or {})  # the card's settings win over the endpoint default
        self._deltas = open_deltas(
            client,
            ChatRequest(model, history, extra, include_usage, api),
            what=what,
            on_usage_rejected=on_usage_rejected,
            on_push_back=self._pushed_back if gate is not None else None,
        )
        self._target = target
        self._what = what
        self._gate = gate
        self._slot: Slot | None = None  # our place on the endpoint's gate, while we hold one
        self._on_finish = on_finish
        self._unfollowed_after = unfollowed_after
        self.followed_at = clock()  # clock() when someone last looked at the answer
        self.failure: EndpointError | None = None  # why it failed, if it did
        self._ended = threading.Event()  # set once on_finish has run
        self._history = history
        self._cost = cost  # the answer's (dollars, estimated) from its figures (pricing.py)
        self._flush_interval = flush_interval
        self._clock = clock
        self._buffer = AnswerBuffer(target)  # what came; joined into target when published
        self._flushed_at = clock()  # clock() when the answer was last published
        self._version = 0
        self._done = False
        self._counts = StreamCounts()  # first/last token times, chunks, the server's usage
        self.started_at: float | None = None  # clock() when the request was sent
        self._cancelled = threading.Event()
        self._cond = threading.Condition()
        self._watchers: list[Callable[[], None]] = []  # called at each publish (watch)
        self._thread = threading.Thread(target=self._run, name="playground-stream", daemon=True)

    # -- control -------------------------------------------------------
    def start(self) -> StreamJob:
        self._target.status = "streaming"
        self.started_at = self._clock()
        self._thread.start()
        return self

    def cancel(self, reason: str | None = None) -> None:
        """Stop the answer now (``reason`` is shown under it); its text is kept. Never blocks."""
        if self._cancelled.is_set():
            return
        self._cancelled.set()
        finished = self._finish("stopped", reason)

        def close_and_end() -> None:
            self._deltas.close()
            if finished:
                self._end()

        threading.Thread(target=close_and_end, name="playground-stop", daemon=True).start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the stream thread and for ``on_finish`` to have run."""
        self._thread.join(timeout)
        self._ended.wait(timeout)

    # -- following -----------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done

    @property
    def ended(self) -> bool:
        """Done, and ``on_finish`` has run."""
        return self._ended.is_set()

    @property
    def message(self) -> Message:
        return self._target

    @property
    def version(self) -> int:
        """Bumped at each publish: a reader compares it before taking a ``snapshot``."""
        return self._version

    def snapshot(self) -> Snapshot:
        with self._cond:
            self.followed_at = self._clock()
            return self._snap()

    def _snap(self) -> Snapshot:
        return self._buffer.snapshot(self._version, self._done)

    def wait_for_change(self, seen_version: int, timeout: float) -> Snapshot:
        """Block until the text changes past ``seen_version``, the job ends, or timeout.
        Pieces a stalled stream left unpublished (the stream thread publishes only as
        pieces come) are published here once ``flush_interval`` has passed."""
        with self._cond:
            self.followed_at = self._clock()
            end = time.monotonic() + timeout
            while self._version == seen_version and not self._done:
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(min(left, self._flush_interval))
                if (
                    self._buffer.pending
                    and self._clock() - self._flushed_at >= self._flush_interval
                ):
                    self._publish_locked()
            self.followed_at = self._clock()
            return self._snap()

    def watch(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` (on the stream's thread: it must not block) at each publish and
        at the end, so a reader on an event loop need not poll; returns the unwatch."""
        with self._cond:
            self._watchers.append(wake)

        def unwatch() -> None:
            with self._cond, contextlib.suppress(ValueError):
                self._watchers.remove(wake)

        return unwatch

    def _wake_watchers(self) -> None:
        for wake in self._watchers:  # each must not raise (channel_route's does not)
            wake()

    def unfollowed(self) -> bool:
        """Whether no one has followed this answer for ``unfollowed_after`` seconds."""
        limit = self._unfollowed_after
        return limit is not None and self._clock() - self.followed_at > limit

    # -- internals -----------------------------------------------------
    def _publish(self) -> None:
        with self._cond:
            self._publish_locked()

    def _publish_locked(self) -> None:
        if self._done:
            return
        self._buffer.split(final=False)
        self._flushed_at = self._clock()
        self._version += 1
        self._cond.notify_all()
        self._wake_watchers()

    def _finish(self, status: Status, error: str | None) -> bool:
        """Publish the final text, figures and status, once; whether this call did."""
        with self._cond:
            if self._done:
                return False
            end = self._clock()
            started = self.started_at if self.started_at is not None else end
            self._buffer.split(final=True)
            target = self._target
            target.metrics = answer_metrics(self._counts, started, end, self._history)
            priced(target.metrics, self._cost)
            target.error = error
            target.status = status
            self._version += 1
            self._done = True
            self._cond.notify_all()
            self._wake_watchers()
            return True

    def _end(self) -> None:
        """Run ``on_finish`` (once, after the final status is set)."""
        try:
            if self._on_finish is not None:
                self._on_finish(self)
        except Exception:  # saving must not kill the thread; the autosave timer retries
            log.exception("on_finish failed")
        finally:
            self._ended.set()

    def _pushed_back(self, retry_after: float | None) -> bool:
        """The server answered 429/503: tell the gate, give our slot back and wait for a
        new one under the lowered cap; whether to ask again (False: we were stopped)."""
        assert self._gate is not None
        self._slot = self._gate.requeue(self._slot, retry_after, self._cancelled)
        return self._slot is not None

    def _wait_for_gate(self) -> Slot | None:
        """Wait for our turn on the endpoint's gate; None if stopped meanwhile (an answer
        no page follows stops itself while it waits, too)."""
        assert self._gate is not None
        while True:
            slot = self._gate.acquire(self._cancelled, timeout=0.2)
            if slot is not None or self._cancelled.is_set():
                return slot
            if self.unfollowed():
                self._stop_unfollowed()

    def _stop_unfollowed(self) -> None:
        limit = self._unfollowed_after
        self.cancel(f"Stopped: no page followed this answer for {limit:g} s. Its text is kept.")

    def _run(self) -> None:
        if self._gate is not None:
            self._slot = self._wait_for_gate()
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
        status: Status = "done"
        error: str | None = None
        try:
            for delta in self._deltas:
                if self.unfollowed():
                    self._stop_unfollowed()
                if self._cancelled.is_set():
                    break
                self._counts.take_usage(delta)
                with self._cond:  # a follower may publish a stall's pieces meanwhile
                    carried = self._buffer.take(delta)
                if carried:
                    self._counts.last = self._clock()
                    if self._counts.first is None:
                        self._counts.first = self._counts.last
                    self._counts.chunks += 1
                first_text = carried and self._counts.chunks == 1  # shown at once
                if first_text or self._clock() - self._flushed_at >= self._flush_interval:
                    self._publish()
        except EndpointError as exc:
            status, error = "error", exc.message
            if not self._cancelled.is_set():
                self.failure = exc
                log_failure(self._what, exc)
        except Exception as exc:  # a bug or an SDK surprise must not kill the card
            log_failure(self._what, exc)
            status, error = "error", f"The answer failed unexpectedly ({type(exc).__name__})."
        finally:
            self._deltas.close()
            # After cancel() this is a no-op: the answer was already marked stopped.
            if self._finish(status, error):
                self._end()
