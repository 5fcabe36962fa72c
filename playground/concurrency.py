"""Per-endpoint caps on concurrent requests, shared by every session of the app.

A synced prompt to eight cards on one endpoint would otherwise open eight
streams at once and may trip the server's rate limit; with a cap the extra
answers wait their turn (their card shows that it is waiting).
"""

from __future__ import annotations

import threading


class EndpointGates:
    """One bounded semaphore per base URL; thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._gates: dict[str, threading.BoundedSemaphore] = {}

    def gate(self, base_url: str) -> threading.BoundedSemaphore:
        with self._lock:
            gate = self._gates.get(base_url)
            if gate is None:
                gate = self._gates[base_url] = threading.BoundedSemaphore(self.limit)
            return gate
