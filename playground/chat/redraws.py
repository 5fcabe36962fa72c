"""How often a streaming card redraws: one budget shared by every streaming card of the process.

Each redraw of a streaming answer costs the app process the same however many
cards stream, and a process has one interpreter lock: 20 redraws a second per
card is plenty for one person's four cards and too much for sixteen people's
sixty-four. So the cards that are streaming share ``per_second`` redraws: each
waits ``interval()`` between its redraws, never less than ``fastest`` (20 a
second). The text each redraw carries is whatever has arrived, so fewer redraws
lose nothing; they only make the steps bigger.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

REDRAWS_PER_SECOND = 100.0  # for the whole process
FASTEST = 0.05  # seconds: at most 20 redraws a second per card


class RedrawBudget:
    """Thread-safe; one per app process (the UI keeps it in ``st.cache_resource``)."""

    def __init__(self, per_second: float = REDRAWS_PER_SECOND, fastest: float = FASTEST) -> None:
        self.per_second = per_second
        self.fastest = fastest
        self._lock = threading.Lock()
        self._following = 0

    @property
    def following(self) -> int:
        """How many cards are following a stream right now."""
        return self._following

    @contextlib.contextmanager
    def follow(self) -> Iterator[None]:
        """Count one more streaming card while the block runs."""
        with self._lock:
            self._following += 1
        try:
            yield
        finally:
            with self._lock:
                self._following -= 1

    def interval(self) -> float:
        """Seconds a streaming card waits between its redraws now."""
        return max(self.fastest, self._following / self.per_second)
