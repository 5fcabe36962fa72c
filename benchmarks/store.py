"""Saving workspaces: the store's write rate, a big workspace's size, and whether saving
slows streaming.

1. Saves per second of a workspace of 4 cards x 100 messages into SQLite (each save
   a real change and a compare-and-swap on the revision), and that workspace's size.
2. Tokens per second of a ``StreamJob`` streaming into that workspace from the local
   test server (in its own process), with an ``AutoSaver`` saving it while it streams
   against without one; alternating rounds, medians. At the default interval (2 s)
   and at 0.1 s (20 times as many saves), with the server paced at 5,000 tokens/s and
   unpaced (as fast as it can, so any time the saver takes from the stream shows).
   The ratio is the median of back-to-back pairs (off/on in alternating order).
Usage: ``python benchmarks/store.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from common import fake_server_process, machine

from playground.chat.streaming import StreamJob
from playground.config.settings import Timeouts
from playground.endpoints.clients import make_client
from playground.store import AutoSaver, StoreConfig, WorkspaceStore
from playground.store.history_facts import history_facts
from playground.workspace.types import Card, Message, Metrics, Workspace

SECONDS = 1.5  # each paced answer lasts about this long
ROUNDS = 7
PROSE = (
    "Streaming keeps the partial answer in the message as it arrives, so a stop or a "
    "rerun never loses text. "
)


def big_workspace(cards: int = 4, messages: int = 100) -> Workspace:
    """Cards of alternating prompts (~200 chars) and answers (~1,500 chars) with figures."""
    ws = Workspace(cards=[Card() for _ in range(cards)])
    for card in ws.cards:
        for i in range(messages // 2):
            card.messages.append(Message(role="user", content=f"Question {i}: " + PROSE * 2))
            card.messages.append(
                Message(
                    role="assistant",
                    content=f"Answer {i}. " + PROSE * 14,
                    metrics=Metrics(ttft_s=0.12, last_token_s=3.4, total_s=3.5, output_tokens=320),
                )
            )
    return ws


def write_rate(seconds: float = 3.0) -> tuple[float, int]:
    """(saves per second, workspace bytes) on a SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        store = WorkspaceStore.from_config(StoreConfig(data_dir=tmp))
        ws = big_workspace()
        size = len(ws.model_dump_json().encode())
        workspace_id = store.create(ws)
        revision, saves = 1, 0
        target = ws.cards[0].messages[-1]
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            target.content += "x"
            revision = store.save(workspace_id, ws, revision).revision
            saves += 1
        elapsed = time.perf_counter() - start
        store.close()
    return saves / elapsed, size


def snapshot_ms(rounds: int = 50) -> float:
    """Median ms a save spends in Python holding the GIL: serializing and the History summary."""
    ws = big_workspace()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        ws.model_dump_json()
        history_facts(ws)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def stream_once(
    url: str, store: WorkspaceStore | None, interval: float
) -> tuple[float, int, float]:
    """(tokens/s of one answer, saves made while it streamed, CPU seconds of this process)."""
    ws = big_workspace()
    card = ws.cards[0]
    card.messages.append(Message(role="user", content="go"))
    answer = Message(role="assistant", status="streaming")
    card.messages.append(answer)
    saver = AutoSaver(store, lambda: ws, interval=interval) if store is not None else None
    cpu = time.process_time()
    job = StreamJob(
        make_client(url, None, Timeouts(), max_retries=0),
        model="fake-small",
        history=[{"role": "user", "content": "go"}],
        target=answer,
    ).start()
    if saver is not None:
        saver.mark_dirty()  # what the UI does when it sends the prompt
    job.join(60)
    saves = 0
    if saver is not None:
        saver.stop()
        saves = saver.saves
    cpu = time.process_time() - cpu
    assert answer.status == "done" and answer.metrics is not None, answer.error
    tps = answer.metrics.tokens_per_second
    assert tps is not None
    return tps, saves, cpu


def streaming_ratio(rate: float, interval: float) -> dict[str, float]:
    """Tok/s without and with saving, their ratio, saves and CPU seconds per answer (medians).

    Rounds are pairs run back to back (in alternating order), and the ratio is the
    median of the pairs' ratios, so load that comes and goes cancels out.
    """
    tokens = int((rate or 10_000) * SECONDS)
    runs: dict[str, list[float]] = {k: [] for k in ("off", "on", "ratio", "saves", "cpu_off")}
    runs["cpu_on"] = []
    with fake_server_process(tokens, rate) as urls, tempfile.TemporaryDirectory() as tmp:
        url = urls["fast"]
        store = WorkspaceStore(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        stream_once(url, None, interval)  # warm-up
        stream_once(url, store, interval)
        for i in range(ROUNDS):
            if i % 2:
                with_saver = stream_once(url, store, interval)
                without = stream_once(url, None, interval)
            else:
                without = stream_once(url, None, interval)
                with_saver = stream_once(url, store, interval)
            runs["off"].append(without[0])
            runs["on"].append(with_saver[0])
            runs["ratio"].append(with_saver[0] / without[0])
            runs["saves"].append(with_saver[1])
            runs["cpu_off"].append(without[2])
            runs["cpu_on"].append(with_saver[2])
        store.close()
    return {k: statistics.median(v) for k, v in runs.items()}


def main() -> list[tuple[str, str, str]]:
    rows = []
    print(f"# saving workspaces ({machine()})")
    rate, size = write_rate()
    held = snapshot_ms()
    print("| figure | value |")
    print("|---|---|")
    print(f"| SQLite saves/s, 4 cards x 100 messages | {rate:.0f} |")
    print(f"| that workspace's size | {size:,} bytes |")
    print(f"| per save, serializing + summary (holds the GIL) | {held:.1f} ms |")
    rows.append(("SQLite saves/s of a 4 x 100-message workspace", f"{rate:.0f}", "report"))
    rows.append(("size of a 4 x 100-message workspace", f"{size:,} bytes", "report"))
    rows.append(("per save, time holding the GIL", f"{held:.1f} ms", "report"))
    print()
    print(
        "| server rate | autosave interval | tok/s saving off | tok/s saving on | ratio "
        "| saves per answer | CPU s per answer off / on | target |"
    )
    print("|---|---|---|---|---|---|---|---|")
    default = StoreConfig().autosave_interval
    for server_rate in (5000.0, 0.0):
        for interval in (default, 0.1):
            r = streaming_ratio(server_rate, interval)
            label = f"{server_rate:.0f} tok/s" if server_rate else "unpaced"
            print(
                f"| {label} | {interval:g} s | {r['off']:.0f} | {r['on']:.0f} | {r['ratio']:.3f} "
                f"| {r['saves']:.0f} | {r['cpu_off']:.2f} / {r['cpu_on']:.2f} | ≥ 0.95 |"
            )
            rows.append(
                (
                    f"tokens/s saving on / off, {label}, every {interval:g} s",
                    f"{r['ratio']:.3f}",
                    "≥ 0.95",
                )
            )
    return rows


if __name__ == "__main__":
    main()
