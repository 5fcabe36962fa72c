"""Per-endpoint concurrency that adapts to the server, shared by every session of the app.

No cap at first: a synced prompt to eight cards on one endpoint opens eight
streams at once, so it takes as long as one answer. When the server pushes back
(429 Too Many Requests or 503 Service Unavailable before any text), the gate
learns a cap: half the requests it had in flight, and no new request until the
server's ``Retry-After`` has passed. The refused request waits its turn under
that cap and asks again. Each answer the server then accepts raises the cap by
one (additive increase, multiplicative decrease, as TCP does), so a server
that was only briefly busy soon gets full fan-out again.

A push-back from requests that were already in flight when the cap was last
lowered does not lower it again: one burst halves the cap once, not once per
refused request. ``max_concurrent_per_endpoint`` in ``[limits]`` is an optional
hard cap on top (none by default).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_RETRY_AFTER = 60.0  # seconds; a longer Retry-After is taken as this
_POLL = 0.2  # seconds between checks of the caller's "cancelled" while waiting


@dataclass(frozen=True)
class Slot:
    """One request's place on the gate; ``epoch`` is the gate's epoch when it was given."""

    epoch: int


class AdaptiveGate:
    """The concurrency of one endpoint (see the module docstring); thread-safe."""

    def __init__(
        self, hard_cap: int | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.hard_cap = hard_cap
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._learned: int | None = None  # the cap learned from push-back; None: none
        self._epoch = 0  # bumped each time the cap is lowered
        self._paused_until = 0.0
        self.push_backs = 0  # how many times the server pushed back (for figures and tests)

    # -- what it is now ------------------------------------------------------
    @property
    def limit(self) -> int | None:
        """How many requests may be in flight now; None: no cap."""
        caps = [c for c in (self._learned, self.hard_cap) if c is not None]
        return min(caps) if caps else None

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def _free(self, now: float) -> bool:
        limit = self.limit
        return now >= self._paused_until and (limit is None or self._in_flight < limit)

    # -- taking and giving back a slot ----------------------------------------
    def acquire(
        self, cancelled: threading.Event | None = None, timeout: float | None = None
    ) -> Slot | None:
        """Wait for a slot; None if ``cancelled`` was set first or ``timeout`` passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if cancelled is not None and cancelled.is_set():
                    return None
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                now = self._clock()
                if self._free(now):
                    self._in_flight += 1
                    return Slot(self._epoch)
                wait = _POLL
                if now < self._paused_until:
                    wait = min(wait, self._paused_until - now)
                self._cond.wait(max(wait, 0.001))

    def release(self, slot: Slot, *, accepted: bool) -> None:
        """Give the slot back; ``accepted``: the server took the request (the cap grows by one)."""
        del slot
        with self._cond:
            self._in_flight -= 1
            if accepted and self._learned is not None:
                self._learned += 1
                if self.hard_cap is not None and self._learned >= self.hard_cap:
                    self._learned = None  # back to the hard cap alone
            self._cond.notify_all()

    def requeue(
        self, slot: Slot | None, retry_after: float | None, cancelled: threading.Event
    ) -> Slot | None:
        """The request holding ``slot`` was refused (429/503): count the push-back, give
        the slot back, and wait for a new one under the lowered cap (None: cancelled)."""
        if slot is not None:
            self.push_back(slot, retry_after)
            self.release(slot, accepted=False)
        return self.acquire(cancelled)

    def push_back(self, slot: Slot, retry_after: float | None) -> None:
        """The server refused the request holding ``slot`` (429 or 503); call before release."""
        with self._cond:
            self.push_backs += 1
            if slot.epoch == self._epoch:  # the first refusal of this burst halves the cap
                self._learned = max(1, self._in_flight // 2)
                self._epoch += 1
            if retry_after is not None and retry_after > 0:
                until = self._clock() + min(retry_after, MAX_RETRY_AFTER)
                self._paused_until = max(self._paused_until, until)
            self._cond.notify_all()


class EndpointGates:
    """One ``AdaptiveGate`` per base URL; thread-safe."""

    def __init__(self, hard_cap: int | None = None) -> None:
        self.hard_cap = hard_cap
        self._lock = threading.Lock()
        self._gates: dict[str, AdaptiveGate] = {}

    def gate(self, base_url: str) -> AdaptiveGate:
        with self._lock:
            gate = self._gates.get(base_url)
            if gate is None:
                gate = self._gates[base_url] = AdaptiveGate(self.hard_cap)
            return gate
