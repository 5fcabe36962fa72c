"""A stand-in for the app: run a prompt set until killed (``test_promptsets_kill.py``).

``python -m tests.promptset_child BASE_URL DATA_DIR PROMPTS [RUNS]`` prints the run's id,
then runs; the test kills it with SIGKILL partway.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playground.promptsets.registry import RunRegistry
from playground.session.evaluation.promptsets import prepare, start_run
from tests.promptset_helpers import services, session_on


def main(base_url: str, data: str, count: int, runs: int = 1) -> None:
    svc = services(Path(data), limit=2, A=base_url)
    session = session_on(("A", "fake-small"), ("A", "fake-large"))
    text = "prompt\n" + "".join(f"question {i}\n" for i in range(count))
    runner = start_run(session, svc, RunRegistry(), prepare(text), runs=runs)
    print(runner.run_id, flush=True)
    runner.join()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if sys.argv[4:] else 1)
