"""Page and card runs draw one at a time, in the order they asked, across the process.

Drawing is Python work under the GIL: sixteen page runs drawing at once take no
less time in all than one after another, but while they all hold out for the GIL,
the threads a person waits on (the prompt's callback starting an answer, the
answer's reader, the token route, the event loop sending what was drawn) get it
one slice in sixteen. So a run draws in its turn (``turn``): page and card runs
queue first come first served, and a run gives its turn up whenever it waits
(``released``: for an answer's next text or end, between Stop checks), so a
waiting run never holds another back. A turn is waited for at most
``MAX_WAIT`` seconds: a run that holds its turn long (a model list fetched from a
slow server while drawing) delays the others by that much at most, and past it
they draw together, as without turns.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MAX_WAIT = 0.25  # seconds a run waits for its turn before it draws anyway
LOOK_EVERY = 0.02  # seconds between a waiting run's looks at whether it was replaced


class Turns:
    """First come, first served turns to draw; re-entrant within a thread."""

    def __init__(self, max_wait: float = MAX_WAIT) -> None:
        self._max_wait = max_wait
        self._lock = threading.Lock()
        self._queue: deque[tuple[int, threading.Event]] = deque()  # waiting, in order
        self._holder: int | None = None
        self._held = threading.local()  # .depth: nested turns; .interrupt: see turn

    @contextmanager
    def turn(self, interrupt: Callable[[], None] | None = None) -> Iterator[None]:
        """Draw in this thread's turn (at once if it holds it already).

        ``interrupt`` is called while the run waits for its turn (and for each turn it
        takes again after ``released``), every ``LOOK_EVERY`` seconds: Streamlit's run
        yield check, which raises when the run is being stopped or replaced, so a run a
        person has already replaced (a second prompt) leaves the queue at once.
        """
        me = threading.get_ident()
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        prior = getattr(self._held, "interrupt", None)  # the run's, inside ``released``
        interrupt = interrupt or prior
        self._acquire(me, interrupt)
        self._held.depth, self._held.interrupt = 1, interrupt
        try:
            yield
        finally:
            self._held.depth, self._held.interrupt = 0, prior
            self._release(me)  # the turn it holds now, if any (see released)

    @contextmanager
    def released(self) -> Iterator[None]:
        """Give this thread's turn up while it waits (a ``turn`` inside takes a new one);
        take the turn again after."""
        depth = getattr(self._held, "depth", 0)
        if not depth:
            yield
            return
        me = threading.get_ident()
        self._held.depth = 0
        self._release(me)
        try:
            yield
        except BaseException:  # a stop or rerun ends the run: no new turn to wait for
            self._held.depth = depth
            raise
        self._acquire(me, self._held.interrupt)  # past MAX_WAIT it draws without one
        self._held.depth = depth

    def _acquire(self, me: int, interrupt: Callable[[], None] | None) -> None:
        """Wait for the turn, at most ``max_wait`` (then draw without it)."""
        with self._lock:
            if self._holder is None and not self._queue:
                self._holder = me
                return
            given = threading.Event()
            self._queue.append((me, given))
        deadline = time.monotonic() + self._max_wait
        try:
            while not given.wait(min(LOOK_EVERY, max(0.0, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    break
                if interrupt is not None:
                    interrupt()
            else:
                return
        except BaseException:
            self._leave(me, given)
            raise
        with self._lock:
            if not given.is_set():  # else it was handed over just as the wait ran out
                self._queue.remove((me, given))

    def _leave(self, me: int, given: threading.Event) -> None:
        """Leave the queue; a turn handed over meanwhile goes to the next in line."""
        with self._lock:
            if not given.is_set():
                self._queue.remove((me, given))
                return
        self._release(me)

    def _release(self, me: int) -> None:
        """Hand the turn to the first in line (only it wakes), if ``me`` holds it."""
        with self._lock:
            if self._holder != me:
                return
            self._holder = None
            if self._queue:
                self._holder, given = self._queue.popleft()
                given.set()


DRAWING = Turns()  # the process's one queue
