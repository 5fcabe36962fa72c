"""Playground overhead on the embedded model, against the raw ``openai`` SDK.

Opens the app headless (AppTest) with the embedded model, which starts the real
server (Gemma 3 270M on llama.cpp), then alternates on that same server: a raw
SDK streaming loop, and the same prompt sent through the app's first card. Reports medians of
time to first token and tokens per second, and their ratios.
Usage: ``python benchmarks/local_overhead.py [rounds]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import openai
from common import headless_app, machine, use_endpoints

from playground.local_model import LOCAL_MODEL_ID
from playground.session import Session
from playground.ui.resources import local_server

PROMPT = "Write a short story about a lighthouse keeper."
MAX_TOKENS = 160


def raw_sdk(client: openai.OpenAI) -> tuple[float, float]:
    """(time to first token, tokens per second) for one raw streaming call."""
    start = time.monotonic()
    first = last = None
    count = 0
    usage = None
    stream = client.chat.completions.create(
        model=LOCAL_MODEL_ID,
        messages=[{"role": "user", "content": PROMPT}],
        stream=True,
        max_tokens=MAX_TOKENS,
        stream_options={"include_usage": True},  # counted as the playground counts
    )
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage.completion_tokens
        if chunk.choices and chunk.choices[0].delta.content:
            now = time.monotonic()
            first = first or now
            last = now
            count += 1
    assert first is not None and last is not None and count > 1
    return first - start, ((usage or count) - 1) / (last - first)


def through_playground(at, state: Session) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    card = state.workspace.cards[0]
    card.clear_history()
    start = time.monotonic()
    at.chat_input(key=f"card-{card.id}-input").set_value(PROMPT).run()
    job = state.job(card.id)
    metrics = card.messages[-1].metrics
    assert metrics and metrics.ttft_s is not None and job.started_at is not None
    tps = metrics.tokens_per_second
    assert tps is not None, card.messages[-1]
    return job.started_at + metrics.ttft_s - start, tps


def main(rounds: int) -> list[tuple[str, str, str]]:
    path = use_endpoints({})
    path.write_text(f"[local_model]\nmax_tokens = {MAX_TOKENS}\nn_ctx = 2048\n", encoding="utf-8")
    at = headless_app()  # its first run starts the embedded server and waits for it
    state: Session = at.session_state["playground"]
    server = local_server(2048)
    base_url = server.status.base_url
    assert base_url, server.status
    try:
        client = openai.OpenAI(base_url=base_url, api_key="unused")  # reused, like the app's
        raw_sdk(client)  # warm-up
        raw, app = [], []
        for _ in range(rounds):
            raw.append(raw_sdk(client))
            app.append(through_playground(at, state))
    finally:
        server.stop()
    raw_ttft = statistics.median(r[0] for r in raw)
    app_ttft = statistics.median(a[0] for a in app)
    raw_tps = statistics.median(r[1] for r in raw)
    app_tps = statistics.median(a[1] for a in app)
    print(f"# embedded model through the playground vs raw SDK ({machine()}, {rounds} rounds)")
    print("| figure | raw SDK | playground | result | target |")
    print("|---|---|---|---|---|")
    print(
        f"| time to first token (median) | {raw_ttft * 1000:.0f} ms | {app_ttft * 1000:.0f} ms "
        f"| +{(app_ttft - raw_ttft) * 1000:.0f} ms | ≤ +50 ms |"
    )
    print(
        f"| tokens per second (median) | {raw_tps:.1f} | {app_tps:.1f} "
        f"| {app_tps / raw_tps:.3f} | ≥ 0.95 |"
    )
    return [
        (
            "embedded model: added time to first token over raw SDK",
            f"{(app_ttft - raw_ttft) * 1000:+.0f} ms",
            "≤ 50 ms",
        ),
        (
            "embedded model: tokens/s through playground / raw SDK",
            f"{app_tps / raw_tps:.3f}",
            "≥ 0.95",
        ),
    ]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
