"""Synced prompt to N cards: wall time / slowest single answer.

Each card's endpoint (the local test server, in its own process) streams its
answer in about 1.0 s (20 tokens at 20 tokens/s). Sending one after another
would give N; the ideal is 1.0.
Usage: ``python benchmarks/fanout.py [N ...]``.
"""

from __future__ import annotations

import sys
import time

from common import fake_server_process, headless_app, machine, use_endpoints

from playground.session import Session


def synced_send(at, prompt: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    at.chat_input(key="sync_prompt").set_value(prompt).run()
    return time.perf_counter() - start


def fanout_ratio(url: str, n: int) -> tuple[float, float, float]:
    """(wall, slowest answer, ratio) for a synced prompt to ``n`` cards."""
    use_endpoints({"One second": url})
    at = headless_app()
    state: Session = at.session_state["playground"]
    while len(state.workspace.cards) < n:
        at.button(key="add_card").click().run()
    at.toggle(key="sync_input_toggle").set_value(True).run()
    synced_send(at, "warm-up")
    wall = synced_send(at, "measure")
    answers = [c.messages[-1] for c in state.workspace.cards]
    assert all(a.status == "done" for a in answers), [a.error for a in answers]
    slowest = max(a.metrics.total_s for a in answers if a.metrics and a.metrics.total_s)
    return wall, slowest, wall / slowest


def main(ns: list[int]) -> list[tuple[int, float, float, float]]:
    rows = []
    # 16 filler tokens after the 4-word echo: 20 tokens at 20 tokens/s, about 1.0 s.
    with fake_server_process(16, 20) as urls:
        for n in ns:
            rows.append((n, *fanout_ratio(urls["fast"], n)))
    print(f"# synced prompt fan-out ({machine()})")
    print("| N cards | wall (s) | slowest answer (s) | wall / slowest | target |")
    print("|---|---|---|---|---|")
    for n, wall, slowest, ratio in rows:
        print(f"| {n} | {wall:.2f} | {slowest:.2f} | {ratio:.2f} | ≤ 1.1 |")
    return rows


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2, 4, 8])
