"""Per-chunk cost of a streamed tool call vs streamed text, each divided by the raw SDK.

The test server (in this process's thread; both sides share it, so the ratios are
fair) streams about 2,000 chunks: text tokens, or one call's arguments in pieces of
4 characters. Each round times a raw ``openai`` streaming loop and the same answer
through ``StreamJob`` into a ``Message``, alternating; medians of the rounds.
Usage: ``python benchmarks/tool_call_stream.py``.
"""

from __future__ import annotations

import statistics
import time

import openai
from common import machine

from playground.clients import make_client
from playground.config import Timeouts
from playground.streaming import StreamJob
from playground.workspace import Message
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.fake_tool_calls import FakeCall

CHUNKS = 2000
ROUNDS = 7


def raw_sdk(url: str) -> float:
    """Seconds per chunk of a plain SDK loop that only counts the chunks."""
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    start, count = time.perf_counter(), 0
    for chunk in client.chat.completions.create(model="fake-small", messages=[], stream=True):
        count += bool(chunk.choices)
    return (time.perf_counter() - start) / count


def playground(url: str) -> float:
    """Seconds per chunk through StreamJob into a Message."""
    client = make_client(url, None, Timeouts(connect=5, read=30), max_retries=0)
    target = Message(role="assistant", status="streaming")
    start = time.perf_counter()
    job = StreamJob(client, model="fake-small", history=[], target=target).start()
    job.join(60)
    assert target.status == "done", target.error
    return (time.perf_counter() - start) / CHUNKS


def main() -> None:
    server = FakeOpenAIServer().start()
    urls = {
        "text": server.add("text", Scenario(reply="go", tokens=CHUNKS - 1)),
        "tool call": server.add(
            "tool",
            Scenario(tool_calls=[FakeCall("f", '{"a": "' + "x" * (CHUNKS * 4 - 10) + '"}')]),
        ),
    }
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for _ in range(ROUNDS):
            for kind, url in urls.items():
                times.setdefault((kind, "raw"), []).append(raw_sdk(url))
                times.setdefault((kind, "playground"), []).append(playground(url))
    finally:
        server.stop()
    print(f"Machine: {machine()}; {CHUNKS} chunks per answer, median of {ROUNDS} rounds")
    ratios = {}
    for kind in urls:
        raw = statistics.median(times[(kind, "raw")])
        ours = statistics.median(times[(kind, "playground")])
        ratios[kind] = ours / raw
        print(
            f"{kind:>9}: raw SDK {raw * 1e6:6.1f} us/chunk, playground {ours * 1e6:6.1f} "
            f"us/chunk, ratio {ratios[kind]:.2f}"
        )
    print(f"tool-call ratio / text ratio: {ratios['tool call'] / ratios['text']:.2f}")


if __name__ == "__main__":
    main()
