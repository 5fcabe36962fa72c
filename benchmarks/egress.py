"""The cost of the egress check: a pinned client (one lookup and check per connection)
vs the raw SDK client, streaming the same answer from the local test server.

Rounds alternate; each opens a new client (a new connection, so a lookup and a check
each time: the worst case). Usage: ``python benchmarks/egress.py``.
"""

from __future__ import annotations

import statistics
import time

import openai
from common import fake_server_process, machine

from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client

ROUNDS = 9
MESSAGES = [{"role": "user", "content": "go"}]


def stream(sdk: openai.OpenAI) -> float:
    start = time.monotonic()
    for _ in sdk.chat.completions.create(model="fake-small", messages=MESSAGES, stream=True):  # type: ignore[arg-type]
        pass
    return time.monotonic() - start


def main() -> list[tuple[str, str, str]]:
    with fake_server_process(tokens=2000, tokens_per_second=0) as urls:
        url = urls["fast"].replace("127.0.0.1", "localhost")  # a name: a lookup each time
        raw_times, pinned_times = [], []
        for _ in range(ROUNDS):
            raw = openai.OpenAI(base_url=url, api_key="unused", max_retries=0)
            raw_times.append(stream(raw))
            raw.close()
            pinned = make_client(url, None, Timeouts(), max_retries=0)
            pinned_times.append(stream(pinned.sdk))
            pinned.close()
    raw_s, pinned_s = statistics.median(raw_times), statistics.median(pinned_times)
    ratio = pinned_s / raw_s
    print(f"egress check ({machine()}): 2,000-token answer on a new connection each round")
    print(f"  raw SDK client   median {raw_s * 1000:7.1f} ms")
    print(f"  pinned client    median {pinned_s * 1000:7.1f} ms   ratio {ratio:.2f}")
    return [("pinned client / raw SDK client, one streamed answer", f"{ratio:.2f}", "≤ 1.1")]


if __name__ == "__main__":
    main()
