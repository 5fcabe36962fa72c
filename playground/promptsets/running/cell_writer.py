"""Writing a run's cells from a thread of its own (``CellWriter``), batch by batch."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from playground.errors import StoreError
from playground.promptsets.records import CellKey, CellResult, RunStatus


class CellSink(Protocol):
    """What the writer needs of ``playground.promptsets.store.RunStore``."""

    def write_cells(self, run_id: str, cells: Iterable[CellResult]) -> None: ...

    def set_status(self, run_id: str, status: RunStatus) -> None: ...


log = logging.getLogger(__name__)


_CLOSE = object()


class CellWriter:
    """Writes a run's cells from its own thread, as many as have arrived per transaction.

    ``put`` never blocks on the database. A ``StoreError`` is kept in
    ``last_error`` and the batch is tried again with the next one.
    """

    def __init__(self, store: CellSink, run_id: str) -> None:
        self._store = store
        self._run_id = run_id
        self.store, self.run_id = store, run_id
        # told which cells are saved (the runner then lets go of them)
        self.on_written: Callable[[list[CellResult]], None] | None = None
        self._queue: queue.Queue[object] = queue.Queue()
        self.last_error: StoreError | None = None
        self.written = 0
        self._thread = threading.Thread(target=self._loop, name="promptset-writer", daemon=True)
        self._thread.start()

    def put(self, cell: CellResult) -> None:
        self._queue.put(cell)

    def close(self, status: RunStatus | None = None, timeout: float = 30) -> None:
        """Write what is queued, then the run's status; wait for it."""
        self._queue.put((_CLOSE, status))
        self._thread.join(timeout)

    def _loop(self) -> None:
        pending: dict[CellKey, CellResult] = {}
        closing: tuple[object, RunStatus | None] | None = None
        while closing is None:
            item = self._queue.get()
            while True:
                if isinstance(item, tuple):
                    closing = item
                elif isinstance(item, CellResult):
                    pending[item.key] = item  # a later write of a cell wins
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            self._flush(pending)
        for _ in range(3):
            if not pending:
                break
            self._flush(pending)
        if closing[1] is not None:
            try:
                self._store.set_status(self._run_id, closing[1])
            except StoreError as exc:
                self.last_error = exc

    def _flush(self, pending: dict[CellKey, CellResult]) -> None:
        if not pending:
            return
        try:
            self._store.write_cells(self._run_id, pending.values())
        except StoreError as exc:
            self.last_error = exc
            log.warning("prompt-set cells not saved: %s", type(exc).__name__)
            return
        self.written += len(pending)
        self.last_error = None
        if self.on_written is not None:
            self.on_written(list(pending.values()))
        pending.clear()
