"""Tokens per second and time to first token: through the playground vs the raw SDK.

The local test server (in its own process) streams at a set rate (200, 1,000 and 5,000 tokens/s).
For each rate, alternating rounds: a raw ``openai`` streaming loop, and the same
answer through the app (a card's own input, headless). The playground's figure
is what the card's answer records (first to last token); its time to first
token runs from the moment the prompt is submitted.
Usage: ``python benchmarks/throughput.py``.
"""

from __future__ import annotations

import statistics
import time

import openai
from common import fake_server_process, headless_app, machine, use_endpoints

from playground.session import Session

SECONDS = 2.0  # each answer lasts about this long


def raw_sdk(client: openai.OpenAI) -> tuple[float, float]:
    start = time.monotonic()
    first = last = None
    count = 0
    for chunk in client.chat.completions.create(
        model="fake-small", messages=[{"role": "user", "content": "go"}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            last = time.monotonic()
            first = first or last
            count += 1
    assert first is not None and last is not None
    return first - start, (count - 1) / (last - first)


def through_playground(at, state: Session) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    card = state.workspace.cards[0]
    card.clear_history()
    start = time.monotonic()
    at.chat_input(key=f"card-{card.id}-input").set_value("go").run()
    answer = card.messages[-1]
    job = state.job(card.id)
    assert answer.status == "done" and answer.metrics and job.started_at is not None
    assert answer.metrics.ttft_s is not None and answer.metrics.tokens_per_second
    return job.started_at + answer.metrics.ttft_s - start, answer.metrics.tokens_per_second


def measure(rate: int, rounds: int = 3) -> dict[str, float]:
    with fake_server_process(int(rate * SECONDS), rate) as urls:
        url = urls["fast"]
        use_endpoints({"Rate": url})
        at = headless_app()
        state: Session = at.session_state["playground"]
        client = openai.OpenAI(base_url=url, api_key="unused")
        raw_sdk(client)  # warm-up
        through_playground(at, state)
        raw, app = [], []
        for _ in range(rounds):
            raw.append(raw_sdk(client))
            app.append(through_playground(at, state))
    return {
        "raw_ttft": statistics.median(r[0] for r in raw),
        "app_ttft": statistics.median(a[0] for a in app),
        "raw_tps": statistics.median(r[1] for r in raw),
        "app_tps": statistics.median(a[1] for a in app),
    }


def main(rates: tuple[int, ...] = (200, 1000, 5000)) -> list[tuple[str, str, str]]:
    rows = []
    print(f"# throughput and time to first token vs raw SDK ({machine()})")
    print("| server rate | raw tok/s | app tok/s | ratio | raw TTFT | app TTFT | added |")
    print("|---|---|---|---|---|---|---|")
    for rate in rates:
        m = measure(rate)
        ratio = m["app_tps"] / m["raw_tps"]
        added = (m["app_ttft"] - m["raw_ttft"]) * 1000
        print(
            f"| {rate} tok/s | {m['raw_tps']:.0f} | {m['app_tps']:.0f} | {ratio:.3f} "
            f"| {m['raw_ttft'] * 1000:.1f} ms | {m['app_ttft'] * 1000:.1f} ms | {added:+.1f} ms |"
        )
        rows.append(
            (f"tokens/s through playground / raw SDK at {rate} tok/s", f"{ratio:.3f}", "≥ 0.9")
        )
        rows.append((f"added time to first token at {rate} tok/s", f"{added:+.1f} ms", "≤ 50 ms"))
    return rows


if __name__ == "__main__":
    main()
