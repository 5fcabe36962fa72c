"""A streaming card's waits end when Streamlit stops its run (``playground.ui.run_stops``).

Streamlit's own coordinator of parallel fragments runs each worker here, as it
does in the app; stopping it (``drain``, what a newer interaction's run does)
must end a follower's pause or wait at once rather than when it would end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

from streamlit.runtime.parallel_coordinator import ParallelFragmentCoordinator
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from playground.chat.streaming import Snapshot
from playground.ui import run_stops


class _SilentJob:
    """An answer whose server sends nothing more."""

    def wait_for_change(self, seen: int, timeout: float) -> Snapshot:
        time.sleep(timeout)
        return Snapshot(text="", version=seen, done=False)


def _stopped_while(wait: Callable[[], object]) -> list[str]:
    coordinator = ParallelFragmentCoordinator(yield_check=lambda: None)
    ctx = SimpleNamespace(parallel_coordinator=coordinator)
    outcome: list[str] = []
    started = threading.Event()

    def worker() -> None:
        started.set()
        try:
            wait()
            outcome.append("waited to the end")
        except StopException:
            outcome.append("stopped")

    coordinator.submit(worker, ctx)  # type: ignore[arg-type]
    started.wait(5)
    coordinator.drain()  # what a newer interaction's run does to this one
    return outcome


def test_a_pause_between_redraws_ends_when_the_run_is_stopped() -> None:
    assert _stopped_while(lambda: run_stops.pause(20)) == ["stopped"]


def test_waiting_for_a_silent_server_ends_when_the_run_is_stopped() -> None:
    job = _SilentJob()
    assert _stopped_while(lambda: run_stops.wait_for_change(job, 3, 20)) == ["stopped"]  # type: ignore[arg-type]


def test_without_a_run_a_pause_just_sleeps() -> None:
    run_stops.pause(0.12)  # no ScriptRunContext: nothing to stop, no error
    assert run_stops.replaced() is False
