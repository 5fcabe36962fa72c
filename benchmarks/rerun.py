"""Rerun cost with long histories: 4 cards x 100 messages vs 4 empty cards.

Drives the app headless (AppTest) and times plain page reruns (median of 9).
Usage: ``python benchmarks/rerun.py``.
"""

from __future__ import annotations

import statistics
import time

from common import fake_server_process, headless_app, machine, use_endpoints

from playground.session import Session
from playground.workspace.types import Message

ANSWER = (
    "Here is a fairly typical answer with **markdown**, a list:\n\n- one\n- two\n\n"
    "and some code:\n\n```python\nprint('hello')\n```\n"
) * 3


def median_rerun(at, runs: int = 9) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> list[tuple[str, str, str]]:
    with fake_server_process(5, 0) as urls:
        use_endpoints({"Server": urls["fast"]})
        at = headless_app()
        state: Session = at.session_state["playground"]
        while len(state.workspace.cards) < 4:
            at.button(key="add_card").click().run()
        median_rerun(at, 3)  # warm-up
        empty = median_rerun(at)
        for card in state.workspace.cards:
            for i in range(50):
                card.messages.append(Message(role="user", content=f"Question {i}: why?"))
                card.messages.append(Message(role="assistant", content=ANSWER))
        full = median_rerun(at)
    ratio = full / empty
    print(f"# rerun cost ({machine()})")
    print("| 4 empty cards | 4 cards x 100 messages | ratio | target |")
    print("|---|---|---|---|")
    print(f"| {empty * 1000:.1f} ms | {full * 1000:.1f} ms | {ratio:.2f} | ≤ 2 |")
    return [("rerun time, 4 cards x 100 messages / 4 empty cards", f"{ratio:.2f}", "≤ 2")]


if __name__ == "__main__":
    main()
