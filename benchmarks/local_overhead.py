"""Playground overhead on each embedded model, against the raw ``openai`` SDK; their memory.

Opens the app headless (AppTest) with no endpoint configured: its two opening
cards start the two embedded models' servers (SmolLM2 135M Instruct and Gemma 3
270M base, each its own llama.cpp process). For each model it then alternates,
on that model's server: a raw SDK streaming loop, and the same prompt sent
through that model's card (with the card's own settings, sent by both). Reports
medians of time to first token and tokens per second, their ratios, and the
resident memory of the app process and of both servers with both models loaded.
Usage: ``python benchmarks/local_overhead.py [rounds]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import openai
from common import headless_app, machine, use_endpoints

from playground.config.sections import LocalModel
from playground.endpoints.local_models import LOCAL_MODELS, LocalModelServer, LocalModelSpec
from playground.session import Session
from playground.ui.resources import local_server
from playground.workspace.types import Card

PROMPT = "Write a short story about a lighthouse keeper."
MAX_TOKENS = 160
N_CTX = LocalModel().n_ctx  # the default, so the memory figures are a default run's


def rss_mib(pid: int) -> float:
    """Resident memory of a process (Linux ``/proc``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def raw_sdk(client: openai.OpenAI, spec: LocalModelSpec, card: Card) -> tuple[float, float]:
    """(time to first token, tokens per second) for one raw streaming call."""
    settings = card.config.settings
    messages = [{"role": "user", "content": PROMPT}]
    if settings.system_prompt:
        messages.insert(0, {"role": "system", "content": settings.system_prompt})
    start = time.monotonic()
    first = last = None
    count = 0
    usage = None
    stream = client.chat.completions.create(
        model=spec.model_id,
        messages=messages,  # type: ignore[arg-type]
        stream=True,
        max_tokens=MAX_TOKENS,
        stream_options={"include_usage": True},  # counted as the playground counts
        **settings.request_params(),  # type: ignore[arg-type]
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


def through_playground(at, card: Card, state: Session) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    card.clear_history()
    start = time.monotonic()
    at.chat_input(key=f"card-{card.id}-input").set_value(PROMPT).run()
    job = state.job(card.id)
    metrics = card.messages[-1].metrics
    assert metrics and metrics.ttft_s is not None and job.started_at is not None
    tps = metrics.tokens_per_second
    assert tps is not None, card.messages[-1]
    return job.started_at + metrics.ttft_s - start, tps


def measure(at, state: Session, spec: LocalModelSpec, rounds: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    card = next(c for c in state.workspace.cards if c.config.endpoint == spec.endpoint_name)
    base_url = local_server(spec.key, N_CTX).status.base_url
    assert base_url, spec.key
    client = openai.OpenAI(base_url=base_url, api_key="unused")  # reused, like the app's
    raw_sdk(client, spec, card)  # warm-up
    raw, app = [], []
    for _ in range(rounds):
        raw.append(raw_sdk(client, spec, card))
        app.append(through_playground(at, card, state))
    return {
        "raw_ttft": statistics.median(r[0] for r in raw),
        "app_ttft": statistics.median(a[0] for a in app),
        "raw_tps": statistics.median(r[1] for r in raw),
        "app_tps": statistics.median(a[1] for a in app),
    }


def main(rounds: int) -> list[tuple[str, str, str]]:
    path = use_endpoints({})
    path.write_text(
        f"[local_model]\nmax_tokens = {MAX_TOKENS}\nn_ctx = {N_CTX}\n", encoding="utf-8"
    )
    at = headless_app()  # its first run starts both embedded servers and waits for them
    state: Session = at.session_state["playground"]
    servers: list[LocalModelServer] = [local_server(s.key, N_CTX) for s in LOCAL_MODELS]
    assert all(s.status.ready for s in servers), [s.status for s in servers]
    try:
        results = {spec.key: measure(at, state, spec, rounds) for spec in LOCAL_MODELS}
        memory = {"app process": rss_mib(os.getpid())}
        for spec, server in zip(LOCAL_MODELS, servers, strict=True):
            assert server.pid is not None
            memory[f"{spec.key} server"] = rss_mib(server.pid)
    finally:
        for server in servers:
            server.stop()
    print(f"# embedded models through the playground vs raw SDK ({machine()}, {rounds} rounds)")
    print("| model | figure | raw SDK | playground | result | target |")
    print("|---|---|---|---|---|---|")
    rows: list[tuple[str, str, str]] = []
    for spec in LOCAL_MODELS:
        r = results[spec.key]
        added = (r["app_ttft"] - r["raw_ttft"]) * 1000
        ratio = r["app_tps"] / r["raw_tps"]
        print(
            f"| {spec.key} | time to first token (median) | {r['raw_ttft'] * 1000:.0f} ms "
            f"| {r['app_ttft'] * 1000:.0f} ms | {added:+.0f} ms | ≤ +50 ms |"
        )
        print(
            f"| {spec.key} | tokens per second (median) | {r['raw_tps']:.1f} "
            f"| {r['app_tps']:.1f} | {ratio:.3f} | ≥ 0.95 |"
        )
        rows += [
            (f"{spec.key}: added time to first token over raw SDK", f"{added:+.0f} ms", "≤ 50 ms"),
            (f"{spec.key}: tokens/s through playground / raw SDK", f"{ratio:.3f}", "≥ 0.95"),
        ]
    print()
    print("# resident memory with both embedded models loaded (VmRSS)")
    print("| process | RSS |")
    print("|---|---|")
    for name, mib in memory.items():
        print(f"| {name} | {mib:.0f} MiB |")
    total = sum(memory.values())
    print(f"| total | {total:.0f} MiB |")
    rows.append(
        (
            "memory with both embedded models: app + SmolLM2 + Gemma servers",
            " + ".join(f"{m:.0f}" for m in memory.values()) + f" = {total:.0f} MiB",
            "reported",
        )
    )
    return rows


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
