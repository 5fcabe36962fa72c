"""Synced prompt to N cards on one endpoint: wall time / one raw answer.

The endpoint (the local test server, in its own process) streams each answer
in about 1.0 s (20 tokens at 20 tokens/s). The physical limit is one answer:
a raw ``openai`` streaming call to the same server, timed in the same run
(the median of three, before and after the cards). Sending one after another
would give N; the ideal is 1.0. The time the app measured for its slowest
answer is printed too, but not divided by: it includes the app's own queueing.
Usage: ``python benchmarks/fanout.py [N ...]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import openai
from common import fake_server_process, headless_app, machine, use_endpoints

from playground.session import Session


def synced_send(at, prompt: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    at.chat_input(key="sync_prompt").set_value(prompt).run()
    return time.perf_counter() - start


def raw_answer(url: str) -> float:
    """Seconds for one answer streamed straight through the SDK (request to last chunk)."""
    client = openai.OpenAI(base_url=url, api_key="none", max_retries=0)
    start = time.perf_counter()
    stream = client.chat.completions.create(
        model="fake-small", messages=[{"role": "user", "content": "measure"}], stream=True
    )
    for _chunk in stream:
        pass
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def fanout_ratio(url: str, n: int) -> tuple[float, float, float, float]:
    """(wall, one raw answer, slowest answer as the app measured it, wall / raw)."""
    use_endpoints({"One second": url})
    at = headless_app()
    state: Session = at.session_state["playground"]
    while len(state.workspace.cards) < n:
        at.button(key="add_card").click().run()
    at.toggle(key="sync_input_toggle").set_value(True).run()
    synced_send(at, "warm-up")
    raws = [raw_answer(url)]
    wall = synced_send(at, "measure")
    raws += [raw_answer(url), raw_answer(url)]
    answers = [c.messages[-1] for c in state.workspace.cards]
    assert all(a.status == "done" for a in answers), [a.error for a in answers]
    slowest = max(a.metrics.total_s for a in answers if a.metrics and a.metrics.total_s)
    raw = statistics.median(raws)
    return wall, raw, slowest, wall / raw


def main(ns: list[int]) -> list[tuple[int, float, float, float, float]]:
    rows = []
    # 16 filler tokens after the 4-word echo: 20 tokens at 20 tokens/s, about 1.0 s.
    with fake_server_process(16, 20) as urls:
        for n in ns:
            rows.append((n, *fanout_ratio(urls["fast"], n)))
    print(f"# synced prompt fan-out ({machine()})")
    print("| N cards | wall (s) | one raw answer (s) | app's slowest (s) | wall / raw | target |")
    print("|---|---|---|---|---|---|")
    for n, wall, raw, slowest, ratio in rows:
        print(f"| {n} | {wall:.2f} | {raw:.2f} | {slowest:.2f} | {ratio:.2f} | ≤ 1.15 |")
    return rows


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2, 4, 8])
