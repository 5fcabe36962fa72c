"""Per-chunk cost of a streamed tool call vs streamed text, each divided by the raw SDK,
through Chat Completions and through the Responses API.

The test server (in this process's thread; both sides share it, so the ratios are
fair) streams about 2,000 chunks (events on the Responses API): text tokens, or one
call's arguments in pieces of 4 characters. Each round times a raw ``openai``
streaming loop (``chat.completions.create`` or ``responses.create``, counting what
carries text or arguments) and the same answer through ``StreamJob`` into a
``Message``, alternating; medians of the rounds.
Usage: ``python benchmarks/tool_call_stream.py``.
"""

from __future__ import annotations

import statistics
import time

import openai
from common import machine

from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import Api, make_client
from playground.workspace.types import Message
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.fake_tool_calls import FakeCall

CHUNKS = 2000
ROUNDS = 7


_PIECES = ("response.output_text.delta", "response.function_call_arguments.delta")


def raw_sdk(url: str, api: Api) -> float:
    """Seconds per chunk of a plain SDK loop that only counts the chunks."""
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
    start, count = time.perf_counter(), 0
    if api == "responses":
        for event in client.responses.create(model="fake-small", input="go", stream=True):
            count += event.type in _PIECES
    else:
        chat = client.chat.completions.create(model="fake-small", messages=[], stream=True)
        for chunk in chat:
            count += bool(chunk.choices)
    return (time.perf_counter() - start) / count


def playground(url: str, api: Api) -> float:
    """Seconds per chunk through StreamJob into a Message."""
    client = make_client(url, None, Timeouts(connect=5, read=30), max_retries=0)
    target = Message(role="assistant", status="streaming")
    start = time.perf_counter()
    history = [{"role": "user", "content": "go"}]
    job = StreamJob(client, model="fake-small", history=history, target=target, api=api)
    job.start()
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
    apis: tuple[Api, ...] = ("chat", "responses")
    times: dict[tuple[str, Api, str], list[float]] = {}
    try:
        for _ in range(ROUNDS):
            for kind, url in urls.items():
                for api in apis:
                    times.setdefault((kind, api, "raw"), []).append(raw_sdk(url, api))
                    times.setdefault((kind, api, "ours"), []).append(playground(url, api))
    finally:
        server.stop()
    print(f"Machine: {machine()}; {CHUNKS} chunks per answer, median of {ROUNDS} rounds")
    print("| API | answer | raw SDK (us/chunk) | playground (us/chunk) | ratio |")
    print("|---|---|---|---|---|")
    ratios = {}
    for api in apis:
        for kind in urls:
            raw = statistics.median(times[(kind, api, "raw")])
            ours = statistics.median(times[(kind, api, "ours")])
            ratios[(kind, api)] = ours / raw
            print(f"| {api} | {kind} | {raw * 1e6:.1f} | {ours * 1e6:.1f} | {ours / raw:.2f} |")
    for api in apis:
        over = ratios[("tool call", api)] / ratios[("text", api)]
        print(f"{api}: tool-call ratio / text ratio: {over:.2f}")


if __name__ == "__main__":
    main()
