"""The Models report at scale: 100,000 saved answers, prompt-set runs and votes in a
temporary SQLite store, all written through the store's own save paths (workspaces with
``WorkspaceStore.create``, cells with ``RunStore.write_cells``, votes with
``VoteStore.add``), so the facts tables are filled as the app fills them.

Printed, measured in one run: the page's first draw through AppTest (wall seconds,
caches empty, the page's imports done and timed apart), a later run (wall, median of 3)
and a filter change (wall); the report's SQL alone (figures and check rates). Target:
first draw < 1 s.
Usage: ``python benchmarks/models_report.py [--answers 100000] [--votes 2000]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from common import APP, AppTest, machine

from playground.arena.vote_store import VoteStore
from playground.promptsets.records import CellResult, CheckResult, RunColumn, RunRow, RunSpec
from playground.promptsets.store import RunStore
from playground.reports.models.queries import ReportFilter, check_rates, figures
from playground.store import WorkspaceStore
from playground.store.engine import reading
from playground.workspace.types import (
    Card,
    CardConfig,
    Message,
    Metrics,
    SamplingSettings,
    Workspace,
)
from tests.arena_votes import random_votes

MODELS = [("E", f"model-{i:02d}") if i % 2 == 0 else ("F", f"model-{i:02d}") for i in range(8)]
TURNS = 125  # per card; 4 cards: 500 answers a workspace


def metrics(rng: random.Random, speed: float) -> Metrics:
    ttft = rng.lognormvariate(-1.0, 0.5) / speed
    tokens = rng.randint(50, 800)
    return Metrics(
        ttft_s=ttft,
        last_token_s=ttft + tokens / (40 * speed),
        output_tokens=tokens,
        cost_usd=tokens * 2e-6 * speed,
    )


def fill(store: WorkspaceStore, answers: int, votes: int) -> None:
    rng = random.Random(29)
    for w in range(answers // (4 * TURNS)):
        cards = []
        for c in range(4):
            endpoint, model = MODELS[(w + c) % len(MODELS)]
            settings = SamplingSettings(temperature=0.2) if (w + c) % 3 == 0 else SamplingSettings()
            card = Card(config=CardConfig(endpoint=endpoint, model=model, settings=settings))
            speed = 1 + (w + c) % len(MODELS) / 4
            for t in range(TURNS):
                card.messages += [
                    Message(role="user", content=f"question {t}"),
                    Message(role="assistant", content="An answer.", metrics=metrics(rng, speed)),
                ]
            cards.append(card)
        store.create(Workspace(cards=cards))
    runs = RunStore(store.engine)
    for r in range(5):
        spec = RunSpec(
            title=f"set {r}",
            columns=[
                RunColumn(card_id=f"c{i}", label=m, config=CardConfig(endpoint=e, model=m))
                for i, (e, m) in enumerate(MODELS[:4])
            ],
            rows=[RunRow(number=i + 1, prompt=f"p{i}") for i in range(200)],
        )
        run_id = runs.create(spec, workspace_id=None, owner=None)
        cells = [
            CellResult(
                row=row,
                col=col,
                status="done",
                text="a",
                metrics=metrics(rng, 1 + col / 4),
                checks=[
                    CheckResult(check="contains:x", passed=rng.random() < 0.5 + col / 10),
                    CheckResult(check="regex:y", passed=rng.random() < 0.7),
                ],
            )
            for row in range(200)
            for col in range(4)
        ]
        runs.write_cells(run_id, cells)
    target = VoteStore(store)
    for record in random_votes(votes, len(MODELS), seed=29):
        target.add(record)


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def page() -> dict[str, float]:
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    imports = timed(lambda: importlib.import_module("playground.ui.models_page"))
    print(f"the page's imports (altair, pandas, choix, once per process): {imports:.2f} s")
    first = timed(lambda: at.switch_page("pages/models.py").run())
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe and len(at.dataframe[0].value) >= len(MODELS), "no rows drawn"
    later = statistics.median(timed(at.run) for _ in range(3))
    change = timed(lambda: at.multiselect(key="mr_endpoints").set_value(["E"]).run())
    assert not at.exception, [e.value for e in at.exception]
    return {"first": first, "later": later, "change": change}


def sql_alone(store: WorkspaceStore) -> float:
    def run() -> None:
        with reading(store.engine) as conn:
            figures(conn, ReportFilter())
            check_rates(conn, ReportFilter())

    return timed(run)


def postgres(answers: int, votes: int) -> tuple[float, float]:
    """The same store on PostgreSQL (tests/postgres.py starts one on 127.0.0.1): wall
    seconds of the report's SQL alone, and of the whole report (SQL, votes, ratings)."""
    from playground.reports.models.report import load
    from tests.postgres import PostgresServer, _bin_dir

    bin_dir = _bin_dir()
    assert bin_dir is not None, "apt-get install -y postgresql"
    server = PostgresServer(bin_dir).start()
    try:
        store = WorkspaceStore(server.create_schema())
        fill(store, answers, votes)
        sql_alone(store)  # warm, as the SQLite figures are after the fill
        alone = sql_alone(store)
        whole = timed(lambda: load(store, ReportFilter()))
        store.close()
        return alone, whole
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> list[tuple[str, str, str]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=2_000)
    parser.add_argument("--postgres", action="store_true", help="also time it on PostgreSQL")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="pg-bench-models-"))
    data = tmp / "data"
    config = tmp / "playground.toml"
    config.write_text(f'[store]\ndata_dir = "{data}"\n\n[local_model]\nenabled = false\n')
    os.environ["PLAYGROUND_CONFIG"] = str(config)
    print(f"# Models report, {args.answers:,} chat answers + 4,000 prompt-set cells ({machine()})")
    data.mkdir(mode=0o700)
    store = WorkspaceStore(f"sqlite:///{data / 'workspaces.sqlite3'}")
    start = time.perf_counter()
    fill(store, args.answers, args.votes)
    print(f"filled the store in {time.perf_counter() - start:.1f} s ({args.votes:,} votes)")
    alone = sql_alone(store)
    store.close()
    got = page()
    print("| figure | wall s | target |")
    print("|---|---|---|")
    print(f"| first draw | {got['first']:.3f} | < 1 s |")
    print(f"| later run (median of 3) | {got['later']:.3f} | |")
    print(f"| filter change (endpoint) | {got['change']:.3f} | |")
    print(f"| the report's SQL alone | {alone:.3f} | |")
    shutil.rmtree(tmp, ignore_errors=True)
    if args.postgres:
        alone, whole = postgres(args.answers, args.votes)
        print(f"| PostgreSQL: the report's SQL alone | {alone:.3f} | |")
        print(f"| PostgreSQL: the whole report (SQL, votes, ratings) | {whole:.3f} | |")
    return [
        (
            f"Models report {args.answers:,} answers, first draw (wall s)",
            f"{got['first']:.3f}",
            "< 1 s",
        )
    ]


if __name__ == "__main__":
    main()
