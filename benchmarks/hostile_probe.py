"""What ``hostile.py`` measures around each case: the app's memory and a bystander's page loads.

- ``Memory``: VmRSS and VmHWM of the ``streamlit run`` process itself (its peak is
  reset through ``/proc/<pid>/clear_refs`` before a case), and the summed VmRSS of its
  descendants (the bounded evaluator's workers and their fork server), sampled every
  0.1 s for their peak.
- ``Bystander``: another person loading the Playground page over and over, with
  Streamlit's own protocol (``tests.streamlit_client``): GET ``/``, open the
  websocket, ask for a page run, and wait until it has ended with the cards' chat
  inputs drawn. Each load is a new session, as a reload in a browser is.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.streamlit_client import StreamlitSession

LOAD_TIMEOUT = 60.0
MIB = 1024 * 1024


def _status(pid: int, field_name: str) -> int:
    """A ``/proc/<pid>/status`` size in bytes, 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        with contextlib.suppress(OSError, ValueError):
            for child in (task / "children").read_text().split():
                out.append(int(child))
                out.extend(descendants(int(child)))
    return out


@dataclass
class Memory:
    """The app process's memory through one case."""

    pid: int
    before: int = 0
    after: int = 0
    peak: int = 0
    workers_before: int = 0
    workers_after: int = 0
    workers_peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def workers(self) -> int:
        return sum(_status(child, "VmRSS") for child in descendants(self.pid))

    def start(self) -> None:
        with contextlib.suppress(OSError):  # "5": reset the peak (VmHWM) to the current RSS
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        self.before = _status(self.pid, "VmRSS")
        self.workers_before = self.workers_peak = self.workers()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.workers_peak = max(self.workers_peak, self.workers())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.after = _status(self.pid, "VmRSS")
        self.peak = max(_status(self.pid, "VmHWM"), self.after)
        self.workers_after = self.workers()

    @property
    def growth(self) -> int:
        return max(self.after, self.peak) - self.before


async def _load_once(port: int) -> float:
    """Seconds to load the Playground page as a new visitor, LOAD_TIMEOUT if it never does."""
    started = time.monotonic()
    http = f"http://127.0.0.1:{port}"
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream")
    receiving: asyncio.Task[None] | None = None
    try:
        await asyncio.to_thread(lambda: urllib.request.urlopen(http + "/", timeout=30).read())
        await session.connect()
        receiving = asyncio.create_task(session.receive())
        await session.rerun("")
        while not (session.finished.is_set() and session.inputs):
            await asyncio.wait_for(session.finished.wait(), LOAD_TIMEOUT)
            if not session.inputs:  # finished without cards: wait for another run
                session.finished.clear()
        return time.monotonic() - started
    except (TimeoutError, OSError):
        return LOAD_TIMEOUT
    finally:
        await session.close()
        if receiving is not None:
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiving


class Bystander:
    """Loads the page again and again in a thread of its own; ``samples``: (start, seconds)."""

    def __init__(self, port: int, pause: float = 0.2) -> None:
        self.port = port
        self.pause = pause
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._loop()), daemon=True)
        self._thread.start()

    async def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            seconds = await _load_once(self.port)
            self.samples.append((started, seconds))
            await asyncio.sleep(self.pause)

    def between(self, start: float, end: float) -> list[float]:
        """Loads that overlapped ``start``..``end``."""
        return [s for t, s in self.samples if t < end and t + s > start]

    def wait_for(self, count: int, since: float, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(1 for t, _ in self.samples if t >= since) >= count:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(LOAD_TIMEOUT + 5)


def p50_max(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values), max(values)
