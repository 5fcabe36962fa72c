"""A streaming card's waits end as soon as its run is being replaced.

A new interaction (a prompt sent to another card, a click) stops the page run,
and Streamlit waits for each parallel fragment to reach its next yield point (a
redraw) before the new run starts (``ParallelFragmentCoordinator.drain``,
streamlit 1.67). A follower asleep between its redraws (up to the shared redraw
budget's interval: 0.64 s with 64 cards streaming) or waiting for a slow
server's next token held the new run, and the prompt that started it, back
that long (issue 14's first-token delay under load). So a follower waits in
short slices and looks at the run's stop flag between them.
"""

from __future__ import annotations

import time

from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from playground.chat.streaming import Snapshot, StreamJob
from playground.ui.draw_turns import DRAWING

SLICE = 0.05  # seconds: how soon a waiting follower notices its run is being stopped


def replaced() -> bool:
    """Whether Streamlit is stopping this parallel fragment's run (see the module)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    coordinator = getattr(ctx, "parallel_coordinator", None)
    return coordinator is not None and coordinator.should_stop()


def wait_for_change(job: StreamJob, seen: int, timeout: float) -> Snapshot:
    """``job.wait_for_change``, ended early (``StopException``) if the run is being stopped."""
    deadline = time.monotonic() + timeout
    with DRAWING.released():
        while True:
            left = max(0.0, deadline - time.monotonic())
            snap = job.wait_for_change(seen, timeout=min(SLICE, left))
            if snap.done or snap.version != seen or time.monotonic() >= deadline:
                return snap
            if replaced():
                raise StopException()  # what this fragment's next redraw would raise


def pause(seconds: float) -> None:
    """``time.sleep``, ended early (``StopException``) if the run is being stopped."""
    deadline = time.monotonic() + seconds
    with DRAWING.released():
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(SLICE, left))
            if replaced():
                raise StopException()
