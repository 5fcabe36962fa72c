"""Prompt sets: a run's wall time against the endpoints' physical limit, and its memory.

1. **Wall time**, 200 prompts × 4 cards (two cards on each of two endpoints
   of the local test server, in its own process; ``limit`` concurrent requests
   per endpoint). The physical limit is measured in the same run: the same
   800 streamed requests made with the raw openai SDK, ``limit`` threads per
   endpoint, both endpoints at once. Target: app / raw ≤ 1.1.
2. **Peak memory**, 1,000 prompts × 4 cards, in a fresh process: the growth of
   peak RSS over the process before the run, next to a 250 × 4 run and the
   size of the results themselves (what may grow).

Usage: ``python benchmarks/prompt_sets.py [--memory-only]``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
from common import ROOT, fake_server_process, machine

from playground.promptsets.registry import RunRegistry
from playground.session.promptsets import prepare, start_run
from tests.promptset_helpers import services, session_on

LIMIT = 8  # concurrent requests per endpoint
PROMPTS = 200
MODELS = ("fake-small", "fake-large")


def _prompts(n: int) -> str:
    return "prompt\n" + "".join(f"question {i}\n" for i in range(n))


def raw_wall(urls: dict[str, str], n: int) -> float:
    """Every request of the run, straight through the SDK at the same concurrency."""

    def one(client: openai.OpenAI, model: str, prompt: str) -> None:
        stream = client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            stream_options={"include_usage": True},
        )
        for _ in stream:
            pass

    def endpoint(url: str) -> None:
        client = openai.OpenAI(base_url=url, api_key="none", max_retries=0)
        with ThreadPoolExecutor(LIMIT) as pool:
            jobs = [
                pool.submit(one, client, model, f"question {i}")
                for i in range(n)
                for model in MODELS
            ]
            for job in jobs:
                job.result()

    start = time.perf_counter()
    threads = [threading.Thread(target=endpoint, args=(urls[k],)) for k in ("fast", "slow")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def app_wall(urls: dict[str, str], n: int, data: Path) -> float:
    """The same run through "Run on all cards" (saved to SQLite as it goes)."""
    svc = services(data, limit=LIMIT, F=urls["fast"], S=urls["slow"])
    session = session_on(*[(e, m) for e in ("F", "S") for m in MODELS])
    prep = prepare(_prompts(n))
    start = time.perf_counter()
    runner = start_run(session, svc, RunRegistry(), prep)
    runner.join()
    wall = time.perf_counter() - start
    done = sum(1 for c in runner.cells().values() if c.status == "done")
    assert done == n * 4, f"{done} of {n * 4} answers"
    return wall


def _rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


class PeakSampler:
    """The highest RSS seen, sampled every 20 ms in a thread."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return max(self.peak, _rss_mb())


def memory_child(url: str, n: int) -> None:
    """In a fresh process: peak RSS before and after an n × 4 run; the results' size."""
    data = Path(tempfile.mkdtemp(prefix="pg-bench-ps-"))
    svc = services(data, limit=LIMIT, F=url)
    session = session_on(*[("F", m) for m in MODELS * 2])
    prep = prepare(_prompts(n))
    svc.store()  # open (and migrate) the store before measuring
    before = _rss_mb()
    sampler = PeakSampler()
    runner = start_run(session, svc, RunRegistry(), prep)
    runner.join()
    peak = sampler.stop()
    cells = runner.cells()
    size = sum(len(c.model_dump_json()) for c in cells.values()) / 1e6
    print(f"{before:.1f} {peak:.1f} {size:.2f} {len(cells)}", flush=True)


def memory(n: int) -> tuple[float, float, int]:
    """(peak RSS growth MB, results MB, cells) of an n × 4 run in its own process."""
    with fake_server_process(20, 0) as urls:
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", urls["fast"], str(n)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    before, after, size, cells = float(out[0]), float(out[1]), float(out[2]), int(out[3])
    return after - before, size, cells


def main(memory_only: bool = False) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    if not memory_only:
        # 4 filler tokens after the 4-word echo: 8 tokens at 100 tok/s ("slow": 30 tok/s).
        with fake_server_process(4, 100) as urls:
            raw_wall(urls, 2)  # warm-up
            raw = raw_wall(urls, PROMPTS)
            app = app_wall(urls, PROMPTS, Path(tempfile.mkdtemp(prefix="pg-bench-ps-")))
        print(f"# prompt sets: {PROMPTS} prompts × 4 cards, {LIMIT} per endpoint ({machine()})")
        print("| raw SDK, same concurrency (s) | Run on all cards (s) | app / raw | target |")
        print("|---|---|---|---|")
        print(f"| {raw:.2f} | {app:.2f} | {app / raw:.2f} | ≤ 1.1 |")
        rows.append(
            (
                f"prompt set {PROMPTS} × 4 cards, wall / raw SDK at the same concurrency",
                f"{app / raw:.2f}",
                "≤ 1.1",
            )
        )
    small, small_size, _ = memory(250)
    large, large_size, cells = memory(1000)
    per_answer = (large - small) * 1e6 / (cells - cells // 4) if cells else 0.0
    print()
    print("# prompt sets: peak memory growth of the app process during a run")
    print("| run | peak RSS growth (MB) | results (MB of JSON) |")
    print("|---|---|---|")
    print(f"| 250 × 4 | {small:.1f} | {small_size:.2f} |")
    print(f"| 1,000 × 4 | {large:.1f} | {large_size:.2f} |")
    print(f"growth per extra answer: {per_answer / 1000:.1f} kB")
    rows.append(
        ("prompt set 1,000 × 4 cards, peak RSS growth (MB)", f"{large:.1f}", "results only")
    )
    rows.append(
        (
            "prompt set, RSS growth per extra answer (kB)",
            f"{per_answer / 1000:.1f}",
            "≈ size of a result",
        )
    )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory-child"]:
        memory_child(sys.argv[2], int(sys.argv[3]))
    else:
        main("--memory-only" in sys.argv)
