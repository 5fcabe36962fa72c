"""Prompt sets: a run's wall time against the endpoints' physical limit, and its memory.

1. **Wall time**, 200 prompts × 4 cards (two cards on each of two endpoints
   of the local test server, in its own process; ``limit`` concurrent requests
   per endpoint). The physical limit is measured in the same run: the same
   800 streamed requests made with the raw openai SDK, ``limit`` threads per
   endpoint, both endpoints at once. Target: app / raw ≤ 1.1.
2. **Runs per prompt**: the same with 3 runs (200 × 4 × 3 = 2,400 answers) against
   the raw SDK asking each prompt 3 times. Target: app / raw ≤ 1.1.
3. **Peak memory**, in a fresh process each: the growth of peak RSS over the
   process before the run, for 1,000 × 4 × 1 and for ``BIG`` prompts × 4 × 3, with
   the size of the results (JSON) each produced. The run keeps a few bytes an answer
   (``promptsets.ledger``), so the bigger run should stay within the smaller's bound.

Usage: ``python benchmarks/prompt_sets.py [--memory-only | --runs-only] [--big N]``.
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
from playground.session.evaluation.promptsets import prepare, run_store, start_run
from tests.promptset_helpers import services, session_on

LIMIT = 8  # concurrent requests per endpoint
PROMPTS = 200
BIG = 10_000  # prompts of the big memory case (× 4 cards × 3 runs)
MODELS = ("fake-small", "fake-large")


def _prompts(n: int) -> str:
    return "prompt\n" + "".join(f"question {i}\n" for i in range(n))


def raw_wall(urls: dict[str, str], n: int, runs: int = 1) -> float:
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
                for _ in range(runs)
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


def app_wall(urls: dict[str, str], n: int, data: Path, runs: int = 1) -> float:
    """The same run through "Run on all cards" (saved to SQLite as it goes)."""
    svc = services(data, limit=LIMIT, F=urls["fast"], S=urls["slow"])
    session = session_on(*[(e, m) for e in ("F", "S") for m in MODELS])
    prep = prepare(_prompts(n))
    start = time.perf_counter()
    runner = start_run(session, svc, RunRegistry(), prep, runs=runs)
    runner.join()
    wall = time.perf_counter() - start
    done = sum(1 for c in runner.cells().values() if c.status == "done")
    assert done == n * 4 * runs, f"{done} of {n * 4 * runs} answers"
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


def memory_child(url: str, n: int, runs: int = 1) -> None:
    """In a fresh process: peak RSS before and after an n × 4 run; the results' size."""
    data = Path(tempfile.mkdtemp(prefix="pg-bench-ps-"))
    svc = services(data, limit=LIMIT, F=url)
    session = session_on(*[("F", m) for m in MODELS * 2])
    prep = prepare(_prompts(n))
    svc.store()  # open (and migrate) the store before measuring
    before = _rss_mb()
    sampler = PeakSampler()
    runner = start_run(session, svc, RunRegistry(), prep, runs=runs)
    runner.join()
    peak = sampler.stop()
    size, count = 0, 0
    for cell in run_store(svc).cells(runner.run_id):  # read one at a time, after the peak
        size += len(cell.model_dump_json())
        count += 1
    print(f"{before:.1f} {peak:.1f} {size / 1e6:.2f} {count}", flush=True)


def memory(n: int, runs: int = 1) -> tuple[float, float, int]:
    """(peak RSS growth MB, results MB, cells) of an n × 4 × runs run in its own process."""
    with fake_server_process(20, 0) as urls:
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", urls["fast"], str(n), str(runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    before, after, size, cells = float(out[0]), float(out[1]), float(out[2]), int(out[3])
    return after - before, size, cells


def wall_case(urls: dict[str, str], runs: int) -> tuple[str, str, str]:
    raw = raw_wall(urls, PROMPTS, runs)
    app = app_wall(urls, PROMPTS, Path(tempfile.mkdtemp(prefix="pg-bench-ps-")), runs)
    print(f"# prompt sets: {PROMPTS} prompts × 4 cards × {runs} runs, {LIMIT} per endpoint")
    print("| raw SDK, same concurrency (s) | Run on all cards (s) | app / raw | target |")
    print("|---|---|---|---|")
    print(f"| {raw:.2f} | {app:.2f} | {app / raw:.2f} | ≤ 1.1 |")
    what = f"prompt set {PROMPTS} × 4 cards × {runs} runs, wall / raw SDK at the same concurrency"
    return (what, f"{app / raw:.2f}", "≤ 1.1")


def main(
    memory_only: bool = False, runs_only: bool = False, big: int = BIG
) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    print(f"({machine()})")
    if not memory_only:
        # 4 filler tokens after the 4-word echo: 8 tokens at 100 tok/s ("slow": 30 tok/s).
        with fake_server_process(4, 100) as urls:
            raw_wall(urls, 2)  # warm-up
            if not runs_only:
                rows.append(wall_case(urls, 1))
            rows.append(wall_case(urls, 3))
    small, small_size, small_cells = memory(1000)
    large, large_size, cells = memory(big, 3)
    print()
    print("# prompt sets: peak memory growth of the app process during a run (fresh process)")
    print("| run | answers | peak RSS growth (MB) | results (MB of JSON) |")
    print("|---|---|---|---|")
    print(f"| 1,000 × 4 × 1 | {small_cells:,} | {small:.1f} | {small_size:.2f} |")
    print(f"| {big:,} × 4 × 3 | {cells:,} | {large:.1f} | {large_size:.2f} |")
    print(f"bigger / smaller peak growth: {large / small:.2f} (target ≤ 1.0)")
    rows.append(("prompt set 1,000 × 4 × 1, peak RSS growth (MB)", f"{small:.1f}", "bound"))
    rows.append(
        (f"prompt set {big:,} × 4 × 3, peak RSS growth (MB)", f"{large:.1f}", f"≤ {small:.1f}")
    )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory-child"]:
        memory_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        size = int(sys.argv[sys.argv.index("--big") + 1]) if "--big" in sys.argv else BIG
        main("--memory-only" in sys.argv, "--runs-only" in sys.argv, size)
