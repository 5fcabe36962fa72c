"""The process's prompt-set runs, by id: a reloaded page finds its running run here."""

from __future__ import annotations

import threading

from playground.promptsets.running.runner import PromptSetRunner

KEEP_FINISHED = 4  # finished runs kept (the store has them all)


class RunRegistry:
    """Thread-safe; one per app process (the UI caches it), one per test."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, PromptSetRunner] = {}

    def add(self, runner: PromptSetRunner) -> None:
        with self._lock:
            self._runs[runner.run_id] = runner
            finished = [k for k, r in self._runs.items() if r.finished and k != runner.run_id]
            for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
                del self._runs[key]

    def get(self, run_id: str | None) -> PromptSetRunner | None:
        if run_id is None:
            return None
        with self._lock:
            return self._runs.get(run_id)

    def live(self) -> list[PromptSetRunner]:
        with self._lock:
            return [r for r in self._runs.values() if not r.finished]
