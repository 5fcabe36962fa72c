"""CPU per streamed chunk: a raw ``openai`` streaming loop vs the playground's own reader.

The local test server (its own process) streams 5,000 tokens as fast as it can; this
process reads them, alternating a raw SDK loop (``chat.completions.create(stream=True)``,
a pydantic model per chunk) and ``deltas.DeltaStream`` (since issue 30: the SDK's raw
response, SSE parsed by orjson into ``Delta``s); ``--api responses`` the same through the
Responses API (``responses.create`` vs ``ResponseStream``). It prints tokens per second and this
process's CPU time per chunk, medians of the rounds. ``--only raw|ours --rounds N`` runs
one side alone, to sample it with ``py-spy record --format raw``.
Usage: ``python benchmarks/lean_sse.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import openai
from common import fake_server_process, machine

from playground.chat.deltas import ChatRequest, open_deltas
from playground.config.settings import Timeouts
from playground.endpoints.clients import Api, make_client

TOKENS = 5000
MESSAGES = [{"role": "user", "content": "go"}]


def timed(read: Callable[[], int]) -> tuple[float, float]:
    """(tokens per second, CPU microseconds per chunk) of one answer read by ``read``."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = read()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count >= TOKENS, count
    return count / wall, cpu / count * 1e6


def raw_sdk(client: openai.OpenAI) -> int:
    count = 0
    for chunk in client.chat.completions.create(model="fake-small", messages=MESSAGES, stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            count += 1
    return count


def raw_responses(client: openai.OpenAI) -> int:
    count = 0
    for event in client.responses.create(model="fake-small", input="go", stream=True):
        if event.type == "response.output_text.delta":
            count += 1
    return count


def ours(url: str, api: Api) -> Callable[[], int]:
    client = make_client(url, None, Timeouts(connect=5, read=30, models=5))
    request = ChatRequest("fake-small", MESSAGES, api=api)
    return lambda: sum(1 for d in open_deltas(client, request) if d.text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("raw", "ours"))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--api", choices=("chat", "responses"), default="chat")
    args = parser.parse_args()
    with fake_server_process(TOKENS, 0) as urls:
        url = urls["fast"]
        sdk = openai.OpenAI(base_url=url, api_key="unused")
        raw = raw_sdk if args.api == "chat" else raw_responses
        sides = {"raw": lambda: raw(sdk), "ours": ours(url, args.api)}
        if args.only:
            sides = {args.only: sides[args.only]}
        for read in sides.values():
            read()  # warm-up
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, read in sides.items():
                figures[name].append(timed(read))
    print(f"# {args.api}: {TOKENS} chunks per answer, medians of {args.rounds} ({machine()})")
    print("| reader | tok/s | CPU µs/chunk |")
    print("|---|---|---|")
    for name, rows in figures.items():
        tps = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        print(f"| {name} | {tps:.0f} | {cpu:.1f} |")
    if len(figures) == 2:
        ratio = statistics.median(r[0] for r in figures["ours"]) / statistics.median(
            r[0] for r in figures["raw"]
        )
        print(f"ours / raw SDK tok/s: {ratio:.2f}")


if __name__ == "__main__":
    main()
