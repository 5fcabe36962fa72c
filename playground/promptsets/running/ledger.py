"""What a run knows of each of its answers while it runs, in a few bytes an answer.

A run of 10,000 prompts × 4 cards × 3 runs has 120,000 answers: their results go to
the store as they arrive (``CellWriter``) and only this ledger stays in memory (one
status byte and one "judged" byte an answer, about 240 kB for 120,000), so the run's
memory does not grow with its answers' text. Thread-safety is the runner's (it holds
its lock around every call).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from playground.errors import StoreError
from playground.promptsets.records import CellKey, CellResult, RunSpec
from playground.promptsets.store import CellWriter

MISSING, DONE, ERROR, STOPPED = 0, 1, 2, 3
_CODES = {"done": DONE, "error": ERROR, "stopped": STOPPED}


class Ledger:
    def __init__(self, spec: RunSpec, cells: Iterable[CellResult] = ()) -> None:
        self._width = len(spec.columns)
        self._runs = spec.runs
        self._rows = len(spec.rows)
        total = spec.answers_total
        self._status = bytearray(total)
        self._judged = bytearray(total)
        self.answered = 0  # answers that are not missing or stopped
        self.judged = 0
        for cell in cells:
            self.record(cell)

    def _index(self, at: CellKey) -> int | None:
        r, c, k = at
        if not (0 <= r < self._rows and 0 <= c < self._width and 0 <= k < self._runs):
            return None
        return (r * self._width + c) * self._runs + k

    def record(self, cell: CellResult) -> None:
        i = self._index(cell.key)
        if i is None:
            return  # a cell of another shape (a newer app): ignored, asked again
        was_answered = self._status[i] in (DONE, ERROR)
        was_judged = self._judged[i] == 1
        self._status[i] = _CODES[cell.status]
        self._judged[i] = 1 if cell.judged else 0
        self.answered += (self._status[i] in (DONE, ERROR)) - was_answered
        self.judged += self._judged[i] - was_judged

    def status(self, at: CellKey) -> int:
        i = self._index(at)
        return MISSING if i is None else self._status[i]

    def is_judged(self, at: CellKey) -> bool:
        i = self._index(at)
        return i is not None and self._judged[i] == 1

    def todo(self, keys: Iterable[CellKey], retry_errors: bool) -> Iterator[CellKey]:
        """Of these answers, those still to ask (missing or stopped; failed too, if asked),
        read as the workers ask for them."""
        for at in keys:
            status = self.status(at)
            if status not in (DONE, ERROR) or (retry_errors and status == ERROR):
                yield at

    @property
    def complete(self) -> bool:
        return all(code in (DONE, ERROR) for code in self._status)


class Results:
    """A run's answers: its ``Ledger``, the results not yet saved (all of them without a
    writer), and the store behind the writer for the rest. Thread-safe."""

    def __init__(
        self, spec: RunSpec, cells: Iterable[CellResult], writer: CellWriter | None
    ) -> None:
        self._lock = threading.Lock()
        self._writer = writer
        saved = list(cells) if writer is None else cells
        self.ledger = Ledger(spec, saved)
        self._held: dict[CellKey, CellResult] = {}
        if writer is None:
            self._held = {cell.key: cell for cell in saved}
        else:
            writer.on_written = self._saved

    @property
    def held(self) -> int:
        """Results in memory: not yet saved (or, without a writer, all)."""
        with self._lock:
            return len(self._held)

    def record(self, cell: CellResult) -> None:
        with self._lock:
            self._held[cell.key] = cell
            self.ledger.record(cell)
        if self._writer is not None:
            self._writer.put(cell)

    def _saved(self, cells: list[CellResult]) -> None:
        """The writer saved these: let go of them (unless a newer one came meanwhile)."""
        with self._lock:
            for cell in cells:
                if self._held.get(cell.key) is cell:
                    del self._held[cell.key]

    def cell(self, at: CellKey) -> CellResult | None:
        with self._lock:
            cell = self._held.get(at)
        if cell is not None or self._writer is None:
            return cell
        try:
            return self._writer.store.cell(self._writer.run_id, at)
        except StoreError:
            return None

    def cells(self, rows: range | None = None) -> dict[CellKey, CellResult]:
        """The answers so far (of ``rows`` only, when given): saved, and not yet saved."""
        out: dict[CellKey, CellResult] = {}
        if self._writer is not None:
            try:
                out = {c.key: c for c in self._writer.store.cells(self._writer.run_id, rows)}
            except StoreError:
                out = {}
        with self._lock:
            held = [(k, c) for k, c in self._held.items() if rows is None or k[0] in rows]
        out.update(held)
        return out
